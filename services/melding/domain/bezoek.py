"""What a visit answers: the reports of a case received by the visit's day.

A visit told later can close a case that a report joined after the visit's day (the visit on
Tuesday, another union's report on Wednesday, the visit's result on Thursday). The visit did not
examine that report, and a report is always investigated, never dropped: it must not be closed, nor
its reporter told of a visit that came before its report. The reports received after the visit's day
therefore leave the case and form a case of their own, open, as if they had come after the case
closed: its first report opens it (the municipality of the first one that names one), it watches the
earliest of their deadlines, and its categories and scope are theirs. Each report keeps its own
deadline timer, which reports a breach when no visit of the new case comes in time.

A case closed before the visit split off what it did not answer may still hold such reports, closed
with it (`gesloten_door_eerder_bezoek`); they are split off by the same rule when their deadline
comes, before it is judged. A later visit of the same employer, told before the split, closed only
the open cases, yet it answered every report received by its day: such a report stays where it is
(`beantwoord_door_later_bezoek`). Whether that visit also met the report's deadline is another
question: only a visit on or before `uiterlijk_inspectie_op` did (`termijn_gehaald_door_later_bezoek`);
a report answered only after its deadline stays where it is, and its deadline is a breach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.melding.domain.classificatie import scope_voor
from services.melding.domain.deadline import bezoek_in_termijn
from services.melding.domain.zaak import GESLOTEN
from shared.policy import Policy


@dataclass(frozen=True)
class GemeldeMelding:
    """What a split needs to know of a report filed in a case."""

    melding_id: str
    organisatie: str
    referentie: str
    ontvangen_op: date
    uiterlijk_inspectie_op: date
    categorieen: tuple[str, ...]
    gemeentecode: str | None


@dataclass(frozen=True)
class Afsplitsing:
    """The case of the reports a visit did not answer, in the order they were received."""

    meldingen: tuple[GemeldeMelding, ...]
    categorieen: list[str]
    scope: list[str]
    gemeentecode: str | None
    geopend_op: date
    laatste_melding_op: date
    uiterlijk_inspectie_op: date


def beantwoord_door_bezoek(ontvangen_op: date, uitgevoerd_op: date) -> bool:
    """A visit answers a report received on or before its day."""
    return ontvangen_op <= uitgevoerd_op


def _gesloten_na_eerder_bezoek(zaak_status: str, ontvangen_op: date, geinspecteerd_op: date | None) -> bool:
    return (
        zaak_status == GESLOTEN
        and geinspecteerd_op is not None
        and not beantwoord_door_bezoek(ontvangen_op, geinspecteerd_op)
    )


def beantwoord_door_later_bezoek(
    zaak_status: str, *, ontvangen_op: date, geinspecteerd_op: date | None, laatste_bezoek: date | None
) -> bool:
    """Whether a report left in a closed case visited before its receipt was answered by a later visit
    of the employer (`laatste_bezoek`: the latest visit over all the employer's cases). Stored before
    the split, such a visit closed only the employer's open cases, so the report's closed case never
    heard of it; it answered the report all the same, so there is nothing to move. Whether its deadline
    was met is `termijn_gehaald_door_later_bezoek`: a visit after the deadline answers, but late."""
    return (
        _gesloten_na_eerder_bezoek(zaak_status, ontvangen_op, geinspecteerd_op)
        and laatste_bezoek is not None
        and beantwoord_door_bezoek(ontvangen_op, laatste_bezoek)
    )


def termijn_gehaald_door_later_bezoek(
    zaak_status: str,
    *,
    ontvangen_op: date,
    uiterlijk_inspectie_op: date,
    geinspecteerd_op: date | None,
    bezoeken: Iterable[date],
) -> bool:
    """Whether a report left in a closed case visited before its receipt had its deadline met by a
    later visit of the employer (`bezoeken`: the visit days over all the employer's cases): one in
    [ontvangen_op, uiterlijk_inspectie_op] (`bezoek_in_termijn`). A later visit only after the
    deadline answered the report (not moved, `beantwoord_door_later_bezoek`), but the deadline passed
    without a visit: a breach, in the closed case."""
    return _gesloten_na_eerder_bezoek(zaak_status, ontvangen_op, geinspecteerd_op) and any(
        bezoek_in_termijn(b, ontvangen_op=ontvangen_op, uiterlijk_inspectie_op=uiterlijk_inspectie_op) for b in bezoeken
    )


def gesloten_door_eerder_bezoek(
    zaak_status: str, *, ontvangen_op: date, geinspecteerd_op: date | None, laatste_bezoek: date | None
) -> bool:
    """Whether a report lies in a closed case whose visit came before the report was received, and no
    later visit of the employer (`laatste_bezoek`, over all its cases) answered it: closed with the
    case although no visit examined it. It belongs in an open case (`afsplitsing` with the day of
    `laatste_bezoek`, so what a later visit answered stays), as the visit would have split it off."""
    return _gesloten_na_eerder_bezoek(zaak_status, ontvangen_op, geinspecteerd_op) and not (
        beantwoord_door_later_bezoek(
            zaak_status, ontvangen_op=ontvangen_op, geinspecteerd_op=geinspecteerd_op, laatste_bezoek=laatste_bezoek
        )
    )


def afsplitsing(meldingen: Iterable[GemeldeMelding], uitgevoerd_op: date, policy: Policy) -> Afsplitsing | None:
    """The new case for the reports of a case received after the visit's day; None when there are none."""
    na = sorted(
        (m for m in meldingen if not beantwoord_door_bezoek(m.ontvangen_op, uitgevoerd_op)),
        key=lambda m: (m.ontvangen_op, m.melding_id),
    )
    if not na:
        return None
    scope = {wet for m in na for wet in scope_voor(m.categorieen, policy, m.ontvangen_op)}
    return Afsplitsing(
        meldingen=tuple(na),
        categorieen=sorted({c for m in na for c in m.categorieen}),
        scope=sorted(scope),
        gemeentecode=next((m.gemeentecode for m in na if m.gemeentecode), None),
        geopend_op=na[0].ontvangen_op,
        laatste_melding_op=na[-1].ontvangen_op,
        uiterlijk_inspectie_op=min(m.uiterlijk_inspectie_op for m in na),
    )
