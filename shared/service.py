"""The runtime every domain service shares: consume with inbox, apply in one transaction,
emit through the outbox, dead-letter bad input, retry transient failures, fire durable timers,
follow the test clock.

A service declares its handlers; this module turns them into FastStream subscribers::

    service = Service("melding", migrations=Path(__file__).parent / "migrations")

    @service.handles(IN_MELDINGEN, "nl.waardigwerk.melding.ingediend", model=MeldingIngediend, reject=afwijzen)
    async def melding_ingediend(ctx: Context, melding: MeldingIngediend) -> None: ...

    @service.on_timer("termijn")
    async def termijn_verstreken(ctx: Context, payload: dict) -> None: ...

    app = service.app()

Delivery semantics: records arrive in batches; a batch is applied in one database transaction,
and offsets are committed only after the commit. A duplicate `ce_id` is a no-op (inbox); the
same `ce_id` with other content is dead-lettered (`ce_id_hergebruikt`). Bad input (envelope,
unknown type, schema, a rejection by the domain, content PostgreSQL cannot store) goes to
`<topic>.dlq` through the outbox in the same transaction, with reason headers, the sender gets
a rejection where the topic has one and the payload names the sender, and the records behind it
continue: the batch is first applied without savepoints, and when a record must be
dead-lettered it is applied again with a savepoint per record, so only that record's writes are
undone. Transient errors (database or broker unreachable) roll the whole batch back and retry
it with backoff, never dead-lettering it. An error nobody classified (a bug) is retried a
bounded number of times per record, then that record is dead-lettered. Records reach this code
untouched: FastStream's parser never decodes their headers (it fails on hostile bytes).

Timers fire in the transaction of their effects; a failing timer handler is retried with
backoff and, after its attempts, kept as a dead timer (`shared.timers.dead`, an event
`nl.waardigwerk.timer.dood` on the service's own topic) until it is retried. A service with timers
also reads the console's commands (`waardigwerk.intern.console`): `nl.waardigwerk.timer.opnieuw`
addressed to it revives the dead timer in the command's transaction and answers
`nl.waardigwerk.timer.hersteld` (or `.niet_hersteld` with the reason); a command for another
service is skipped before the inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import re
import socket
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import asyncpg
import structlog
import uvloop
from aiokafka import AIOKafkaProducer, ConsumerRecord
from faststream import AckPolicy
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.security import SASLScram512
from pydantic import BaseModel, ValidationError

from shared import asyncapi, db, health, inbox, locks, metrics, outbox, timers, tracing
from shared.batch import Writes
from shared.clock import Clock
from shared.commits import LazyCommits
from shared.contract.base import fouten_van
from shared.contract.gebeurtenissen import TimerOpnieuw
from shared.db import Conn
from shared.envelope import (
    OWN_SOURCE_PREFIX,
    CloudEvent,
    EnvelopeError,
    clean_text,
    decode,
    dlq_headers,
    loggable,
    new_event,
    parse_json,
    possibly_personal,
)
from shared.faults import CONTENT_ERRORS, transient
from shared.logging import ACCESS_LOGGER, configure
from shared.ontvangst import laatste_dag
from shared.policy import Policy, PolicyError, load_policy
from shared.prefetch import hands_out_at_once
from shared.settings import Settings
from shared.supervision import Backoff, Supervisor, TaskHealth, repeat
from shared.topics import CONSOLE_OPDRACHTEN, DLQ_MAX_BYTES, TEST_KLOK, dlq, intern

log = structlog.get_logger()
HOUSEKEEPING_SECONDS = 3600.0
SCHEDULER_SECONDS = 30.0  # the longest the scheduler sleeps: a timer another replica wrote fires this late at most
SCHEDULER_MIN_S = 0.05  # the shortest, for a timer due a moment from now
CONSUMERS_SECONDS = 5.0  # how often a consumer that lost its group is looked for
RELAY_STALE_S = 120.0  # a relay round that has not come back for this long makes the service not ready
BATCH_FAILED_PAUSE_S = 1.0
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KLOK_GEZET = "nl.waardigwerk.test.klok_gezet"
REPLAY_HEADER = "waardigwerk_replay"  # set by the console on a dead letter it re-publishes
KLOK_BEVESTIGD = "nl.waardigwerk.test.klok_bevestigd"
REUSED_ID = "ce_id is al verwerkt voor een bericht met andere inhoud"
TIMER_DOOD = "nl.waardigwerk.timer.dood"  # on the service's own topic when a timer gave up
TIMER_OPNIEUW = "nl.waardigwerk.timer.opnieuw"  # the console's command to retry a dead timer
TIMER_HERSTELD = "nl.waardigwerk.timer.hersteld"  # the answer: the timer is live again
TIMER_NIET_HERSTELD = "nl.waardigwerk.timer.niet_hersteld"  # the answer: nothing changed, and why
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


class Rejected(Exception):
    """The domain refuses the input; `fouten` are [{veld, melding}] for the sender."""

    def __init__(self, fouten: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f["melding"] for f in fouten))
        self.fouten = fouten


@dataclass
class Context:
    """What a handler gets: the open transaction, the event that caused the work, "now", the policy,
    the batch's write buffer and what the service loaded for the batch (`Service.batch_state`).

    `emit`, `publish`, `schedule`, `cancel` and `append` are buffered and written at the end of
    the batch, one statement per table (shared/batch.py); a handler never reads them back."""

    conn: Conn
    cause: CloudEvent
    now: datetime
    policy: Policy
    service: Service
    writes: Writes
    batch: Any = None

    @property
    def today(self) -> Any:
        """The Dutch calendar date of "now" (terms are counted in Dutch days)."""
        return self.now.astimezone(AMSTERDAM).date()

    @property
    def laatste_dag(self) -> date:
        """The latest date a fact in the cause can carry (`shared.ontvangst.laatste_dag`): today, or
        the sender's own day when it is ahead of the Dutch one."""
        return laatste_dag(self.today, ontvangen_om=self.now, verzonden_om=self.cause.time)

    async def emit(
        self, type: str, data: dict[str, Any], key: str, *, topic: str | None = None, subject: str | None = None
    ) -> CloudEvent:
        event = new_event(
            type=type, source=self.service.source, data=data, time=self.now, cause=self.cause, subject=subject
        )
        self.writes.put_event(topic or intern(self.service.name), key, event)
        return event

    def publish(self, topic: str, key: str, event: CloudEvent) -> None:
        """An event built by the handler itself (e.g. deling's copies), through the outbox."""
        self.writes.put_event(topic, key, event)

    def append(self, table: str, row: dict[str, Any]) -> None:
        """A row for an append-only table of the service (audit, disclosures), copied in per batch."""
        self.writes.append(table, row)

    async def schedule(self, soort: str, sleutel: str, due_at: datetime, payload: dict[str, Any]) -> None:
        self.writes.schedule(soort, sleutel, due_at, payload, self.cause)
        self.service.note_timer(due_at)

    async def cancel(self, soort: str, sleutel: str) -> None:
        self.writes.cancel(soort, sleutel)


Handler = Callable[[Context, Any], Awaitable[None]]
RejectHook = Callable[[Context, list[dict[str, str]]], Awaitable[None]]


class BatchState(Protocol):
    async def flush(self, conn: Conn) -> None: ...


BatchLoader = Callable[[Conn, Sequence[tuple[CloudEvent, Any]]], Awaitable[BatchState]]


@dataclass(frozen=True)
class Route:
    topic: str
    ce_type: str
    handler: Handler
    model: type[BaseModel] | None
    reject: RejectHook | None


async def _the_message(msg: KafkaMessage) -> KafkaMessage:
    """The handler is given the batch's message itself. Its records are parsed by `shared.envelope`,
    never by FastStream's JSON decoder (bad input must reach us), and no context parameter is
    resolved for it (FastStream does that in a worker thread, a thread hop per batch)."""
    return msg


async def _untouched_batch(
    records: tuple[ConsumerRecord[bytes, bytes], ...], original: Callable[[Any], Awaitable[KafkaMessage]]
) -> KafkaMessage:
    """FastStream's parser decodes every header value as UTF-8 and fails on a null or invalid one,
    which loses the whole batch before the service sees it. It is given the records without
    headers (it only needs their positions), and the message keeps the untouched records."""
    message = await original(tuple(dataclasses.replace(r, headers=()) for r in records))
    message.raw_message = records
    return message


def _kafka_security(settings: Settings) -> SASLScram512 | None:
    """The service's own login on a secure broker (the settings allow only SCRAM-SHA-512)."""
    if not settings.kafka_sasl:
        return None
    password = settings.kafka_sasl_password.get_secret_value()
    return SASLScram512(settings.kafka_sasl_username, password, use_ssl=False)


class _Carefully(Exception):
    """A record of the batch must be dead-lettered: apply the batch again, a savepoint per record."""


class _RetryRecord(Exception):
    """A record failed for a reason the runtime cannot classify: the batch is tried again after a pause."""

    def __init__(self, error: str, attempt: int) -> None:
        super().__init__(error)
        self.error, self.attempt = error, attempt


def _position(record: ConsumerRecord[bytes, bytes]) -> tuple[str, int, int]:
    return (record.topic, record.partition, record.offset)


def _position_text(record: ConsumerRecord[bytes, bytes]) -> str:
    """The record's position as `topic/partition/offset`."""
    return "/".join(map(str, _position(record)))


DEAD_LETTER_KEY = "\x1f"  # starts a dead letter's inbox key: no ce_id holds a control character (decode)
REPLAY_MAX = 64  # a replay marker longer than the console's own, or not clean text, is keyed by its digest


def _position_key(record: ConsumerRecord[bytes, bytes]) -> str:
    """The inbox key of a dead letter without a readable id: its position."""
    return f"{DEAD_LETTER_KEY}positie:{_position_text(record)}"


def _dead_letter_key(event_id: str, headers: Any) -> str:
    """The inbox key of a dead letter of an event: its id and the console's replay marker, if any
    (each replay is dead-lettered anew). A hostile marker cannot make the key unstorable."""
    replay = _header_text(headers, REPLAY_HEADER)
    if len(replay) > REPLAY_MAX or not clean_text(replay):
        replay = "sha256:" + hashlib.sha256(replay.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{DEAD_LETTER_KEY}dlq:{event_id}:{replay}"


def _header_text(headers: Any, name: str) -> str:
    """One header's value as text ('' when absent, null or not UTF-8): never raises on hostile bytes."""
    for key, value in headers:
        if key == name and value is not None:
            return str(value.decode("utf-8", "replace"))
    return ""


def _where(exc: BaseException) -> dict[str, str]:
    """Where an error was raised (file and line of the innermost frame): logs name the place, never
    the message, which may repeat a value of the record (e.g. PostgreSQL's 'invalid input syntax')."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return {}
    path = Path(tb.tb_frame.f_code.co_filename)
    return {"at": f"{'/'.join(path.parts[-3:])}:{tb.tb_lineno}"}


def _describe(exc: BaseException) -> str:
    """A reason for an error of a record's content, naming its kind, never its value."""
    if isinstance(exc, RecursionError):
        return "inhoud is te diep genest"
    if isinstance(exc, UnicodeError):
        return "inhoud bevat tekens die niet als UTF-8 kunnen worden opgeslagen"
    if isinstance(exc, ArithmeticError):
        return "inhoud bevat een getal dat niet kan worden doorgerekend"
    return f"inhoud kan niet worden opgeslagen ({type(exc).__name__})"


def _safe_details(details: list[str]) -> bytes:
    """The reasons as one header value: printable, bounded, and with any possible BSN masked."""
    text = _UNPRINTABLE.sub("?", "; ".join(details))[:2000]
    if possibly_personal(text):
        text = re.sub(r"[0-9]{9,}", "<getal>", text)
    return text.encode("utf-8", "replace")


@dataclass(frozen=True)
class _Item:
    """A record to apply: decoded, routed, validated; `content` is its inbox digest."""

    record: ConsumerRecord[bytes, bytes]
    event: CloudEvent
    route: Route
    payload: Any
    content: bytes
    dlq_key: str


@dataclass(frozen=True)
class _Bad:
    """A record to dead-letter, once: `key` is its inbox key for that (`_position_key`, `_dead_letter_key`)."""

    record: ConsumerRecord[bytes, bytes]
    event: CloudEvent | None
    key: str
    reason: str
    details: list[str]
    fouten: list[dict[str, str]] | None


@contextlib.contextmanager
def _bound(event: CloudEvent) -> Iterator[None]:
    """The event's ids on every log line while it is handled."""
    structlog.contextvars.bind_contextvars(
        event_id=loggable(event.id), correlation_id=loggable(event.chain_id), ce_type=loggable(event.type)
    )
    try:
        yield
    finally:
        structlog.contextvars.unbind_contextvars("event_id", "correlation_id", "ce_type")


class _DeadLetter(Exception):
    def __init__(self, reason: str, details: list[str], fouten: list[dict[str, str]] | None = None) -> None:
        super().__init__(reason)
        self.reason, self.details, self.fouten = reason, details, fouten


async def restart_lost_consumers(broker: KafkaBroker) -> list[str]:
    """Start every subscriber whose consumer lost its group anew (a new consumer joins the group
    and goes on from the committed offsets); returns their names."""
    restarted = []
    for subscriber in broker.subscribers:
        if subscriber.running and health.coordination_ended(subscriber):
            await subscriber.stop()
            await subscriber.start()
            restarted.append(health.title(subscriber))
    return restarted


@dataclass
class Service:
    name: str
    migrations: Path
    settings: Settings = field(default_factory=Settings)
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    timer_handlers: dict[str, Handler] = field(default_factory=dict)
    # The keys a batch must hold before it applies (shared/locks.py): safe at two replicas.
    batch_locks: locks.BatchLocks | None = None
    # What the handlers read, loaded once per batch and handed to each as `ctx.batch`; its
    # `flush(conn)` writes what they changed (see shared/batch.py).
    batch_state: BatchLoader | None = None

    def __post_init__(self) -> None:
        self.source = f"{OWN_SOURCE_PREFIX}{self.name}"
        self.schema = self.name  # tests may point a service at a schema of their own
        self.consumer = f"waardigwerk.{self.name}"
        self.clock = Clock(self.settings.waardigwerk_test_clock)
        self.policy = load_policy(self.settings.waardigwerk_beleid)
        self.broker = KafkaBroker(
            self.settings.kafka_bootstrap_list,
            client_id=self.consumer,
            security=_kafka_security(self.settings),
            # FastStream's lines without a level of their own at DEBUG: its two access lines per batch
            # (`Received`, `Processed`; the runtime's `batch_applied` says what a batch did) and a
            # subscriber's start. Its errors stay ERROR. A logger of our own, so FastStream leaves its level
            # to the service's (WAARDIGWERK_LOG_LEVEL=DEBUG shows them; `faststream run --log-level` would not).
            logger=logging.getLogger(ACCESS_LOGGER),
            log_level=logging.DEBUG,
        )
        self.supervisor = Supervisor()
        self._pool: asyncpg.Pool | None = None
        self._producer: AIOKafkaProducer | None = None
        self.relay: outbox.Relay | None = None
        self._app: AsgiFastStream | None = None
        self.commits = LazyCommits(self.settings.waardigwerk_commit_every_ms / 1000)
        self._timer_wake = asyncio.Event()  # set after a commit that wrote a timer due before the next round
        self._next_round_at = 0.0  # when the scheduler's next round is due (event loop time)
        self._timer_noted: datetime | None = None  # the earliest due time written since the last commit

    # -- declaration ---------------------------------------------------------------------
    def handles(
        self, topic: str, ce_type: str, *, model: type[BaseModel] | None = None, reject: RejectHook | None = None
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[(topic, ce_type)] = Route(topic, ce_type, handler, model, reject)
            return handler

        return register

    def on_timer(self, soort: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.timer_handlers[soort] = handler
            self.handles(CONSOLE_OPDRACHTEN, TIMER_OPNIEUW, model=TimerOpnieuw)(self._timer_opnieuw)
            return handler

        return register

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "the service has not started"
        return self._pool

    # -- consuming -----------------------------------------------------------------------
    async def consume(self, records: tuple[ConsumerRecord[bytes, bytes], ...]) -> None:
        """Apply a batch exactly once; never raises for a record's content, never stalls on one.

        The batch is sorted before its transaction (`_sort`): records that are no CloudEvent, of a
        type nobody handles, or that fail their schema are dead-lettered without rolling back the
        others. In the transaction the inbox is claimed for the whole batch in one statement, the
        service loads what its handlers read once (`batch_state`), every handler runs, and the
        writes are flushed per table (shared/batch.py). When a handler fails (a rejection by the
        domain, content PostgreSQL cannot store, a bug), the batch is rolled back and applied
        again with a savepoint per record, so only that record's writes are undone and each error
        is pinned to its record. Connection-class errors are retried with backoff without end; an
        error the runtime cannot classify is retried `waardigwerk_record_pogingen` times per
        record, then that record is dead-lettered. An error that no record can be blamed for
        (e.g. at commit) is retried the same number of times, then each record is applied in a
        transaction of its own, so that the blame can be pinned after all."""
        items, bad = self._sort(records)
        if not items and not bad:
            return  # nothing this service needs: no transaction, no inbox row

        async def apply(conn: Conn, careful: bool, attempts: Counter[tuple[str, int, int]]) -> None:
            await self._apply_batch(conn, items, bad, careful, attempts)

        async def one_by_one(attempts: Counter[tuple[str, int, int]]) -> None:
            await self._consume_one_by_one(items, bad, attempts)

        with metrics.batch_outcome() as outcome:
            await self.in_transaction(len(records), apply, one_by_one)
            # One line per batch (a line per record was 7 % of the stack's CPU flat out); each
            # record's own line, with its ids, at DEBUG.
            log.info(
                "batch_applied",
                records=len(records),
                handled=len(outcome.handled),
                dead_lettered=len(outcome.dead),
                types=outcome.handled_types(),
            )

    async def in_transaction(
        self,
        size: int,
        apply: Callable[[Conn, bool, Counter[tuple[str, int, int]]], Awaitable[None]],
        one_by_one: Callable[[Counter[tuple[str, int, int]]], Awaitable[None]],
    ) -> None:
        """Run `apply(conn, careful, attempts)` in a transaction until it commits (see `consume`):
        first fast, then careful; transient errors retried without end, others bounded, and
        `one_by_one` as the last resort."""
        backoff, careful, attempts, batch_failures = 0.2, False, Counter[tuple[str, int, int]](), 0
        while self._pool is None:  # a consumer that starts before the storage waits for it
            await asyncio.sleep(0.1)
        while True:
            try:
                with locks.scope():
                    async with self.pool.acquire() as conn, conn.transaction():
                        await apply(conn, careful, attempts)
                self._wake_scheduler_if_due()
                return
            except _Carefully:
                log.info("batch_again_with_savepoints", records=size)
                careful = True
                continue
            except _RetryRecord as retry:
                log.warning("record_retry", error=retry.error, attempt=retry.attempt, retry_in_s=backoff)
            except Exception as exc:
                if transient(exc):
                    log.warning("batch_retry", error=type(exc).__name__, retry_in_s=backoff, records=size)
                elif not careful:
                    careful = True
                    continue
                else:
                    batch_failures += 1
                    log.warning(
                        "batch_failed_unpinned", error=type(exc).__name__, attempt=batch_failures, **_where(exc)
                    )
                    if batch_failures >= self.settings.waardigwerk_record_pogingen:
                        await one_by_one(attempts)
                        return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)

    def _sort(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> tuple[list[_Item], list[_Bad]]:
        """Decode and validate the batch before any transaction (pure: no I/O).

        Returns the records to apply and the records to dead-letter, each under the inbox key that
        makes its effect happen once. Another service's event that no handler here needs is
        dropped (no inbox row); the same `ce_id` twice in the batch is applied once, or, with other
        content, dead-lettered as a reused id."""
        items: list[_Item] = []
        bad: list[_Bad] = []
        seen: dict[str, bytes] = {}
        for record in records:
            try:
                event = decode(record.headers, record.value)
            except EnvelopeError as exc:
                fouten = [{"veld": "envelop", "melding": r} for r in exc.reasons]
                bad.append(_Bad(record, None, _position_key(record), "ongeldige_envelop", exc.reasons, fouten))
                continue
            route = self.routes.get((record.topic, event.type))
            if route is not None and route.ce_type == TIMER_OPNIEUW and event.data.get("dienst") != self.name:
                continue  # another service's timer: not this one's business, no inbox row
            dlq_key = _dead_letter_key(event.id, record.headers)
            if route is None:
                if not event.source.startswith(OWN_SOURCE_PREFIX):
                    melding = "ce_type hoort niet op dit topic"
                    fout = [{"veld": "ce_type", "melding": melding}]
                    bad.append(_Bad(record, event, dlq_key, "onbekend_type", [melding], fout))
                continue  # another service's domain event that this one does not need
            content = inbox.digest(event.type, event.data_json)
            if event.id in seen:
                if seen[event.id] != content:
                    bad.append(_Bad(record, event, dlq_key, "ce_id_hergebruikt", [REUSED_ID], None))
                continue  # the same event twice in one batch: once
            try:
                payload = route.model.model_validate_json(event.data_json) if route.model else event.data
            except ValidationError as exc:
                fouten = fouten_van(exc)
                bad.append(_Bad(record, event, dlq_key, "schema", [f["melding"] for f in fouten], fouten))
                continue
            except CONTENT_ERRORS as exc:
                bad.append(_Bad(record, event, dlq_key, "ongeldige_inhoud", [_describe(exc)], None))
                continue
            except Exception as exc:  # a bug in a model's own check: pure, so retrying cannot help
                log.error("validation_failed", error=type(exc).__name__, **_where(exc))
                bad.append(_Bad(record, event, dlq_key, "verwerkingsfout", [type(exc).__name__], None))
                continue
            seen[event.id] = content
            items.append(_Item(record, event, route, payload, content, dlq_key))
        return items, bad

    async def _apply_batch(
        self,
        conn: Conn,
        items: Sequence[_Item],
        bad: Sequence[_Bad],
        careful: bool,
        attempts: Counter[tuple[str, int, int]],
    ) -> None:
        """One transaction: locks, the inbox claim, the handlers, the flush (see `consume`)."""
        writes = Writes()
        await self._lock_batch(conn, [i.event for i in items] + [b.event for b in bad if b.event is not None])
        claims = await inbox.claim(
            conn, self.consumer, {**{i.event.id: i.content for i in items}, **{b.key: None for b in bad}}
        )
        dead = [b for b in bad if claims[b.key].first]
        fresh: list[_Item] = []
        reused: list[_Item] = []
        for item in items:
            got = claims[item.event.id]
            if got.first:
                fresh.append(item)
            elif got.earlier is not None and got.earlier != item.content:
                reused.append(item)
            else:
                log.info("duplicate_ignored", event_id=loggable(item.event.id))
        if reused:
            again = await inbox.claim(conn, self.consumer, {i.dlq_key: None for i in reused})
            dead += [
                _Bad(i.record, i.event, i.dlq_key, "ce_id_hergebruikt", [REUSED_ID], None)
                for i in reused
                if again[i.dlq_key].first
            ]
        for b in dead:
            await self._dead_letter_bad(conn, writes, b)
        if careful:
            # Every record that fails counts an attempt in this round, so k bad records of a batch
            # cost it the same rounds as one.
            retries = [r for item in fresh if (r := await self._apply_isolated(conn, writes, item, attempts))]
            if retries:
                raise retries[0]
        elif fresh:
            state = await self.batch_state(conn, [(i.event, i.payload) for i in fresh]) if self.batch_state else None
            for item in fresh:
                await self._apply_fast(conn, writes, item, state)
            if state is not None:
                await state.flush(conn)
        await writes.flush(conn)

    async def _lock_batch(self, conn: Conn, events: Sequence[CloudEvent]) -> None:
        """Take the batch's business-key locks first, all at once and in order (shared/locks.py)."""
        if self.batch_locks is not None and events:
            today = self.clock.now().astimezone(AMSTERDAM).date()
            keys = await self.batch_locks(conn, events, today, self.policy)
            await locks.take(conn, keys)

    async def _consume_one_by_one(
        self, items: Sequence[_Item], bad: Sequence[_Bad], attempts: Counter[tuple[str, int, int]]
    ) -> None:
        """Last resort: one transaction per record; a record that keeps failing is dead-lettered alone."""
        for one_item, one_bad in [([i], []) for i in items] + [([], [b]) for b in bad]:
            backoff = 0.2
            while True:
                try:
                    with locks.scope():
                        async with self.pool.acquire() as conn, conn.transaction():
                            await self._apply_batch(conn, one_item, one_bad, True, attempts)
                    break
                except Exception as exc:
                    if transient(exc):
                        log.warning("record_retry", error=type(exc).__name__, retry_in_s=backoff)
                    else:
                        record = one_item[0].record if one_item else one_bad[0].record
                        attempts[_position(record)] += 1
                        if attempts[_position(record)] >= 2 * self.settings.waardigwerk_record_pogingen:
                            async with self.pool.acquire() as conn, conn.transaction():
                                await self._dead_letter(conn, record, "verwerkingsfout", [type(exc).__name__])
                            break
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    def _context(self, conn: Conn, writes: Writes, event: CloudEvent, state: Any = None) -> Context:
        return Context(conn, event, self.clock.now(), self.policy, self, writes, state)

    async def _apply_fast(self, conn: Conn, writes: Writes, item: _Item, state: Any) -> None:
        """A record in the batch's transaction; any failure sends the batch to the careful path."""
        with _bound(item.event):
            try:
                ctx = self._context(conn, writes, item.event, state)
                await self._handle(ctx, item)
            except Exception as exc:
                if transient(exc):
                    raise
                raise _Carefully from exc

    async def _apply_isolated(
        self, conn: Conn, writes: Writes, item: _Item, attempts: Counter[tuple[str, int, int]]
    ) -> _RetryRecord | None:
        """One record in a savepoint of its own, with what its handler reads loaded for it alone.
        An error of its content dead-letters it at once, an unclassified error counts an attempt
        and is returned (the batch is tried again) until it is dead-lettered."""
        mark = writes.mark()
        with _bound(item.event):
            try:
                async with conn.transaction():
                    pair = [(item.event, item.payload)]
                    state = await self.batch_state(conn, pair) if self.batch_state else None
                    ctx = self._context(conn, writes, item.event, state)
                    await self._handle(ctx, item)
                    if state is not None:
                        await state.flush(conn)
                return None
            except _DeadLetter as dead:
                writes.undo(mark)
                failed = _Bad(item.record, item.event, item.dlq_key, dead.reason, dead.details, dead.fouten)
            except Exception as exc:
                if transient(exc):
                    raise
                writes.undo(mark)
                position = _position(item.record)
                attempts[position] += 1
                if attempts[position] < self.settings.waardigwerk_record_pogingen:
                    return _RetryRecord(type(exc).__name__, attempts[position])
                log.error("record_failed", error=type(exc).__name__, attempts=attempts[position], **_where(exc))
                reason = f"{type(exc).__name__} na {attempts[position]} pogingen"
                failed = _Bad(item.record, item.event, item.dlq_key, "verwerkingsfout", [reason], None)
            # Dead-lettered after all: the record's inbox claim goes too, so that a replay of it (marked
            # by the console) is processed again; a duplicate of the bad record is dead-lettered once.
            await inbox.unclaim(conn, self.consumer, [item.event.id])
            if await inbox.first_delivery(conn, self.consumer, item.dlq_key):
                await self._dead_letter_bad(conn, writes, failed)
            return None

    async def _dead_letter_bad(self, conn: Conn, writes: Writes, bad: _Bad) -> None:
        log.warning("dead_lettered", reason=bad.reason, details=_safe_details(bad.details).decode())
        await self._dead_letter(conn, bad.record, bad.reason, bad.details)
        if bad.fouten is not None:
            await self._reject(conn, writes, bad.record, bad.event, bad.fouten)

    async def _reject(
        self,
        conn: Conn,
        writes: Writes,
        record: ConsumerRecord[bytes, bytes],
        event: CloudEvent | None,
        fouten: list[dict[str, str]],
    ) -> None:
        """Tell the sender, when the topic has a rejection and the payload names who sent it.

        For a record that is not even a CloudEvent the cause is a stand-in: its position as id and
        the value as data when it is a JSON object. A rejection that fails is logged, never fatal:
        the dead letter is what remains."""
        hooks = [r for r in self.routes.values() if r.topic == record.topic and r.reject is not None]
        own = next((r for r in hooks if event is not None and r.ce_type == event.type), None)
        route = own or next(iter(hooks), None)
        if route is None or route.reject is None:
            return
        if event is None:
            try:
                body = parse_json(record.value or b"")
            except EnvelopeError:
                body = None
            data = body if isinstance(body, dict) else {}
            event = CloudEvent(
                id=_position_text(record),
                source=self.source,
                type="nl.waardigwerk.onleesbaar",
                time=datetime.now(UTC),
                data=data,
                data_json=(record.value or b"") if data else b"",
            )
        mark = writes.mark()
        try:
            async with conn.transaction():
                await route.reject(self._context(conn, writes, event), fouten)
        except Exception as exc:
            if transient(exc):
                raise
            writes.undo(mark)
            log.warning("rejection_failed", error=type(exc).__name__, **_where(exc))

    async def _handle(self, ctx: Context, item: _Item) -> None:
        route, event = item.route, item.event
        try:
            with tracing.handling(self.source, event, route.topic), metrics.Stopwatch() as watch:
                await route.handler(ctx, item.payload)
            metrics.record_handled(self.name, _position_text(item.record), route.ce_type, watch.seconds)
            log.debug("handled")
        except ValidationError as exc:
            fouten = fouten_van(exc)
            raise _DeadLetter("schema", [f["melding"] for f in fouten], fouten) from None
        except Rejected as exc:
            raise _DeadLetter("afgewezen", [f["melding"] for f in exc.fouten], exc.fouten) from None
        except PolicyError as exc:
            raise _DeadLetter("beleid", [str(exc)]) from None
        except CONTENT_ERRORS as exc:
            raise _DeadLetter("ongeldige_inhoud", [_describe(exc)]) from None
        except Exception as exc:
            if transient(exc):
                raise
            # A bug or an error nobody classified: tried again a few times, then dead-lettered.
            log.warning("handler_failed", error=type(exc).__name__, **_where(exc))
            raise

    async def _dead_letter(
        self, conn: Conn, record: ConsumerRecord[bytes, bytes], reason: str, details: list[str]
    ) -> None:
        """The record to `<topic>.dlq` with reason headers: key and value unchanged, of the original
        headers only those `dlq_headers` deems safe (never personal data, never unstorable bytes)."""
        kept, dropped = dlq_headers(record.headers)
        headers = [
            *((k, v) for k, v in kept if not k.startswith("dlq_")),
            ("dlq_reden", reason.encode()),
            ("dlq_details", _safe_details(details)),
            ("dlq_topic", record.topic.encode()),
            ("dlq_partitie", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()),
            ("dlq_tijd", datetime.now(UTC).isoformat().encode()),
            ("dlq_dienst", self.name.encode()),
        ]
        if dropped:
            headers.append(("dlq_weggelaten_headers", str(dropped).encode()))
        await outbox.put(conn, outbox.row(dlq(record.topic), record.key, headers, record.value, event_type="dlq"))
        ce_type = metrics.type_label(_header_text(record.headers, "ce_type"), {r.ce_type for r in self.routes.values()})
        metrics.record_dead_letter(self.name, _position_text(record), ce_type, reason)

    # -- timers and the test clock ------------------------------------------------------
    async def fire_due(self) -> int:
        """Fire every timer due at "now", in due order, each once: marked fired in the transaction
        of its effects. A failing handler's effects are rolled back and the attempt is counted;
        after `waardigwerk_timer_pogingen` attempts the timer is dead (kept, announced, retryable)."""
        fired = 0
        while True:
            async with self.pool.acquire() as conn, conn.transaction():
                timer = await timers.claim_next_due(conn, self.clock.now())
                if timer is None:
                    return fired
                cause = CloudEvent(
                    id=timer.causationid or f"timer-{timer.id}",
                    source=self.source,
                    type=f"timer.{timer.soort}",
                    time=timer.due_at,
                    correlationid=timer.correlationid,
                    data=timer.payload,
                )
                handler = self.timer_handlers.get(timer.soort)
                writes = Writes()
                try:
                    if handler is None:
                        raise LookupError(f"geen handler voor timers van soort {timer.soort}")
                    async with conn.transaction():
                        await handler(self._context(conn, writes, cause), timer.payload)
                        await timers.fired(conn, timer.id, self.clock.now())
                        await writes.flush(conn)
                except Exception as exc:
                    if transient(exc):
                        raise
                    await self._timer_failed(conn, timer, cause, exc)
                    continue
                fired += 1

    async def _timer_failed(self, conn: Conn, timer: timers.DueTimer, cause: CloudEvent, exc: Exception) -> None:
        fout = f"{type(exc).__name__} ({_where(exc).get('at', '?')})"
        dead = await timers.failed(conn, timer, fout, self.settings.waardigwerk_timer_pogingen)
        attempt = timer.pogingen + 1
        log.warning("timer_failed", soort=timer.soort, timer_id=timer.id, attempt=attempt, error=fout, dead=dead)
        if dead:
            data = {
                "dienst": self.name,
                "timer_id": timer.id,
                "soort": timer.soort,
                "sleutel": timer.sleutel,
                "due_at": timer.due_at.isoformat(),
                "pogingen": timer.pogingen + 1,
                "laatste_fout": fout,
            }
            writes = Writes()
            await self._context(conn, writes, cause).emit(TIMER_DOOD, data, f"{timer.soort}:{timer.sleutel}")
            await writes.flush(conn)

    async def _timer_opnieuw(self, ctx: Context, opdracht: TimerOpnieuw) -> None:
        """The console's retry of a dead timer: revived in this transaction (it fires at the next
        scheduler round), and the outcome announced on the service's own topic, keyed like the
        timer's `dood`, so that a reader sees the two in order."""
        gedaan = await timers.retry(ctx.conn, opdracht.soort, opdracht.sleutel)
        self.note_timer(ctx.now)  # revived: due at once
        timer = {"dienst": self.name, **opdracht.model_dump(include={"soort", "sleutel", "opdracht"})}
        sleutel = f"{opdracht.soort}:{opdracht.sleutel}"
        log.info("timer_opnieuw", soort=opdracht.soort, door=opdracht.door, uitkomst=gedaan.outcome.value)
        if gedaan.outcome is timers.Retried.REVIVED:
            await ctx.emit(TIMER_HERSTELD, {**timer, "timer_id": gedaan.timer_id}, sleutel)
        else:
            await ctx.emit(TIMER_NIET_HERSTELD, {**timer, "reden": gedaan.outcome.value}, sleutel)

    def note_timer(self, due_at: datetime) -> None:
        """A handler wrote a timer (not yet committed): see `_wake_scheduler_if_due`."""
        if self._timer_noted is None or due_at < self._timer_noted:
            self._timer_noted = due_at

    def _wake_scheduler_if_due(self) -> None:
        """After a commit: wake the scheduler when a timer written is due before its next round. A
        noted timer of a batch that was rolled back wakes it at most once for nothing."""
        noted, self._timer_noted = self._timer_noted, None
        if noted is None:
            return
        due_in = (noted - self.clock.now()).total_seconds()
        if self.clock.stands_still and due_in > 0:
            return  # on a set test clock it falls due when the clock is set again (`set_clock`)
        if asyncio.get_running_loop().time() + due_in < self._next_round_at:
            self._timer_wake.set()

    async def _scheduler_round(self) -> float:
        """Fire what is due, then sleep until the next timer can fire (at most SCHEDULER_SECONDS)."""
        await self.fire_due()
        async with self.pool.acquire() as conn:
            wait = await timers.seconds_to_next(conn, self.clock.now(), self.clock.stands_still)
        wait = SCHEDULER_SECONDS if wait is None else min(max(wait, SCHEDULER_MIN_S), SCHEDULER_SECONDS)
        self._next_round_at = asyncio.get_running_loop().time() + wait
        return wait

    async def _scheduler(self, task: TaskHealth) -> None:
        """Fire timers when they fall due: the scheduler sleeps until the next one, and a commit that
        wrote an earlier one wakes it. A failing round (any error) is retried with backoff."""
        await repeat(task, self._scheduler_round, SCHEDULER_SECONDS, Backoff(1.0, 30.0), wake=self._timer_wake)

    async def prune(self) -> dict[str, int]:
        """Delete what no longer needs keeping: outbox rows sent longer ago than the setting."""
        async with self.pool.acquire() as conn:
            return {"outbox": await outbox.prune(conn, self.settings.waardigwerk_outbox_bewaar_dagen)}

    async def _housekeeping(self, task: TaskHealth) -> None:
        """Prune hourly; a failed round is retried with backoff (up to a minute), not an hour later."""

        async def prune_and_say() -> None:
            pruned = await self.prune()
            if any(pruned.values()):
                log.info("pruned", **pruned)

        await repeat(task, prune_and_say, HOUSEKEEPING_SECONDS, Backoff(1.0, 60.0))

    async def _consumers(self, task: TaskHealth) -> None:
        """Every few seconds: a consumer that lost its group for good is started anew (shared/health.py)."""

        async def restart_lost() -> None:
            for name in await restart_lost_consumers(self.broker):
                log.error("consumer_restarted", consumer=name, reason="group coordination ended")

        await repeat(task, restart_lost, CONSUMERS_SECONDS, Backoff(1.0, 30.0))

    async def set_clock(self, records: tuple[ConsumerRecord[bytes, bytes], ...]) -> None:
        """CONTRACT §4: apply the new "now", fire what fell due, then acknowledge."""
        for record in records:
            try:
                event = decode(record.headers, record.value)
                if event.type != KLOK_GEZET:
                    continue
                nu = datetime.fromisoformat(str(event.data["nu"]).replace("Z", "+00:00"))
                if nu.tzinfo is None:
                    raise ValueError("nu mist een tijdzone")
            except Exception as exc:  # a clock event that cannot be read is skipped, never retried
                log.warning("clock_event_ignored", error=type(exc).__name__)
                continue
            async with self.pool.acquire() as conn, conn.transaction():
                await self.clock.set(conn, nu)
            self.clock.apply(nu)
            fired = await self.fire_due()
            async with self.pool.acquire() as conn, conn.transaction():
                writes = Writes()
                ctx = Context(conn, event, nu, self.policy, self, writes)
                await ctx.emit(KLOK_BEVESTIGD, {"dienst": self.name, "nu": nu.isoformat()}, "klok", topic=TEST_KLOK)
                await writes.flush(conn)
            log.info("clock_set", nu=nu.isoformat(), timers_fired=fired)

    # -- lifecycle -------------------------------------------------------------------------
    async def open_storage(self) -> None:
        """Migrate the service's schema and open its pool (the part a handler test needs)."""
        url = self.settings.database_url
        await db.ensure_schema(url, self.schema)
        await asyncio.to_thread(db.migrate, url, self.schema, self.migrations)
        self._pool = await db.create_pool(url, self.schema, timeout_s=self.settings.waardigwerk_db_timeout_s)
        async with self.pool.acquire() as conn:
            await self.clock.load(conn)

    async def start(self) -> None:
        settings = self.settings
        configure(self.name, settings.waardigwerk_log_level)
        tracing.configure(self.name, settings.waardigwerk_traces)
        await self.open_storage()
        self._producer = await self._new_producer()
        self.relay = outbox.Relay(self.pool, self._producer, self.schema, renew_producer=self._renew_producer)
        self.supervisor.start("relay", self.relay.run, stale_after_s=RELAY_STALE_S)
        self.supervisor.start("scheduler", self._scheduler)
        self.supervisor.start("housekeeping", self._housekeeping)
        self.supervisor.start("consumers", self._consumers)
        log.info("service_started", beleid=self.policy.version, test_clock=self.clock.test_mode)

    async def _new_producer(self) -> AIOKafkaProducer:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            linger_ms=2,
            max_request_size=DLQ_MAX_BYTES,  # a dead letter; the broker still limits every other topic
            client_id=f"{self.consumer}.outbox",
            **self.settings.kafka_client_options(),
        )
        await producer.start()
        return producer

    async def _renew_producer(self) -> AIOKafkaProducer:
        """The relay's producer was closed under it: a new one (the old one stopped, if it can be)."""
        old, self._producer = self._producer, None
        if old is not None:
            with contextlib.suppress(Exception):
                await old.stop()
        self._producer = await self._new_producer()
        return self._producer

    async def stop(self) -> None:
        await self.supervisor.stop()
        if self._producer is not None:
            await self._producer.stop()
        if self._pool is not None:
            await self._pool.close()

    def _subscribe(self, topics: list[str], group: str, apply: Callable[[Any], Awaitable[None]]) -> None:
        """One consumer per group (several topics), so the group does not rebalance per topic."""
        subscriber = self.broker.subscriber(
            *topics,
            group_id=group,
            batch=True,
            max_records=self.settings.waardigwerk_batch_max,
            # Long, and without cost in latency: records are held until handed out (hands_out_at_once).
            fetch_max_wait_ms=self.settings.waardigwerk_fetch_max_wait_ms,
            # getmany and aiokafka's fetch routine wake on records and rebalances; at rest only this
            # often (FastStream's and aiokafka's 200 ms made most of a quiet service's CPU).
            batch_timeout_ms=self.settings.waardigwerk_consumer_wait_ms,
            consumer_timeout_ms=self.settings.waardigwerk_consumer_wait_ms,
            auto_offset_reset="earliest",
            # Committed after the batch applied (shared/commits.py); on an error rewound and read again.
            ack_policy=AckPolicy.MANUAL,
            parser=_untouched_batch,
            decoder=_the_message,
            # Untyped (its records are parsed here): the document declares each message instead (shared/asyncapi.py).
            include_in_schema=False,
        )
        hands_out_at_once(subscriber)

        async def on_batch(batch: Any) -> None:  # Any: FastStream validates nothing, the message as it is
            msg: KafkaMessage = batch
            try:
                await apply(msg.raw_message)
            except Exception:
                log.exception("batch_failed", records=len(msg.raw_message), retry_in_s=BATCH_FAILED_PAUSE_S)
                await asyncio.sleep(BATCH_FAILED_PAUSE_S)
                await msg.nack()  # rewound to the batch's first records, read again
                raise
            self.commits.applied(msg.consumer, msg.raw_message)

        subscriber(on_batch)

    @property
    def clock_group(self) -> str:
        """The consumer group of this process's test-clock subscriber (one per replica)."""
        return f"{self.consumer}.klok.{socket.gethostname()}-{self.settings.waardigwerk_health_port}"

    def app(self) -> AsgiFastStream:
        if self._app is not None:
            return self._app
        configure(self.name, self.settings.waardigwerk_log_level)  # JSON from the first line on
        known = {KLOK_GEZET, *(r.ce_type for r in self.routes.values())}
        for middleware in metrics.broker_middlewares(self.name, known):
            self.broker.add_middleware(middleware)
        self._subscribe(sorted({r.topic for r in self.routes.values()}), self.consumer, self.consume)
        if self.clock.test_mode:
            # The test clock is a broadcast: every process of the service must follow it, so each
            # replica reads it in a group of its own (stable across its restarts: host and port).
            self._subscribe([TEST_KLOK], self.clock_group, self.set_clock)
        self._app = AsgiFastStream(
            self.broker,
            specification=asyncapi.Specificatie(self),
            asgi_routes=health.routes(self.probe),
            on_startup=[self.start],
            on_shutdown=[self.commits.close],  # before the consumers stop
            after_shutdown=[self.stop],
        )
        return self._app

    @property
    def probe(self) -> health.Probe:
        """Readiness as /health/ready reports it (broker, database, consumers, background tasks)."""
        return health.Probe(self.name, self.broker, lambda: self._pool, self.supervisor, now=self.clock.now)

    def run(self) -> None:
        """Entry point of `python -m services.<name>`: the app with its health endpoint."""
        app = self.app()
        port = self.settings.waardigwerk_health_port
        uvloop.run(
            app.run(run_extra_options={"host": self.settings.waardigwerk_http_host, "port": port, "log_config": None})
        )
