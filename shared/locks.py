"""Serialise work on one business key across replicas of a service: advisory locks per batch.

Two processes of a service in one consumer group each apply batches in their own transaction.
Records about the same employer can reach both at once (the contract keys a report by the
reporter's reference, not by the employer), so a service names the keys a batch touches
(`Service.batch_locks`) and the runtime takes a transaction-scoped advisory lock on each at
the start of the batch's transaction, all in one statement and in one global order (by lock
id). Two batches then wait for each other instead of interleaving, and as every lock of a batch
is taken up front in the same order, they can never deadlock on these locks.

A lock key is text (`werkgever:<kvk>`, `planning:<regio>`); its lock id is PostgreSQL's
`hashtext`, the same id a handler gets by taking the lock itself (`lock`). Inside a batch that
already holds it that is a no-op, and costs no round trip: the runtime runs each batch's
transaction in a `scope`, in which `lock` knows what `take` took on that connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.db import Conn
from shared.envelope import CloudEvent
from shared.policy import Policy

BatchLocks = Callable[[Conn, Sequence[CloudEvent], date, Policy], Awaitable[Iterable[str]]]

_TAKE_SORTED = """
SELECT count(pg_advisory_xact_lock(id))
FROM (SELECT DISTINCT hashtext(k)::bigint AS id FROM unnest($1::text[]) AS k ORDER BY 1) AS sorted
"""


@dataclass
class _Held:
    conn: Conn | None = None
    keys: set[str] = field(default_factory=set)


_held: ContextVar[_Held | None] = ContextVar("locks_held", default=None)


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Around one transaction: what `take` locks in it is known to `lock` until the scope ends.
    Outside a scope `lock` always asks the database."""
    token = _held.set(_Held())
    try:
        yield
    finally:
        _held.reset(token)


async def take(conn: Conn, keys: Iterable[str]) -> int:
    """Lock every key until the transaction ends, in lock-id order; returns how many ids were locked."""
    unique = sorted({key for key in keys if _storable(key)})
    if not unique:
        return 0
    taken = int(await conn.fetchval(_TAKE_SORTED, unique))
    held = _held.get()
    if held is not None:
        if held.conn is not conn:
            held.conn, held.keys = conn, set()
        held.keys.update(unique)
    return taken


def _storable(key: str) -> bool:
    """PostgreSQL text holds no NUL and no lone surrogate: such a key (hostile input) locks nothing
    rather than failing the whole batch; its record is dead-lettered by the runtime."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in key


async def lock(conn: Conn, key: str) -> None:
    """One key, taken where the work finds it; no statement when the batch's `take` holds it."""
    held = _held.get()
    if held is not None and held.conn is conn and key in held.keys:
        return
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)", key)


def werkgever_key(kvk: str) -> str:
    return f"werkgever:{kvk}"


def werkgevers(events: Iterable[CloudEvent]) -> set[str]:
    """The employers (KvK numbers) the events are about: `werkgever`, for chain facts `partij`, for an
    agency's admission (Wtta) `uitlener`, for a posting (WagwEU) `opdrachtgever`."""
    found: set[str] = set()
    for event in events:
        data: Any = event.data
        if not isinstance(data, dict):
            continue
        for veld in ("werkgever", "partij", "uitlener", "opdrachtgever"):
            party = data.get(veld)
            kvk = party.get("kvk_nummer") if isinstance(party, dict) else None
            if isinstance(kvk, str) and kvk:
                found.add(kvk)
    return found
