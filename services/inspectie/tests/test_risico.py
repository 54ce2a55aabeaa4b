from __future__ import annotations

import dataclasses
import inspect
import random
import typing
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.inspectie.domain.risico import (
    SOORTEN,
    Signaal,
    Uitzendonderneming,
    bijdrage,
    boven_drempel,
    score,
    scores,
)
from shared.policy import Policy, load_policy

OP = date(2026, 6, 1)
HUIDIG = load_policy("huidig")

# Protected attributes and their proxies (domain-rules §8), as Dutch and English name parts.
VERBODEN = {
    "nationaliteit", "nationality", "etniciteit", "ethnicity", "afkomst", "herkomst", "geboorteland", "country",
    "religie", "religion", "geloof", "geslacht", "gender", "sex", "leeftijd", "leeftijdsgroep", "age", "geboortedatum",
    "birth", "naam", "name", "taal", "moedertaal", "language", "postcode", "woonadres", "woonplaats", "adres",
    "address",
}  # fmt: skip


def verboden_velden(soort: object, pad: str = "") -> list[str]:
    """Every field, also inside nested dataclasses and containers, whose name names a protected attribute."""
    gevonden: list[str] = []
    if dataclasses.is_dataclass(soort) and isinstance(soort, type):
        hints = typing.get_type_hints(soort)
        for veld in dataclasses.fields(soort):
            naam = f"{pad}{veld.name}"
            delen = set(veld.name.lower().split("_"))
            if delen & VERBODEN or any(woord in veld.name.lower() for woord in VERBODEN if len(woord) > 4):
                gevonden.append(naam)
            gevonden += verboden_velden(hints[veld.name], f"{naam}.")
    for arg in typing.get_args(soort):
        gevonden += verboden_velden(arg, pad)
    return gevonden


def signaal(soort: str = "melding_vakbond", dagen_oud: int = 0, sterkte: str = "1", bron: str = "e-1") -> Signaal:
    return Signaal(soort, bron, OP - timedelta(days=dagen_oud), Decimal(sterkte))  # type: ignore[arg-type]


def test_contributions_decay_with_half_life_and_add_up_to_the_score(huidig: Policy) -> None:
    risico = score(
        [signaal("melding_vakbond", 45, bron="m-1"), signaal("loonaangifte_onder_wml", 180, bron="b-1")], OP, huidig
    )
    assert [(o.signaal, o.gewicht, o.bijdrage, o.bron_event_id) for o in risico.onderdelen] == [
        ("loonaangifte_onder_wml", Decimal(25), Decimal("12.500"), "b-1"),  # weight 25, one half-life of 180 days
        ("melding_vakbond", Decimal(40), Decimal("28.284"), "m-1"),  # 40 x 0.5^(45/90)
    ]
    assert risico.score == Decimal("40.784")
    assert risico.model == huidig.version


def test_event_payload_has_the_contract_fields(huidig: Policy) -> None:
    data = score([signaal("melding_or", 0, bron="m-7")], OP, huidig).als_data()
    assert data["score"] == Decimal("40.000") and data["model"] == huidig.version
    assert data["onderdelen"] == [
        {
            "signaal": "melding_or",
            "gewicht": Decimal(40),
            "bijdrage": Decimal("40.000"),
            "bron_event_id": "m-7",
            "sterkte": Decimal(1),
            "dagen_oud": 0,
        }
    ]


def test_strength_scales_and_future_signals_do_not_count_yet(huidig: Policy) -> None:
    later = Signaal("melding_or", "e-9", OP + timedelta(days=1))
    risico = score([signaal("eerdere_overtreding", 0, sterkte="2"), later], OP, huidig)
    assert risico.score == Decimal("60.000")
    assert [o.bron_event_id for o in risico.onderdelen] == ["e-1"]


def test_threshold_selects_from_45(huidig: Policy) -> None:
    assert not boven_drempel(score([signaal("melding_vakbond")], OP, huidig), OP, huidig)
    assert boven_drempel(score([signaal("melding_vakbond"), signaal("gemeente_overbewoning")], OP, huidig), OP, huidig)


def test_unknown_kind_and_negative_strength_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown signal kind"):
        Signaal("nationaliteit_risico", "e-1", OP)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sterkte"):
        Signaal("melding_or", "e-1", OP, Decimal(-1))


def test_every_kind_has_a_weight_half_life_and_laws_in_policy(huidig: Policy) -> None:
    for key in ("risico_gewichten", "risico_halfwaardetijd_dagen", "risico_signaal_wetten"):
        assert set(huidig.value(key, OP)) == SOORTEN, key


def test_model_inputs_have_no_protected_attribute_or_proxy() -> None:
    assert verboden_velden(Signaal) == []
    assert verboden_velden(Uitzendonderneming) == []
    assert set(inspect.signature(score).parameters) == {"signalen", "op", "policy", "uitzendonderneming"}
    assert all(not (set(soort.split("_")) & VERBODEN) for soort in SOORTEN)


@dataclasses.dataclass
class _Persoon:
    geboorteland: str
    moedertaal: str


@dataclasses.dataclass
class _FouteInvoer:
    soort: str
    personen: tuple[_Persoon, ...]
    woon_postcode: str | None


def test_the_protected_attribute_check_finds_nested_fields() -> None:
    """The check above can fail: it finds protected fields, also nested ones."""
    assert verboden_velden(_FouteInvoer) == ["personen.geboorteland", "personen.moedertaal", "woon_postcode"]


signalen_st = st.lists(
    st.builds(
        Signaal,
        soort=st.sampled_from(sorted(SOORTEN)),
        bron_event_id=st.text("abc123", min_size=1, max_size=6),
        waargenomen_op=st.dates(min_value=OP - timedelta(days=2000), max_value=OP),
        sterkte=st.decimals(min_value=0, max_value=5, places=2),
    ),
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(signalen=signalen_st, extra=signalen_st.filter(bool).map(lambda s: s[0]))
def test_adding_a_signal_never_lowers_the_score(signalen: list[Signaal], extra: Signaal) -> None:
    assert score([*signalen, extra], OP, HUIDIG).score >= score(signalen, OP, HUIDIG).score


@settings(max_examples=100, deadline=None)
@given(signalen=signalen_st)
def test_breakdown_sums_exactly_to_the_score(signalen: list[Signaal]) -> None:
    risico = score(signalen, OP, HUIDIG)
    assert sum(o.bijdrage for o in risico.onderdelen) == risico.score
    assert all(o.bijdrage == o.bijdrage.quantize(Decimal("0.001")) for o in risico.onderdelen)


@settings(max_examples=100, deadline=None)
@given(soort=st.sampled_from(sorted(SOORTEN)), dagen_oud=st.integers(0, 1500))
def test_a_contribution_halves_after_one_half_life(soort: str, dagen_oud: int) -> None:
    halfwaardetijd = int(HUIDIG.value("risico_halfwaardetijd_dagen", OP)[soort])
    nu = Signaal(soort, "e", OP - timedelta(days=dagen_oud))  # type: ignore[arg-type]
    later = OP + timedelta(days=halfwaardetijd)
    assert abs(bijdrage(nu, later, HUIDIG) * 2 - bijdrage(nu, OP, HUIDIG)) < Decimal("1e-20")
    assert bijdrage(Signaal(soort, "e", OP), later, HUIDIG) * 2 == Decimal(HUIDIG.value("risico_gewichten", OP)[soort])  # type: ignore[arg-type]


# Signals around `op` (also future ones), strengths written as "1" and "1.00", repeated triples
# across employers, and agency lines before and after `op`.
werkgever_signalen_st = st.lists(
    st.builds(
        Signaal,
        soort=st.sampled_from(sorted(SOORTEN)),
        bron_event_id=st.text("abc123", min_size=1, max_size=4),
        waargenomen_op=st.dates(min_value=OP - timedelta(days=400), max_value=OP + timedelta(days=30)),
        sterkte=st.sampled_from([Decimal("1"), Decimal("1.00"), Decimal(0)])
        | st.decimals(min_value=0, max_value=5, places=3),
    ),
    max_size=6,
)
uitzend_st = st.none() | st.builds(
    Uitzendonderneming,
    bron_event_id=st.just("u-1"),
    vastgesteld_op=st.dates(min_value=OP - timedelta(days=100), max_value=OP + timedelta(days=10)),
)


@settings(max_examples=200, deadline=None)
@given(
    werkgevers=st.dictionaries(st.text("kvk0123", min_size=1, max_size=3), st.tuples(werkgever_signalen_st, uitzend_st))
)
def test_batch_scores_equal_the_score_of_every_employer(
    werkgevers: dict[str, tuple[list[Signaal], Uitzendonderneming | None]],
) -> None:
    per_werkgever = {kvk: signalen for kvk, (signalen, _) in werkgevers.items()}
    uitzend = {kvk: u for kvk, (_, u) in werkgevers.items() if u is not None}
    batch = scores(per_werkgever, OP, HUIDIG, uitzendondernemingen=uitzend)
    assert batch.keys() == werkgevers.keys()
    opslag = HUIDIG.decimal("risico_uitzendonderneming_opslag_pct", OP)
    for kvk, (signalen, u) in werkgevers.items():
        enkel = score(signalen, OP, HUIDIG, uitzendonderneming=u).score
        # The rule written out independently: quantise every known signal's contribution, sum, add the agency line.
        lijnen = [
            bijdrage(s, OP, HUIDIG).quantize(Decimal("0.001"), "ROUND_HALF_UP")
            for s in signalen
            if s.waargenomen_op <= OP
        ]
        verwacht = sum(lijnen, Decimal("0.000"))
        if u is not None and u.vastgesteld_op <= OP and lijnen:
            verwacht += (verwacht * opslag / 100).quantize(Decimal("0.001"), "ROUND_HALF_UP")
        assert (str(batch[kvk]), str(enkel)) == (str(verwacht), str(verwacht)), kvk


def test_batch_scores_equal_the_score_of_every_employer_on_a_generated_set() -> None:
    """A recompute as the service makes one: 20 000 signals over 2 000 employers, every kind, ages up
    to two years (and a few not yet observed), strengths that repeat across employers (also written
    as 1 and 1.00), and agencies. Every employer is compared with `score()`."""
    rng = random.Random(13)
    soorten, sterktes = sorted(SOORTEN), [Decimal("1"), Decimal("1.00"), Decimal("0.250"), Decimal("0.8")]
    per_werkgever: dict[str, list[Signaal]] = {f"{w:08d}": [] for w in range(2000)}
    kvks = list(per_werkgever)
    for i in range(20_000):
        dag = OP - timedelta(days=rng.randrange(-5, 730))
        sterkte = rng.choice(sterktes) if rng.random() < 0.9 else Decimal(rng.randrange(0, 3000)).scaleb(-3)
        per_werkgever[rng.choice(kvks)].append(Signaal(rng.choice(soorten), f"e{i}", dag, sterkte))  # type: ignore[arg-type]
    uitzend = {kvk: Uitzendonderneming(f"u-{kvk}", OP - timedelta(days=rng.randrange(-3, 60))) for kvk in kvks[::7]}
    batch = scores(per_werkgever, OP, HUIDIG, uitzendondernemingen=uitzend)
    opslag = HUIDIG.decimal("risico_uitzendonderneming_opslag_pct", OP)

    def los(signalen: list[Signaal], u: Uitzendonderneming | None) -> str:
        """The rule written out from each signal's own fields, as in the property test above."""
        lijnen = [bijdrage(s, OP, HUIDIG).quantize(Decimal("0.001"), "ROUND_HALF_UP") for s in signalen]
        bekend = [lijn for lijn, s in zip(lijnen, signalen, strict=True) if s.waargenomen_op <= OP]
        totaal = sum(bekend, Decimal("0.000"))
        if u is not None and u.vastgesteld_op <= OP and bekend:
            totaal += (totaal * opslag / 100).quantize(Decimal("0.001"), "ROUND_HALF_UP")
        return str(totaal)

    verschil = [
        kvk
        for kvk, signalen in per_werkgever.items()
        if {str(batch[kvk]), str(score(signalen, OP, HUIDIG, uitzendonderneming=uitzend.get(kvk)).score)}
        != {los(signalen, uitzend.get(kvk))}
    ]
    assert batch.keys() == per_werkgever.keys() and verschil == []
    assert len({s.tripel for signalen in per_werkgever.values() for s in signalen}) < 20_000  # shared triples
