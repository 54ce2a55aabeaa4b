"""Feeding the read model: every domain event of the internal topics and every dead letter.

The console reads every type on its topics, including types that do not exist yet, and it reads
dead-letter topics whose records may not even be CloudEvents. The runtime's routing (one handler
per type, dead-lettering the unknown) does not fit that, so the console keeps the runtime's batch
transaction, retry and test clock, and replaces how a batch is applied (`projecteer_batch`):
the events are logged in one statement, whose `ON CONFLICT DO NOTHING RETURNING` tells which are
new (the event log is the console's inbox), the dead letters' positions are claimed in the inbox
in one more, and only then are the new events projected, set-based with the result of projecting
them one by one in record order (`opslag.projecteer_alle`), and each new dead letter stored.

Nothing is skipped quietly: a record that is no CloudEvent is logged and left out (its copy is on
the dead-letter topic of the service that refused it); a record whose projection fails is tried
again with the runtime's backoff and, after its attempts, kept as a dead letter of the console
itself (reason `projectiefout`), which the operator sees and can replay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import structlog
from aiokafka import ConsumerRecord

from services.console.opslag import bewaar_dode_letter, log_gebeurtenissen, projecteer, projecteer_alle
from services.console.projectie import Sleutels
from shared import inbox
from shared.db import Conn
from shared.envelope import CloudEvent, EnvelopeError, decode
from shared.faults import transient
from shared.service import Service, _RetryRecord, _where
from shared.topics import CONSOLE_OPDRACHTEN, INBOUND, INTERNAL, TEST_KLOK, dlq

log = structlog.get_logger()
INBOX = "console"
MIGRATIONS = Path(__file__).parent / "migrations"
DLQ_TOPICS = tuple(dlq(t) for t in (*INBOUND, *INTERNAL, CONSOLE_OPDRACHTEN))
TOPICS = (*INTERNAL, *DLQ_TOPICS)
PROJECTIEFOUT = "projectiefout"
Pogingen = Counter[tuple[str, int, int]]


def groep(generatie: int) -> str:
    """The consumer group of one generation of the read model (a rebuild starts the next one)."""
    return f"waardigwerk.console.g{generatie}"


def _positie(record: ConsumerRecord[bytes, bytes]) -> str:
    return f"{record.topic}/{record.partition}/{record.offset}"


def _gelezen(records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[tuple[ConsumerRecord[bytes, bytes], CloudEvent]]:
    """The domain events of the batch (a record that is no CloudEvent is logged and left out)."""
    events = []
    for record in records:
        if record.topic.endswith(".dlq"):
            continue
        try:
            events.append((record, decode(record.headers, record.value)))
        except EnvelopeError as exc:
            log.warning("console_record_skipped", topic=record.topic, offset=record.offset, reasons=exc.reasons)
    return events


async def projecteer_batch(
    conn: Conn, records: Sequence[ConsumerRecord[bytes, bytes]], careful: bool, attempts: Pogingen, pogingen: int
) -> None:
    """The batch in the caller's transaction: two statements to tell what is new, then the new
    events' projection, a few statements for the whole batch, and each new dead letter. Careful:
    each record on its own in a savepoint that holds its log row too, so a record whose projection
    fails leaves no trace but its dead letter, and its replay (the same event id) is projected."""
    if careful:
        gezien: set[str] = set()  # event ids of this batch: a copy later in it is not tried again
        # Every record that fails counts an attempt in this round (k bad records cost what one does).
        retries = [r for record in records if (r := await _een_voorzichtig(conn, record, gezien, attempts, pogingen))]
        if retries:
            raise retries[0]
        return
    events = _gelezen(records)
    nieuw = await log_gebeurtenissen(conn, [(r.topic, e) for r, e in events])
    dode = [r for r in records if r.topic.endswith(".dlq")]
    claims = await inbox.claim(conn, INBOX, {_positie(r): None for r in dode})
    per_record = {id(r): e for r, e in events}
    werk: list[tuple[ConsumerRecord[bytes, bytes], tuple[CloudEvent, Sleutels] | None]] = []
    for record in records:
        event = per_record.get(id(record))
        if event is not None and event.id in nieuw:
            # the same event twice in one batch: projected once
            werk.append((record, (event, nieuw.pop(event.id))))
        elif record.topic.endswith(".dlq") and claims[_positie(record)].first:
            werk.append((record, None))
    await projecteer_alle(conn, [wat for _, wat in werk if wat is not None])
    for record, wat in werk:
        if wat is None:
            await _pas_toe(conn, record, wat)


async def _een_voorzichtig(
    conn: Conn, record: ConsumerRecord[bytes, bytes], gezien: set[str], attempts: Pogingen, pogingen: int
) -> _RetryRecord | None:
    """One record in a savepoint: logged (or claimed) and projected (or stored), or, after its
    attempts, none of that and a dead letter of the console in its place (a failed attempt before
    that is returned: the batch is tried again). A failure of the log or claim statement itself is
    pinned to the record the same way."""
    try:
        async with conn.transaction():
            if record.topic.endswith(".dlq"):
                positie = _positie(record)
                if (await inbox.claim(conn, INBOX, {positie: None}))[positie].first:
                    await _pas_toe(conn, record, None)
                return None
            for _, event in _gelezen((record,)):
                if event.id in gezien:  # as the fast path: the batch's first copy is the one applied
                    return None
                gezien.add(event.id)
                nieuw = await log_gebeurtenissen(conn, [(record.topic, event)])
                if event.id in nieuw:
                    await _pas_toe(conn, record, (event, nieuw[event.id]))
    except Exception as exc:
        if transient(exc):
            raise
        attempts[(record.topic, record.partition, record.offset)] += 1
        n = attempts[(record.topic, record.partition, record.offset)]
        if n < pogingen:
            return _RetryRecord(type(exc).__name__, n)
        log.error("console_projection_failed", topic=record.topic, offset=record.offset, attempts=n, **_where(exc))
        await _bewaar_als_projectiefout(conn, record, f"{type(exc).__name__} na {n} pogingen")
    return None


async def _pas_toe(conn: Conn, record: ConsumerRecord[bytes, bytes], nieuw: tuple[CloudEvent, Sleutels] | None) -> None:
    """Project a new event with its keys, or store a dead letter (`nieuw` is None)."""
    if nieuw is None:
        await bewaar_dode_letter(
            conn, record.topic, record.partition, record.offset, record.key, record.headers, record.value
        )
    else:
        await projecteer(conn, *nieuw)


async def _bewaar_als_projectiefout(conn: Conn, record: ConsumerRecord[bytes, bytes], details: str) -> None:
    """A record the console could not project is shown as a dead letter of the console itself: on the
    dead-letter topic of the record's own topic, at position -1 - its offset (no real dead letter
    has a negative position), so that a replay sends it to its own topic again."""
    headers = [
        *record.headers,
        ("dlq_reden", PROJECTIEFOUT.encode()),
        ("dlq_details", details.encode()),
        ("dlq_topic", record.topic.encode()),
        ("dlq_dienst", b"console"),
        ("dlq_tijd", datetime.now(UTC).isoformat().encode()),
    ]
    await bewaar_dode_letter(
        conn,
        dlq(record.topic.removesuffix(".dlq")),
        record.partition,
        -1 - record.offset,
        record.key,
        headers,
        record.value,
    )


class ConsoleService(Service):
    """The runtime with the console's own batch projection and a consumer group per read-model generation."""

    async def consume(self, records: tuple[ConsumerRecord[bytes, bytes], ...]) -> None:
        pogingen = self.settings.waardigwerk_record_pogingen

        async def apply(conn: Conn, careful: bool, attempts: Pogingen) -> None:
            await projecteer_batch(conn, records, careful, attempts, pogingen)

        async def one_by_one(attempts: Pogingen) -> None:
            for record in records:

                async def alone(conn: Conn, careful: bool, attempts: Pogingen) -> None:
                    await projecteer_batch(conn, (record,), True, attempts, pogingen)  # noqa: B023

                async def give_up(attempts: Pogingen) -> None:
                    async with self.pool.acquire() as conn, conn.transaction():
                        await _bewaar_als_projectiefout(conn, record, "batch kon niet worden vastgelegd")  # noqa: B023

                await self.in_transaction(1, alone, give_up)

        await self.in_transaction(len(records), apply, one_by_one)

    def abonneer(self, generatie: int) -> None:
        """Subscribe before the broker starts: the topics in this generation's group, and the test clock."""
        self._subscribe(list(TOPICS), groep(generatie), self.consume)
        if self.clock.test_mode:
            self._subscribe([TEST_KLOK], f"{self.consumer}.klok", self.set_clock)
