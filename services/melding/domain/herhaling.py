"""The same (organisatie, referentie) again.

Identical content with a new ce_id is the same report resent: it is acknowledged again, with
no new effect. Different content under a reference already used is rejected: a reporter's
reference names one report, and silently replacing what an inspector may already act on would
hide history. The reporter sends a new report with a new reference instead.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def inhoud_hash(data: dict[str, Any]) -> str:
    """Canonical JSON (sorted keys, no whitespace) of the report's data, hashed."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
