"""Feeding the read model: every domain event of the internal topics and every dead letter.

The console reads every type on its topics, including types that do not exist yet, and it reads
dead-letter topics whose records may not even be CloudEvents. The runtime's routing (one handler
per type, dead-lettering the unknown) does not fit that, so the console keeps the runtime's batch
transaction, retry and test clock, and replaces only how one record is applied. Exactly once: the
inbox holds the event id (the record's position for a dead letter) in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import structlog
from aiokafka import ConsumerRecord

from services.console.opslag import bewaar_dode_letter, bewaar_gebeurtenis
from shared import inbox
from shared.db import Conn
from shared.envelope import EnvelopeError, decode
from shared.service import TRANSIENT, Service
from shared.topics import INBOUND, INTERNAL, TEST_KLOK, dlq

log = structlog.get_logger()
INBOX = "console"
MIGRATIONS = Path(__file__).parent / "migrations"
DLQ_TOPICS = tuple(dlq(t) for t in (*INBOUND, *INTERNAL))
TOPICS = (*INTERNAL, *DLQ_TOPICS)


def groep(generatie: int) -> str:
    """The consumer group of one generation of the read model (a rebuild starts the next one)."""
    return f"waardigwerk.console.g{generatie}"


async def pas_toe(conn: Conn, record: ConsumerRecord[bytes, bytes]) -> None:
    """Apply one record in its own savepoint: a record the console cannot read is logged, never blocking."""
    try:
        async with conn.transaction():
            if record.topic.endswith(".dlq"):
                positie = f"{record.topic}/{record.partition}/{record.offset}"
                if await inbox.first_delivery(conn, INBOX, positie):
                    await bewaar_dode_letter(
                        conn, record.topic, record.partition, record.offset, record.key, record.headers, record.value
                    )
                return
            event = decode(record.headers, record.value)
            if await inbox.first_delivery(conn, INBOX, event.id):
                await bewaar_gebeurtenis(conn, record.topic, event)
    except EnvelopeError as exc:
        log.warning("console_record_skipped", topic=record.topic, offset=record.offset, reasons=exc.reasons)
    except TRANSIENT:
        raise
    except Exception:
        log.exception("console_projection_failed", topic=record.topic, offset=record.offset)


class ConsoleService(Service):
    """The runtime with the console's own record handling and a consumer group per read-model generation."""

    async def consume(self, records: tuple[ConsumerRecord[bytes, bytes], ...]) -> None:
        """Every record of the batch in the runtime's transaction and retry, each in its own savepoint."""

        async def apply(conn: Conn, careful: bool, attempts: Counter[tuple[str, int, int]]) -> None:
            for record in records:
                await pas_toe(conn, record)

        async def one_by_one(attempts: Counter[tuple[str, int, int]]) -> None:
            for record in records:

                async def alone(conn: Conn, careful: bool, attempts: Counter[tuple[str, int, int]]) -> None:
                    await pas_toe(conn, record)  # noqa: B023 (awaited in this iteration)

                async def give_up(attempts: Counter[tuple[str, int, int]]) -> None:
                    log.error("console_record_failed", topic=record.topic, offset=record.offset)  # noqa: B023

                await self.in_transaction(1, alone, give_up)

        await self.in_transaction(len(records), apply, one_by_one)

    def abonneer(self, generatie: int) -> None:
        """Subscribe before the broker starts: the topics in this generation's group, and the test clock."""
        self._subscribe(list(TOPICS), groep(generatie), self.consume)
        if self.clock.test_mode:
            self._subscribe([TEST_KLOK], f"{self.consumer}.klok", self.set_clock)
