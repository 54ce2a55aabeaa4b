"""What a visit answers: the reports of a case received by the visit's day, never one filed after it."""

from __future__ import annotations

from datetime import date

import pytest

from services.melding.domain.bezoek import (
    GemeldeMelding,
    afsplitsing,
    beantwoord_door_bezoek,
    gesloten_door_eerder_bezoek,
)
from shared.policy import Policy

BEZOEK = date(2027, 3, 2)


def melding(
    n: int, ontvangen_op: date, categorieen: tuple[str, ...] = ("onderbetaling",), gemeente: str | None = None
) -> GemeldeMelding:
    return GemeldeMelding(
        melding_id=f"M{n}",
        organisatie=f"bond{n}",
        referentie=f"R{n}",
        ontvangen_op=ontvangen_op,
        uiterlijk_inspectie_op=date(2027, 3, 8 + n),
        categorieen=categorieen,
        gemeentecode=gemeente,
    )


@pytest.mark.parametrize(
    ("ontvangen_op", "beantwoord"), [(date(2027, 3, 1), True), (BEZOEK, True), (date(2027, 3, 3), False)]
)
def test_a_visit_answers_the_reports_received_by_its_day(ontvangen_op: date, beantwoord: bool) -> None:
    assert beantwoord_door_bezoek(ontvangen_op, BEZOEK) is beantwoord


def test_a_case_whose_reports_the_visit_answers_all_stays_whole(huidig: Policy) -> None:
    assert afsplitsing([melding(1, date(2027, 3, 1)), melding(2, BEZOEK)], BEZOEK, huidig) is None


def test_the_reports_after_the_visit_day_form_a_case_of_their_own(huidig: Policy) -> None:
    r1 = melding(1, date(2027, 3, 1), gemeente="GM0363")
    r3 = melding(3, date(2027, 3, 4), ("huisvesting",), "GM1783")
    r2 = melding(2, date(2027, 3, 3), ("onderbetaling", "arbeidstijden"), None)
    nieuw = afsplitsing([r3, r1, r2], BEZOEK, huidig)
    assert nieuw is not None
    assert [m.melding_id for m in nieuw.meldingen] == ["M2", "M3"], "in the order received"
    assert (nieuw.geopend_op, nieuw.laatste_melding_op) == (date(2027, 3, 3), date(2027, 3, 4))
    assert nieuw.uiterlijk_inspectie_op == date(2027, 3, 10), "the first of the deadlines"
    assert nieuw.categorieen == ["arbeidstijden", "huisvesting", "onderbetaling"]
    assert nieuw.gemeentecode == "GM1783", "the first report after the visit that names a municipality"
    assert set(nieuw.scope) >= {"WML", "Arbowet"} and nieuw.scope == sorted(set(nieuw.scope))


@pytest.mark.parametrize(
    ("status", "geinspecteerd_op", "gesloten_zonder_antwoord"),
    [
        ("gesloten", date(2027, 3, 2), True),  # closed by a visit before the report was received
        ("gesloten", date(2027, 3, 3), False),  # the visit on the day of receipt answered it
        ("gesloten", date(2027, 3, 4), False),
        ("gesloten", None, False),  # no visit to compare with: nothing to move
        ("geinspecteerd", date(2027, 3, 2), False),  # not closed: a visit still splits it off when told
        ("ontvangen", None, False),
    ],
)
def test_a_report_is_closed_unanswered_only_by_a_closed_case_visited_before_its_receipt(
    status: str, geinspecteerd_op: date | None, gesloten_zonder_antwoord: bool
) -> None:
    """Such a report was closed with its case although no visit examined it; it is to move to an open
    case (`afsplitsing`, as the visit does now) before its deadline is judged."""
    uitkomst = gesloten_door_eerder_bezoek(status, ontvangen_op=date(2027, 3, 3), geinspecteerd_op=geinspecteerd_op)
    assert uitkomst is gesloten_zonder_antwoord
