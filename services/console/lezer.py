"""Feeding the read model: every domain event of the internal topics and every dead letter.

The console reads every type on its topics, including types that do not exist yet, and it reads
dead-letter topics whose records may not even be CloudEvents. The runtime's routing (one handler
per type, dead-lettering the unknown) does not fit that, so the console keeps the runtime's batch
transaction, retry and test clock, and replaces only how one record is applied. Exactly once: the
inbox holds the event id (the record's position for a dead letter) in the same transaction.
"""

from __future__ import annotations

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

    async def _apply(self, conn: Conn, record: ConsumerRecord[bytes, bytes], careful: bool = True) -> None:
        await pas_toe(conn, record)

    def abonneer(self, generatie: int) -> None:
        """Subscribe before the broker starts: the topics in this generation's group, and the test clock."""
        self._subscribe(list(TOPICS), groep(generatie), self.consume)
        if self.clock.test_mode:
            self._subscribe([TEST_KLOK], f"{self.consumer}.klok", self.set_clock)
