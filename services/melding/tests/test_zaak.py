"""Case statuses only move forward, a repeat is a no-op, and closing needs a result."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.melding.domain.zaak import STATUSSEN, OngeldigeOvergang, Statuswijziging, overgang


def test_the_statuses_in_order() -> None:
    assert STATUSSEN == ("ontvangen", "inspectie_gepland", "geinspecteerd", "uitkomst", "gesloten")


@pytest.mark.parametrize(
    ("van", "naar", "resultaat", "omschrijving"),
    [
        ("ontvangen", "inspectie_gepland", None, "ontvangen -> inspectie_gepland: inspectie gepland"),
        ("inspectie_gepland", "geinspecteerd", None, "inspectie_gepland -> geinspecteerd: inspectie uitgevoerd"),
        (
            "geinspecteerd",
            "uitkomst",
            "overtreding",
            "geinspecteerd -> uitkomst: uitkomst van de inspectie vastgesteld",
        ),
        ("uitkomst", "gesloten", "overtreding", "uitkomst -> gesloten: zaak gesloten met resultaat overtreding"),
        (
            "ontvangen",
            "geinspecteerd",
            None,
            "ontvangen -> geinspecteerd: inspectie uitgevoerd (overgeslagen: inspectie_gepland)",
        ),
        (
            "inspectie_gepland",
            "gesloten",
            "geen_overtreding",
            "inspectie_gepland -> gesloten: zaak gesloten met resultaat geen_overtreding "
            "(overgeslagen: geinspecteerd, uitkomst)",
        ),
    ],
)
def test_a_forward_step_is_recorded_for_the_audit_trail(
    van: str, naar: str, resultaat: str | None, omschrijving: str
) -> None:
    assert overgang(van, naar, resultaat) == Statuswijziging(van, naar, omschrijving)


def test_the_same_status_again_changes_nothing() -> None:
    assert overgang("inspectie_gepland", "inspectie_gepland", None) is None
    assert overgang("gesloten", "gesloten", "overtreding") is None


def test_a_case_never_goes_back() -> None:
    with pytest.raises(OngeldigeOvergang, match="niet terug van geinspecteerd naar inspectie_gepland"):
        overgang("geinspecteerd", "inspectie_gepland", None)
    with pytest.raises(OngeldigeOvergang, match="niet terug van gesloten naar ontvangen"):
        overgang("gesloten", "ontvangen", "overtreding")


@pytest.mark.parametrize("resultaat", [None, "", "   "])
def test_a_case_closes_only_with_a_result(resultaat: str | None) -> None:
    with pytest.raises(OngeldigeOvergang, match="alleen met een resultaat"):
        overgang("uitkomst", "gesloten", resultaat)


def test_an_unknown_status_is_refused_by_name() -> None:
    with pytest.raises(OngeldigeOvergang, match="onbekende zaakstatus 'afgehandeld'"):
        overgang("ontvangen", "afgehandeld", None)


@given(st.sampled_from(STATUSSEN), st.sampled_from(STATUSSEN), st.sampled_from([None, "overtreding"]))
def test_allowed_exactly_when_forward_and_closing_has_a_result(van: str, naar: str, resultaat: str | None) -> None:
    stap = STATUSSEN.index(naar) - STATUSSEN.index(van)
    toegestaan = stap > 0 and (naar != "gesloten" or resultaat is not None)
    try:
        wijziging = overgang(van, naar, resultaat)
    except OngeldigeOvergang:
        assert stap < 0 or (naar == "gesloten" and resultaat is None)
    else:
        assert (wijziging is None) == (stap == 0)
        assert (wijziging is not None) == toegestaan
        if wijziging is not None:
            assert (wijziging.van, wijziging.naar) == (van, naar)
