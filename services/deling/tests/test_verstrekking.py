from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.deling.domain.beleid import load_deelbeleid
from services.deling.domain.verstrekking import projecteer, pseudoniem, verstrekkingen, waarde_op

BELEID = load_deelbeleid()
SLEUTEL = b"test-sleutel"
CANARY = "CANARY-123456789"


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every leaf path of a JSON value, list items folded into their parent path."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in paths(v, f"{prefix}{k}.")} or {prefix.rstrip(".")}
    if isinstance(value, list):
        return {p for item in value for p in paths(item, prefix)} or {prefix.rstrip(".")}
    return {prefix.rstrip(".")}


def allowed(path: str, velden: tuple[str, ...]) -> bool:
    return any(path == v or path.startswith(v + ".") for v in velden)


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
names = st.sampled_from(
    [
        "melder_referentie",
        "melder_organisatie",
        "zaak_id",
        "werkgever",
        "kvk_nummer",
        "bsn",
        "werknemer",
        "werknemer_ref",
        "adres",
        "gemeentecode",
        "fouten",
        "risico",
        "naam",
        "x",
    ]
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=300)
@given(
    ce_type=st.sampled_from(sorted(BELEID.typen())),
    data=st.dictionaries(names, json_value, max_size=8),
    org=st.sampled_from(["fnv", "cnv"]),
    gemeente=st.sampled_from(["GM0363", "GM1783"]),
)
def test_a_partner_receives_only_what_its_allow_list_names(
    ce_type: str, data: dict[str, Any], org: str, gemeente: str
) -> None:
    data = {
        **data,
        "melder_organisatie": org,
        "indiener_organisatie": org,
        "adres": {"gemeentecode": gemeente, "bsn": CANARY},
        "werklocatie": {"gemeentecode": gemeente},
    }
    for v in verstrekkingen(BELEID, ce_type, data, SLEUTEL):
        regel = BELEID.ontvangers[v.ontvanger].typen[ce_type]
        assert all(allowed(p, regel.velden) for p in paths(v.data) if p), (v.topic, v.data)
        assert v.topic.startswith("waardigwerk.uit.")


@given(waarde=st.text(alphabet="ghijklmnoqrtuvwxyz", min_size=1, max_size=20))  # never inside a hex pseudonym
def test_pseudonyms_are_stable_per_recipient_and_differ_between_recipients(waarde: str) -> None:
    a1, a2 = (
        pseudoniem(SLEUTEL, "waardigwerk.uit.indiener.fnv", waarde),
        pseudoniem(SLEUTEL, "waardigwerk.uit.indiener.fnv", waarde),
    )
    b = pseudoniem(SLEUTEL, "waardigwerk.uit.belastingdienst", waarde)
    assert a1 == a2 and a1 != b and waarde not in a1


def test_worker_reference_is_pseudonymised_differently_for_union_and_tax_office() -> None:
    data = {
        "vordering_id": "V-1",
        "indiener_organisatie": "fnv",
        "indiener_referentie": "R-1",
        "werknemer": {"werknemer_ref": "W-7781", "bsn": "111222333"},
        "bedrag_eur": 741.89,
        "aansprakelijk": [],
        "beleid": "huidig@1#x",
    }
    sent = {v.ontvanger: v for v in verstrekkingen(BELEID, "nl.waardigwerk.loonvordering.vastgesteld", data, SLEUTEL)}
    assert set(sent) == {"indiener", "belastingdienst"}
    union, tax = sent["indiener"].data, sent["belastingdienst"].data
    assert union["werknemer"]["werknemer_ref"] != tax["werknemer"]["werknemer_ref"]
    assert "W-7781" not in str(union) and "bsn" not in union["werknemer"]
    assert sent["indiener"].topic == "waardigwerk.uit.indiener.fnv"


def test_municipality_feed_goes_only_to_the_municipality_of_the_address() -> None:
    data = {
        "contract_referentie": "C-1",
        "adres": {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"},
        "oordeel": "in_orde",
        "bevindingen": [],
        "niet_beoordeeld": [],
        "beleid": "b",
    }
    [v] = verstrekkingen(BELEID, "nl.waardigwerk.huisvesting.gecontroleerd", data, SLEUTEL)
    assert v.topic == "waardigwerk.uit.gemeente.GM1783"


def test_a_routing_value_that_is_not_topic_safe_is_not_sent() -> None:
    data = {"melder_organisatie": "fnv.evil/../x", "melder_referentie": "R", "fouten": []}
    assert verstrekkingen(BELEID, "nl.waardigwerk.melding.afgewezen", data, SLEUTEL) == []


def test_projection_follows_lists_and_nested_fields() -> None:
    data = {"a": [{"b": 1, "c": 2}, {"b": 3}], "d": {"e": 1, "f": 2}, "g": 1}
    assert projecteer(data, ("a.b", "d.e")) == {"a": [{"b": 1}, {"b": 3}], "d": {"e": 1}}
    assert waarde_op(data, "d.f") == 2
