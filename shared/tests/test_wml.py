"""The one minimum wage, month conversion and month arithmetic every service uses (defect 19)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.maanden import kalendermaanden, plus_maanden, volle_kalendermaanden
from shared.policy import UnknownPolicyValue, load_policy
from shared.wml import GeenMinimumloon, maandloon, minimumuurloon, per_maand, uurloon

HUIDIG = load_policy("huidig")
JAN_2026 = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("leeftijd", "bbl", "verwacht", "groep"),
    [
        (None, False, "14.71", "21+ (leeftijd onbekend)"),
        (21, False, "14.71", "21+"),
        (90, True, "14.71", "21+"),  # BBL ends at 20
        (20, False, "11.77", "jeugd 20 jaar (80 %)"),  # 14.71 x 0.8 = 11.768
        (20, True, "9.05", "BBL 20 jaar (61.5 %)"),  # 14.71 x 0.615 = 9.04665
        (19, True, "7.72", "BBL 19 jaar (52.5 %)"),  # 7.72275
        (18, True, "6.69", "BBL 18 jaar (45.5 %)"),  # 6.69305
        (17, True, "5.81", "jeugd 17 jaar (39.5 %)"),  # below 18 the ordinary bands, BBL or not
        (15, False, "4.41", "jeugd 15 jaar (30 %)"),  # 4.413
    ],
    ids=lambda v: str(v),
)
def test_defect_19_and_15_hourly_wml_by_age_and_track(
    leeftijd: int | None, bbl: bool, verwacht: str, groep: str
) -> None:
    """Defects 19 and 15: one hourly WML, with the BBL bands of 61.5 / 52.5 / 45.5 % at 20 / 19 / 18."""
    tarief = minimumuurloon(JAN_2026, leeftijd, HUIDIG, bbl=bbl)
    assert (tarief.bedrag, tarief.groep) == (Decimal(verwacht), groep)
    assert uurloon(JAN_2026, leeftijd, HUIDIG, bbl=bbl) == Decimal(verwacht)


@pytest.mark.parametrize("leeftijd", [14, 0])
def test_defect_19_below_the_youngest_band_raises_for_every_caller(leeftijd: int) -> None:
    """Defect 19: one edge behaviour. Below 15 the WML gives no rate: raise, never a silent None or 0."""
    with pytest.raises(GeenMinimumloon, match="onder 15 jaar"):
        uurloon(JAN_2026, leeftijd, HUIDIG)


def test_defect_19_the_inspection_reads_no_wml_as_none_through_the_same_function() -> None:
    """Defect 19: inspectie's `uurloon` delegates; for an inspection "no WML" is an outcome (None)."""
    from services.inspectie.domain.wml import uurloon as inspectie_uurloon

    assert inspectie_uurloon(JAN_2026, 14, HUIDIG) is None
    assert inspectie_uurloon(JAN_2026, 19, HUIDIG) == uurloon(JAN_2026, 19, HUIDIG) == Decimal("8.83")


def test_an_unpublished_rate_refuses() -> None:
    with pytest.raises(UnknownPolicyValue):
        uurloon(date(2026, 7, 1), 30, HUIDIG)


def test_defect_19_week_to_month_is_52_over_12() -> None:
    """Defect 19: one conversion. 14.40 x 40 x 52/12 = 2,496.00 (domain-rules §3, 2025-07)."""
    assert maandloon(Decimal("14.40"), Decimal(40)) == Decimal("2496")
    assert per_maand(Decimal(12)) == Decimal(52)
    assert maandloon(Decimal("14.40"), Decimal(36)) == Decimal("2246.4")


@pytest.mark.parametrize(
    ("dag", "maanden", "verwacht"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2025, 5, 2), 6, date(2025, 11, 2)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 2, 28), -120, date(2016, 2, 28)),
    ],
)
def test_defect_19_one_month_arithmetic(dag: date, maanden: int, verwacht: date) -> None:
    assert plus_maanden(dag, maanden) == verwacht


@pytest.mark.parametrize(
    ("van", "tot", "hele", "fractie"),
    [
        (date(2026, 3, 1), date(2026, 4, 30), 2, Decimal(2)),
        (date(2026, 1, 26), date(2026, 3, 5), 1, Decimal(1) + Decimal(8) / Decimal(28)),
        (date(2026, 1, 1), date(2026, 1, 30), 0, Decimal(30) / Decimal(31)),
        # a start on a day a later month lacks: each month ends the day before the start's day
        # number, or on the last day of a month that has no such day
        (date(2025, 7, 31), date(2025, 9, 30), 2, Decimal(2)),
        (date(2026, 1, 31), date(2026, 2, 28), 1, Decimal(1)),
        (date(2026, 1, 30), date(2026, 2, 28), 1, Decimal(1)),
        (date(2024, 1, 31), date(2024, 2, 29), 1, Decimal(1)),
        (date(2026, 1, 31), date(2026, 4, 30), 3, Decimal(3)),
    ],
)
def test_calendar_months_whole_and_fractional(van: date, tot: date, hele: int, fractie: Decimal) -> None:
    assert volle_kalendermaanden(van, tot) == hele
    assert kalendermaanden(van, tot) == fractie
