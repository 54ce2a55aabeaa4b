"""Facts partners send are idempotent on their business key, not only on the transport `ce_id`.

The inbox drops a redelivery of one event (same `ce_id`). A partner may also send a fact again as
a new event (a retry, a resend from its own outbox). Each service records every fact it applies
under its business key — the fields that say which fact it is (docs/contract-*.md names them per
type) — with a digest of what the fact says beyond its key:

- a key not seen before: a new fact, applied;
- the same key and the same digest: the same fact again; it has no further effect;
- the same key and another digest: rejected with the reason. A recorded fact is never silently
  replaced (a payment may already have settled a claim), and two facts cannot share a key.

"The same" is compared on canonical values: key order does not matter, an optional field sent as
null equals the field left out, and an amount written 100 equals 100.00.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shared.db import Conn
from shared.service import Rejected


class Herhaling(StrEnum):
    NIEUW = "nieuw"
    ZELFDE = "zelfde"
    ANDERE_INHOUD = "andere_inhoud"


def _canoniek(waarde: Any) -> Any:
    if isinstance(waarde, Mapping):
        return {str(k): _canoniek(v) for k, v in waarde.items() if v is not None}
    if isinstance(waarde, (list, tuple)):
        return [_canoniek(v) for v in waarde]
    if isinstance(waarde, Decimal):
        return format(waarde.normalize(), "f")
    if isinstance(waarde, date):
        return waarde.isoformat()
    return waarde


def _json(waarde: Any) -> str:
    return json.dumps(_canoniek(waarde), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inhoud_hash(inhoud: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of `inhoud`: sorted keys, no whitespace, UTF-8 (no \\u
    escapes), no null fields. Stored with a fact (here and in melding's `melding.inhoud_hash`): the
    bytes hashed must never change, or a resend of a stored fact would read as another fact."""
    return hashlib.sha256(_json(inhoud).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Feit:
    """One fact as its key and the digest of the rest; `omschrijving` names the key for a person."""

    sleutel: str
    inhoud_hash: str
    omschrijving: str


def feit(soort: str, sleutel: Mapping[str, Any], inhoud: Mapping[str, Any], omschrijving: str) -> Feit:
    """`soort`: the event type; `sleutel`: the key fields; `inhoud`: everything else the fact says."""
    return Feit(
        sleutel=f"{soort} {_json(sleutel)}",
        inhoud_hash=inhoud_hash(inhoud),
        omschrijving=omschrijving,
    )


def fouten_andere_inhoud(f: Feit, veld: str) -> list[dict[str, str]]:
    """The rejection's `fouten` for Herhaling.ANDERE_INHOUD, in words the sender can act on."""
    return [
        {
            "veld": veld,
            "melding": f"{f.omschrijving} is al ontvangen met een andere inhoud; een vastgelegd feit wordt niet "
            "vervangen: stuur een ander feit onder een eigen sleutel (zie de contractdocumentatie)",
        }
    ]


_VASTLEGGEN = """
WITH nieuw AS (
    INSERT INTO feitsleutel (sleutel, inhoud_hash, event_id) VALUES ($1, $2, $3)
    ON CONFLICT (sleutel) DO NOTHING RETURNING true
)
SELECT EXISTS (SELECT 1 FROM nieuw) AS nieuw, (SELECT inhoud_hash FROM feitsleutel WHERE sleutel = $1) AS eerder
"""


async def vastleggen(conn: Conn, f: Feit, event_id: str) -> Herhaling:
    """Record the fact under its key in the service's `feitsleutel` table (same transaction as its
    effect); what it is: new, the same again, or another fact under a key already used."""
    row = await conn.fetchrow(_VASTLEGGEN, f.sleutel, f.inhoud_hash, event_id)
    assert row is not None  # the statement always returns one row
    if row["nieuw"]:
        return Herhaling.NIEUW
    eerder = row["eerder"]
    if eerder is None:  # recorded by a transaction that committed after this statement's snapshot
        eerder = await conn.fetchval("SELECT inhoud_hash FROM feitsleutel WHERE sleutel = $1", f.sleutel)
    return Herhaling.ZELFDE if eerder == f.inhoud_hash else Herhaling.ANDERE_INHOUD


async def eerste_keer(conn: Conn, f: Feit, event_id: str, veld: str) -> bool:
    """True for a new fact (apply it), False for the same fact again (no further effect); another
    fact under a key already used is rejected to the sender, naming `veld`."""
    herhaling = await vastleggen(conn, f, event_id)
    if herhaling is Herhaling.ANDERE_INHOUD:
        raise Rejected(fouten_andere_inhoud(f, veld))
    return herhaling is Herhaling.NIEUW
