from __future__ import annotations

from datetime import date

from services.inspectie.domain.risico import Signaal
from services.inspectie.domain.scope import scope
from shared.policy import Policy

OP = date(2026, 6, 1)


def test_wml_signal_opens_arbowet_and_atw(huidig: Policy) -> None:
    assert scope([Signaal("loonaangifte_onder_wml", "b-1", OP)], OP, huidig) == ["Arbowet", "Atw", "WML"]


def test_scope_is_the_union_of_all_open_signals_including_the_laws_a_report_names(huidig: Policy) -> None:
    signalen = [
        Signaal("gemeente_niet_ingeschreven_brp", "g-1", OP),
        Signaal("melding_vakbond", "m-1", OP, wetten=("Waadi", "Wtta")),
        Signaal("keteninformatie_te_laat", "l-1", OP),
    ]
    assert scope(signalen, OP, huidig) == ["Arbowet", "Atw", "WML", "Waadi", "Wav", "Wgv", "Wtta"]


def test_housing_signal_alone_does_not_open_labour_laws(huidig: Policy) -> None:
    assert scope([Signaal("gemeente_overbewoning", "g-1", OP)], OP, huidig) == ["Wgv"]
    assert scope([], OP, huidig) == []
