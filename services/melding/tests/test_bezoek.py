"""What a visit answers: the reports of a case received by the visit's day, never one filed after it."""

from __future__ import annotations

from datetime import date

import pytest

from services.melding.domain.bezoek import (
    GemeldeMelding,
    afsplitsing,
    beantwoord_door_bezoek,
    beantwoord_door_later_bezoek,
    gesloten_door_eerder_bezoek,
    termijn_gehaald_door_later_bezoek,
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
    ("status", "geinspecteerd_op", "laatste_bezoek", "gesloten_zonder_antwoord"),
    [
        ("gesloten", date(2027, 3, 2), date(2027, 3, 2), True),  # closed by a visit before the report was received
        ("gesloten", date(2027, 3, 3), date(2027, 3, 3), False),  # the visit on the day of receipt answered it
        ("gesloten", date(2027, 3, 4), date(2027, 3, 4), False),
        ("gesloten", None, None, False),  # no visit to compare with: nothing to move
        ("geinspecteerd", date(2027, 3, 2), date(2027, 3, 2), False),  # not closed: a visit still splits it off
        ("ontvangen", None, None, False),
        # a later visit of the employer (in another case, which it closed) answered it: nothing to move
        ("gesloten", date(2027, 3, 2), date(2027, 3, 3), False),
        ("gesloten", date(2027, 3, 2), date(2027, 3, 5), False),
    ],
)
def test_a_report_is_closed_unanswered_only_by_a_closed_case_visited_before_its_receipt(
    status: str, geinspecteerd_op: date | None, laatste_bezoek: date | None, gesloten_zonder_antwoord: bool
) -> None:
    """Such a report was closed with its case although no visit examined it; it is to move to an open
    case (`afsplitsing`, as the visit does now) before its deadline is judged, unless a later visit of
    the employer, on or after its day of receipt, answered it (`laatste_bezoek`: the employer's latest
    visit over all its cases)."""
    uitkomst = gesloten_door_eerder_bezoek(
        status, ontvangen_op=date(2027, 3, 3), geinspecteerd_op=geinspecteerd_op, laatste_bezoek=laatste_bezoek
    )
    assert uitkomst is gesloten_zonder_antwoord


@pytest.mark.parametrize(
    ("status", "geinspecteerd_op", "laatste_bezoek", "beantwoord"),
    [
        ("gesloten", date(2027, 3, 2), date(2027, 3, 5), True),  # another case's later visit answered it
        ("gesloten", date(2027, 3, 2), date(2027, 3, 3), True),  # on its day of receipt
        ("gesloten", date(2027, 3, 2), date(2027, 3, 2), False),  # no visit after it: it is to move
        ("gesloten", date(2027, 3, 4), date(2027, 3, 4), False),  # its own case's visit answered it (not "later")
        ("ontvangen", None, date(2027, 3, 5), False),  # an open case's deadline is judged by its own visit
    ],
)
def test_a_report_left_in_a_closed_case_is_answered_by_a_later_visit_of_the_employer(
    status: str, geinspecteerd_op: date | None, laatste_bezoek: date | None, beantwoord: bool
) -> None:
    """Stored before the split: the late visit closed the case with the report, and a later visit of
    the same employer, to its open cases only, answered the report although its case never heard of it."""
    uitkomst = beantwoord_door_later_bezoek(
        status, ontvangen_op=date(2027, 3, 3), geinspecteerd_op=geinspecteerd_op, laatste_bezoek=laatste_bezoek
    )
    assert uitkomst is beantwoord


@pytest.mark.parametrize(
    ("status", "geinspecteerd_op", "bezoeken", "gehaald"),
    [
        ("gesloten", date(2026, 1, 2), [date(2026, 1, 2), date(2026, 1, 8)], True),  # a later visit in time
        ("gesloten", date(2026, 1, 2), [date(2026, 1, 2), date(2026, 1, 5)], True),  # on the day of receipt
        ("gesloten", date(2026, 1, 2), [date(2026, 1, 12)], True),  # on the deadline's day
        ("gesloten", date(2026, 1, 2), [date(2026, 1, 2), date(2026, 3, 1)], False),  # answered, but late
        ("gesloten", date(2026, 1, 2), [date(2026, 1, 13)], False),  # the day after the deadline
        ("gesloten", date(2026, 1, 2), [date(2026, 3, 1), date(2026, 1, 9)], True),  # any visit in time counts
        ("gesloten", date(2026, 1, 2), [date(2026, 1, 2)], False),  # no later visit at all
        ("gesloten", date(2026, 1, 2), [], False),
        ("gesloten", date(2026, 1, 6), [date(2026, 1, 6)], False),  # its own case's visit: judged as such
        ("ontvangen", None, [date(2026, 1, 8)], False),  # an open case's deadline is judged by its own visit
    ],
)
def test_a_later_visit_of_the_employer_meets_the_deadline_only_inside_its_window(
    status: str, geinspecteerd_op: date | None, bezoeken: list[date], gehaald: bool
) -> None:
    """Report received 2026-01-05, deadline 2026-01-12, left in a closed case visited before it: a
    later visit of the employer answered it (it is not moved), but its deadline was met only when such
    a visit fell on or before the deadline; one after it leaves a breach."""
    uitkomst = termijn_gehaald_door_later_bezoek(
        status,
        ontvangen_op=date(2026, 1, 5),
        uiterlijk_inspectie_op=date(2026, 1, 12),
        geinspecteerd_op=geinspecteerd_op,
        bezoeken=bezoeken,
    )
    assert uitkomst is gehaald


def test_a_report_a_visit_answered_only_after_its_deadline_is_not_moved_but_is_a_breach() -> None:
    """The two questions apart: not moved (any visit on or after receipt), yet the deadline passed
    without a visit (none in [ontvangen_op, uiterlijk_inspectie_op])."""
    ontvangen_op, uiterlijk, eigen, later = date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 2), date(2026, 3, 1)
    assert beantwoord_door_later_bezoek(
        "gesloten", ontvangen_op=ontvangen_op, geinspecteerd_op=eigen, laatste_bezoek=later
    )
    assert not gesloten_door_eerder_bezoek(
        "gesloten", ontvangen_op=ontvangen_op, geinspecteerd_op=eigen, laatste_bezoek=later
    )
    assert not termijn_gehaald_door_later_bezoek(
        "gesloten",
        ontvangen_op=ontvangen_op,
        uiterlijk_inspectie_op=uiterlijk,
        geinspecteerd_op=eigen,
        bezoeken=[eigen, later],
    )
