"""A report whose (melder.organisatie, melder.referentie) the system has seen before.

The Kafka inbox already drops a redelivery of the same event (same ce_id). This rule covers a
reporter's portal sending the report again as a new event (new ce_id):

- the same content: the same report. It is acknowledged again with the original zaak id and
  deadline, and has no other effect (no new case, no new deadline).
- different content: rejected. A reference names one report. Silently replacing a report an
  inspector may already act on would rewrite history, and treating it as a new report would give
  one reference two cases. The reporter sends the new report under a new reference.

"The same content" is compared on a canonical hash of the data: key order and whitespace do not
matter, and an optional field sent as null equals the field left out (the contract treats them
alike). Everything else, including the order of list items, counts.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any


class Herhaling(StrEnum):
    NIEUW = "nieuw"  # reference not seen before: a new report
    ZELFDE = "zelfde"  # same reference, same content: acknowledge again, no new effect
    ANDERE_INHOUD = "andere_inhoud"  # same reference, different content: reject


def _zonder_null(waarde: Any) -> Any:
    if isinstance(waarde, dict):
        return {k: _zonder_null(v) for k, v in waarde.items() if v is not None}
    if isinstance(waarde, list):
        return [_zonder_null(v) for v in waarde]
    return waarde


def inhoud_hash(data_json: dict[str, Any]) -> str:
    """SHA-256 (hex) of the report's data as canonical JSON: sorted keys, no whitespace, no nulls."""
    canonical = json.dumps(_zonder_null(data_json), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def beoordeel_herhaling(bestaande_hash: str | None, nieuwe_hash: str) -> Herhaling:
    """`bestaande_hash`: the hash stored with the earlier report under this reference, if any."""
    if bestaande_hash is None:
        return Herhaling.NIEUW
    return Herhaling.ZELFDE if bestaande_hash == nieuwe_hash else Herhaling.ANDERE_INHOUD


def fouten_referentie_hergebruikt() -> list[dict[str, str]]:
    """The rejection's `fouten` for Herhaling.ANDERE_INHOUD, in words the reporter can act on."""
    return [
        {
            "veld": "melder.referentie",
            "melding": "melder.referentie is al gebruikt voor een andere melding; gebruik een nieuwe referentie",
        }
    ]
