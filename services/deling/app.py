"""deling: the one egress. Domain events in, partner feeds out (CONTRACT §3), every disclosure on record."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from services.deling.domain.beleid import load_deelbeleid
from services.deling.domain.verstrekking import verstrekkingen
from shared import outbox
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
        await outbox.put_event(ctx.conn, v.topic, zaak_ref or event.id, event)
        await ctx.conn.execute(
            """INSERT INTO verstrekking (ontvanger, topic, event_id, bron_event_id, type, velden, doel, grondslag,
                                         beleid, zaak_ref, tijd)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())""",
            v.ontvanger,
            v.topic,
            event.id,
            bron.id,
            bron.type,
            list(v.velden),
            v.doel,
            v.grondslag,
            beleid.version,
            zaak_ref,
        )


for ce_type in sorted(beleid.typen()):
    context = ce_type.split(".")[2]
    service.handles(intern(context), ce_type)(doorsturen)

app = service.app()
