"""What the business-key tests of inspectie and loonvordering share: a service in a schema of its
own with the routes under test, and a partner that sends every fact as a new event."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker

from shared.policy import Policy
from shared.service import Service
from shared.settings import Settings

Route = tuple[str, str, Any, Any]  # topic, ce_type, model, handler


@contextlib.asynccontextmanager
async def dienst(
    naam: str, database_url: str, migrations: Path, routes: Sequence[Route], nu: datetime, policy: Policy, **reject: Any
) -> AsyncIterator[Service]:
    svc = Service(naam, migrations=migrations, settings=Settings(database_url=database_url))
    svc.policy = policy
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    for topic, ce_type, model, handler in routes:
        svc.handles(topic, ce_type, model=model, **reject)(handler)
    svc.app()
    svc.clock.apply(nu)
    await svc.open_storage()
    try:
        yield svc
    finally:
        await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
        await svc.pool.close()


async def als_nieuw_event(
    broker: KafkaBroker, topic: str, ce_type: str, data: dict[str, Any], key: str, nu: datetime
) -> None:
    """Every send is a new event with a ce_id of its own, as a partner's resend from its outbox is."""
    headers = {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_source": "urn:nld:partner:test",
        "ce_type": ce_type,
        "ce_time": nu.isoformat(),
        "content-type": "application/json",
    }
    await broker.publish(json.dumps(data).encode(), topic, key=key.encode(), headers=headers)
