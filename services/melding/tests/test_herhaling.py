"""The same melder reference again: the same report (acknowledge again) or a conflict (reject).

The content is compared on the kernel's `shared.feitsleutel.inhoud_hash`; the hashes stored with
earlier reports were made with the same bytes, which the pinned hash below keeps so."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from services.melding.domain.herhaling import fouten_referentie_hergebruikt
from shared.feitsleutel import inhoud_hash

MELDING: dict[str, Any] = {
    "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "FNV-2026-000123"},
    "werkgever": {"kvk_nummer": "12345678"},
    "categorieen": ["onderbetaling"],
    "omschrijving": "Geen toeslag voor nachtwerk",
}


def test_the_hash_is_sha256_of_the_canonical_json() -> None:
    # sha256 of '{"a":1,"b":"é"}': sorted keys, no spaces, UTF-8 (not \\u escapes)
    assert inhoud_hash({"b": "é", "a": 1}) == "09ad9fd2fb648cb2f62141215828ea00a62c299db05d20aa9ade2f527a301cc6"
    # the same bytes as a stored report's: nested nulls dropped, list order and floats as sent
    genest = {"z": [{"b": None, "a": 1.5}], "x": None, "é": True}
    assert inhoud_hash(genest) == hashlib.sha256('{"z":[{"a":1.5}],"é":true}'.encode()).hexdigest()


def test_key_order_and_null_fields_do_not_change_the_content() -> None:
    herschikt = json.loads(json.dumps(MELDING, sort_keys=True))
    met_null = {**MELDING, "sector": None, "werkgever": {"kvk_nummer": "12345678", "naam": None}}
    assert inhoud_hash(herschikt) == inhoud_hash(met_null) == inhoud_hash(MELDING)


def test_any_real_change_changes_the_hash() -> None:
    andere = copy.deepcopy(MELDING)
    andere["omschrijving"] += "."
    anders_geordend = {**MELDING, "categorieen": ["onderbetaling", "overig"]}
    omgekeerd = {**MELDING, "categorieen": ["overig", "onderbetaling"]}
    hashes = {inhoud_hash(MELDING), inhoud_hash(andere), inhoud_hash(anders_geordend), inhoud_hash(omgekeerd)}
    assert len(hashes) == 4


def test_a_conflicting_report_is_rejected_with_an_actionable_fout() -> None:
    assert fouten_referentie_hergebruikt() == [
        {
            "veld": "melder.referentie",
            "melding": "melder.referentie is al gebruikt voor een andere melding; gebruik een nieuwe referentie",
        }
    ]


json_waarden = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda kind: st.lists(kind, max_size=3) | st.dictionaries(st.text(max_size=4), kind, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=4), json_waarden, max_size=4))
def test_the_hash_survives_a_json_round_trip_and_key_reordering(data: dict[str, Any]) -> None:
    omgekeerd = dict(reversed(list(json.loads(json.dumps(data)).items())))
    assert inhoud_hash(omgekeerd) == inhoud_hash(data)
    assert len(inhoud_hash(data)) == 64
