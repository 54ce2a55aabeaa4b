"""deling: the one egress. Domain events in, partner feeds out (CONTRACT §3), every disclosure on record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.deling.domain.beleid import load_deelbeleid
from services.deling.domain.verstrekking import verstrekkingen
from shared import asyncapi
from shared.contract.gebeurtenissen import GEBEURTENISSEN
from shared.envelope import CloudEvent
from shared.service import Context, Service
from shared.topics import intern

service = Service("deling", migrations=Path(__file__).parent / "migrations")
beleid = load_deelbeleid()
SLEUTEL = service.settings.waardigwerk_pseudonym_key.encode()
ZAAK_REFS = ("zaak_id", "vordering_id", "contract_referentie", "inspectie_id", "melder_referentie")


def _zaak_ref(data: dict[str, Any]) -> str | None:
    return next((str(data[k]) for k in ZAAK_REFS if data.get(k)), None)


async def doorsturen(ctx: Context, data: dict[str, Any]) -> None:
    bron = ctx.cause
    zaak_ref = _zaak_ref(data)
    for v in verstrekkingen(beleid, bron.type, data, SLEUTEL):
        event = CloudEvent(
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{bron.id}/{v.topic}")),
            source=service.source,
            type=bron.type,
            time=bron.time,
            correlationid=bron.chain_id,
            causationid=bron.id,
            data=v.data,
        )
        ctx.publish(v.topic, zaak_ref or event.id, event)
        ctx.append(
            "verstrekking",
            {
                "ontvanger": v.ontvanger,
                "topic": v.topic,
                "event_id": event.id,
                "bron_event_id": bron.id,
                "type": bron.type,
                "velden": list(v.velden),
                "doel": v.doel,
                "grondslag": v.grondslag,
                "beleid": beleid.version,
                "zaak_ref": zaak_ref,
                "tijd": datetime.now(UTC),  # when it was disclosed (wall clock, also under a test clock)
            },
        )


for ce_type in sorted(beleid.typen()):
    context = ce_type.split(".")[2]
    service.handles(intern(context), ce_type)(doorsturen)
# The partner feeds of the AsyncAPI document: per recipient and type, only the fields it may receive.
for naam, ontvanger in beleid.ontvangers.items():
    for ce_type, regel in sorted(ontvanger.typen.items()):
        gebeurtenis = GEBEURTENISSEN[ce_type]
        feed = asyncapi.partnerbericht(gebeurtenis, regel.velden, f"{gebeurtenis.__name__}Aan{naam.title()}")
        asyncapi.publishes(service, regel.topic, ce_type, feed, f"{ontvanger.omschrijving}: {ontvanger.doel}")

app = service.app()
