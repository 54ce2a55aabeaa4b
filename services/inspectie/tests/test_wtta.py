"""SER 2025 rec. 5 (Wtta admission, kst. 36446): an agency without a standing admission is a risk signal
from the Wtta's entry into force (2027-01-01) and a Wtta finding is fined from 2028-01-01; under ser2025
an admission granted to directors of an agency bankrupt within 3 years is a signal too."""

from __future__ import annotations

from datetime import date

import pytest

from services.inspectie.domain.boetes import Boete, boete
from services.inspectie.domain.risico import SOORTEN
from services.inspectie.domain.wtta import Toelatingsbesluit, na_besluit, na_loonaangifte
from shared.contract.inspectie import Bevinding
from shared.contract.nau import Toelating
from shared.policy import Policy


@pytest.mark.parametrize(
    ("besluit", "op", "faillissement", "huidig_signaal", "ser_signaal"),
    [
        ("ingetrokken", date(2026, 12, 31), None, None, None),  # before the Wtta: no duty
        ("ingetrokken", date(2027, 1, 1), None, "wtta_zonder_toelating", "wtta_zonder_toelating"),
        ("geweigerd", date(2027, 6, 1), None, "wtta_zonder_toelating", "wtta_zonder_toelating"),
        ("verleend", date(2027, 6, 1), None, None, None),
        ("verleend", date(2027, 6, 1), date(2024, 6, 1), None, "wtta_toelating_na_faillissement"),  # exactly 3 years
        ("verleend", date(2027, 6, 1), date(2024, 5, 31), None, None),  # longer ago
    ],
)
def test_rec_5_an_nau_decision_as_a_signal(
    huidig: Policy,
    ser2025: Policy,
    besluit: str,
    op: date,
    faillissement: date | None,
    huidig_signaal: str | None,
    ser_signaal: str | None,
) -> None:
    b = Toelatingsbesluit(besluit, op, faillissement)  # type: ignore[arg-type]
    assert (na_besluit(b, huidig), na_besluit(b, ser2025)) == (huidig_signaal, ser_signaal)


@pytest.mark.parametrize(
    ("uitzend", "laatste", "op", "verwacht"),
    [
        (True, None, date(2026, 12, 31), None),
        (True, None, date(2027, 1, 1), "wtta_zonder_toelating"),  # an agency by its payroll return, no admission known
        (True, Toelatingsbesluit("verleend", date(2027, 1, 5)), date(2027, 1, 4), "wtta_zonder_toelating"),
        (True, Toelatingsbesluit("verleend", date(2027, 1, 5)), date(2027, 1, 5), None),
        (True, Toelatingsbesluit("ingetrokken", date(2027, 3, 1)), date(2027, 4, 1), "wtta_zonder_toelating"),
        (False, None, date(2027, 4, 1), None),
    ],
)
def test_rec_5_an_agency_without_admission_by_its_payroll_return(
    huidig: Policy, uitzend: bool, laatste: Toelatingsbesluit | None, op: date, verwacht: str | None
) -> None:
    assert na_loonaangifte(uitzend, laatste, op, huidig) == verwacht


@pytest.mark.parametrize(("op", "bedrag"), [(date(2027, 12, 31), None), (date(2028, 1, 1), 6000)])
def test_rec_5_a_wtta_finding_is_a_signal_in_2027_and_fined_from_2028(
    huidig: Policy, op: date, bedrag: int | None
) -> None:
    resultaat = boete(Bevinding(wet="Wtta", code="WTTA-ZONDER-TOELATING"), op, huidig)
    assert (resultaat.bedrag_eur if isinstance(resultaat, Boete) else None) == bedrag


def test_rec_5_signal_kinds_are_in_the_risk_model(huidig: Policy) -> None:
    assert {"wtta_zonder_toelating", "wtta_toelating_na_faillissement"} <= SOORTEN
    assert huidig.value("risico_signaal_wetten", date(2027, 1, 1))["wtta_zonder_toelating"] == ["Wtta", "Waadi"]


def test_rec_5_the_inbound_toelating_contract() -> None:
    t = Toelating.model_validate_json(
        '{"uitlener": {"kvk_nummer": "12345678"}, "besluit": "verleend", "besluit_op": "2027-02-01",'
        ' "bestuurder_faillissement_op": "2025-01-10"}'
    )
    assert (t.besluit, t.bestuurder_faillissement_op) == ("verleend", date(2025, 1, 10))
    with pytest.raises(ValueError, match="besluit_op"):
        Toelating.model_validate_json(
            '{"uitlener": {"kvk_nummer": "12345678"}, "besluit": "verleend", "besluit_op": "2027-02-01",'
            ' "bestuurder_faillissement_op": "2027-03-01"}'
        )
    with pytest.raises(ValueError):
        Toelating.model_validate_json(
            '{"uitlener": {"kvk_nummer": "12345678"}, "besluit": "?", "besluit_op": "2027-02-01"}'
        )
