from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.deling.domain.beleid import DEFAULT_FILE, DeelBeleid, TypeRegel, load_deelbeleid
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


def test_a_routing_value_must_have_the_contract_form_of_its_topic_segment() -> None:
    """An organisation names a reply topic as a lower-case slug, a municipality as GM + 4 digits;
    anything else (a dot, upper case, a name too long for Kafka) routes nowhere."""
    for organisatie in ("fnv.geheim", "FNV", "..", "a" * 300, "fnv\n"):
        claim: dict[str, Any] = {"indiener_organisatie": organisatie, "indiener_referentie": "R", "fouten": []}
        assert verstrekkingen(BELEID, "nl.waardigwerk.loonvordering.afgewezen", claim, SLEUTEL) == [], organisatie
    for gemeentecode in ("GM0363.dlq", "gm0363", "GM03631234"):
        data: dict[str, Any] = {"contract_referentie": "C", "adres": {"gemeentecode": gemeentecode}, "fouten": []}
        assert verstrekkingen(BELEID, "nl.waardigwerk.huisvesting.afgewezen", data, SLEUTEL) == [], gemeentecode
    [v] = verstrekkingen(
        BELEID, "nl.waardigwerk.loonvordering.afgewezen", {"indiener_organisatie": "fnv-1", "fouten": []}, SLEUTEL
    )
    assert v.topic == "waardigwerk.uit.indiener.fnv-1"


def test_a_policy_topic_placeholder_without_a_contract_form_is_refused() -> None:
    regel = {"topic": "waardigwerk.uit.x.{werkgever.naam}", "velden": ["a"]}
    with pytest.raises(ValidationError, match=r"werkgever\.naam"):
        TypeRegel.model_validate(regel)


def test_the_disclosure_audit_names_only_fields_that_were_sent() -> None:
    """The tax office may receive `werknemer.bsn`; an event without it must not be recorded as
    having disclosed it. A field inside a list counts when one of the items has it."""
    data = {
        "vordering_id": "V-1",
        "werkgever": {"kvk_nummer": "12345678"},
        "bedrag_eur": 10,
        "werknemer": {"werknemer_ref": "W-1"},
        "beleid": "b",
    }
    [v] = [
        v
        for v in verstrekkingen(BELEID, "nl.waardigwerk.loonvordering.vastgesteld", data, SLEUTEL)
        if v.ontvanger == "belastingdienst"
    ]
    assert "werknemer.werknemer_ref" in v.velden
    assert "werknemer.bsn" not in v.velden
    ce_type = "nl.waardigwerk.inspectie.boete_opgelegd"
    beleid = BELEID.model_copy(deep=True)
    inspectie = beleid.ontvangers["arbeidsinspectie"]
    diep = inspectie.typen[ce_type].model_copy(update={"velden": ("boete_id", "berekening.werknemer_ref")})
    beleid = beleid.model_copy(
        update={"ontvangers": {"arbeidsinspectie": inspectie.model_copy(update={"typen": {ce_type: diep}})}}
    )
    met = {"boete_id": "B", "berekening": [{"stap": 1}, {"stap": 2, "werknemer_ref": "W-2"}]}
    zonder = {"boete_id": "B", "berekening": [{"stap": 1}, {"stap": 2}]}
    [a] = verstrekkingen(beleid, ce_type, met, SLEUTEL)
    [b] = verstrekkingen(beleid, ce_type, zonder, SLEUTEL)
    assert "berekening.werknemer_ref" in a.velden, "one item of the list has it"
    assert "berekening.werknemer_ref" not in b.velden, "no item has it: not disclosed"


def test_a_bsn_reaches_only_a_recipient_with_a_legal_basis_for_it() -> None:
    """A field naming a whole object would pass a `bsn` inside it; only a recipient whose policy
    gives a legal basis for the BSN keeps it, and a policy that lists one without it is refused."""
    data = {
        "vordering_id": "V-1",
        "indiener_organisatie": "fnv",
        "indiener_referentie": "R",
        "werknemer": {"werknemer_ref": "W-1", "bsn": CANARY},
        "berekening": [{"stap": 1, "bsn": CANARY}],
    }
    beleid = BELEID.model_copy(deep=True)
    ruim = (
        beleid.ontvangers["indiener"]
        .typen["nl.waardigwerk.loonvordering.vastgesteld"]
        .model_copy(update={"velden": ("vordering_id", "werknemer", "berekening")})
    )
    indiener = beleid.ontvangers["indiener"].model_copy(
        update={"typen": {"nl.waardigwerk.loonvordering.vastgesteld": ruim}}
    )
    beleid = beleid.model_copy(update={"ontvangers": {"indiener": indiener}})
    [v] = verstrekkingen(beleid, "nl.waardigwerk.loonvordering.vastgesteld", data, SLEUTEL)
    assert CANARY not in str(v.data)
    assert v.data["werknemer"] != {}
    [b] = [
        v
        for v in verstrekkingen(BELEID, "nl.waardigwerk.loonvordering.vastgesteld", data, SLEUTEL)
        if v.ontvanger == "belastingdienst"
    ]
    assert b.data["werknemer"]["bsn"] == CANARY and "werknemer.bsn" in b.velden
    ruw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    ruw["ontvangers"]["belastingdienst"].pop("bsn_grondslag")
    with pytest.raises(ValidationError, match="bsn"):
        DeelBeleid.model_validate(ruw)


def test_every_recipient_of_a_type_gets_the_contracts_minimum_fields() -> None:
    minimum = {
        "nl.waardigwerk.melding.ontvangen": {"melder_referentie", "zaak_id", "ontvangen_op", "uiterlijk_inspectie_op"},
        "nl.waardigwerk.melding.afgewezen": {"melder_referentie", "fouten"},
        "nl.waardigwerk.inspectie.gepland": {"inspectie_id", "werkgever", "werklocatie", "gepland_op", "regio"}
        | {"scope", "aanleidingen", "risico", "uiterlijk_op"},
        "nl.waardigwerk.inspectie.boete_opgelegd": {"inspectie_id", "werkgever", "wet", "bedrag_eur", "berekening"}
        | {"beleid"},
        "nl.waardigwerk.huisvesting.gecontroleerd": {"contract_referentie", "adres", "oordeel", "bevindingen"}
        | {"niet_beoordeeld", "beleid"},
        "nl.waardigwerk.loonvordering.vastgesteld": {"vordering_id", "indiener_referentie", "bedrag_eur"}
        | {"berekening", "aansprakelijk", "beleid"},
        "nl.waardigwerk.loonvordering.aansprakelijke_gewijzigd": {"vordering_id", "indiener_referentie"}
        | {"aansprakelijk", "reden"},
    }
    checked = 0
    for naam, ontvanger in BELEID.ontvangers.items():
        for ce_type, velden in minimum.items():
            if ce_type in ontvanger.typen:
                assert velden <= set(ontvanger.typen[ce_type].velden), (naam, ce_type)
                checked += 1
    assert checked >= len(minimum)


def test_a_municipality_gets_no_per_worker_wage_computation_of_a_stoppage() -> None:
    data = {
        "inspectie_id": "I-1",
        "werklocatie": {"gemeentecode": "GM0363"},
        "berekening": ["werknemer 1: 30 % onderbetaald"],
        "beleid": "b",
    }
    by = {v.ontvanger: v for v in verstrekkingen(BELEID, "nl.waardigwerk.inspectie.stillegging_bevolen", data, SLEUTEL)}
    assert "berekening" not in by["gemeente"].data
    assert "berekening" in by["arbeidsinspectie"].data
