"""Chain liability for unpaid wages (BW 7:616a-f, domain-rules §4): who can be claimed, since when
and on which ground, from the facts gathered about one claim.

Rules, each named by the article that `grond` reports:

- BW 7:616a: the employer and the direct client (`keten[0]`), jointly, from the day the claim was filed.
- BW 7:616b lid 2: the next client up, one level at a time, once the claim failed against every
  party below it (employer included) on one of the lid-2 grounds (untraceable, not registered,
  bankrupt, unenforceable, or a client exculpated by a court). "The risk stays first with the
  employer and direct client" (SER rec. 4): a client exculpating itself does not pass the claim up
  while the employer can still be claimed. Liable from the last of those failures.
- BW 7:616b lid 4 / lid 5: the top client (the `hoofdopdrachtgever`, else the last known link)
  once the 616a claim failed (employer and direct client) and the wait term after the worker's
  written notice has passed: notice + `top_wacht_maanden` (lid 5: `top_wacht_snel_maanden`) + 1 day.
- BW 7:616e: a client asked for the chain that has not answered within `keteninformatie_termijn_dagen`
  is liable out of turn from the day after the term, even if it answers later.

A court's exculpation (`gedisculpeerd`) frees that client from its date on. Other failure grounds
leave the party liable (the debt stays; it just cannot be collected there). A party liable on
several grounds is listed once, with the earliest date. Facts dated after `op` are not known yet
on `op`. Parties outside the known chain are ignored: a party names its place in the chain first
(`keteninformatie`), then the rules can reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from services.loonvordering.domain.bedrag import wml_loon
from services.loonvordering.domain.berekening import HONDERD
from services.loonvordering.domain.invoer import Blok, Vordering
from shared.contract.loonvordering import Rol, StatusSoort
from shared.maanden import plus_maanden, volle_kalendermaanden
from shared.policy import Policy
from shared.werkdagen import is_werkdag

GROND_616A = "BW 7:616a"
GROND_616B_LID_2 = "BW 7:616b lid 2"
GROND_616B_LID_4 = "BW 7:616b lid 4"
GROND_616B_LID_5 = "BW 7:616b lid 5"
GROND_616E = "BW 7:616e"

WERKGEVER = "werkgever"  # the `rol` reported for the employer


@dataclass(frozen=True)
class Schakel:
    """One client in the chain; `keurmerk` is recorded but decides nothing: only a court exculpates."""

    kvk_nummer: str
    rol: Rol
    keurmerk: bool = False


@dataclass(frozen=True)
class PartijStatus:
    kvk_nummer: str
    status: StatusSoort
    vastgesteld_op: date


@dataclass(frozen=True)
class Aanzegging:
    kvk_nummer: str
    op: date


@dataclass(frozen=True)
class Informatieverzoek:
    kvk_nummer: str
    gevraagd_op: date
    beantwoord_op: date | None = None


@dataclass(frozen=True)
class Ketenfeiten:
    """Everything known about one claim's chain. `keten` runs from the direct client upward.

    `snelle_route` says whether lid 5's shorter wait applies (see `snelle_route`).
    """

    werkgever_kvk: str
    keten: tuple[Schakel, ...]
    ingediend_op: date
    statussen: tuple[PartijStatus, ...] = ()
    aanzeggingen: tuple[Aanzegging, ...] = ()
    informatieverzoeken: tuple[Informatieverzoek, ...] = ()
    snelle_route: bool = False

    @property
    def top(self) -> Schakel | None:
        """The top client, when it is not the direct client (who is liable from the start anyway)."""
        if not self.keten:
            return None
        kandidaat = next((s for s in self.keten if s.rol == "hoofdopdrachtgever"), self.keten[-1])
        return None if kandidaat == self.keten[0] else kandidaat


@dataclass(frozen=True)
class Aansprakelijke:
    """One entry of `aansprakelijk` in `loonvordering.vastgesteld` / `.aansprakelijke_gewijzigd`."""

    kvk_nummer: str
    rol: str
    sinds: date
    grond: str


class Termijn(NamedTuple):
    """A date on which liability may change, for a durable timer; `soort` is the article at stake."""

    datum: date
    soort: str


def aansprakelijken(feiten: Ketenfeiten, op: date, policy: Policy) -> list[Aansprakelijke]:
    """Every party liable on `op`, earliest first (the employer first on a tie, then up the chain)."""
    if op < feiten.ingediend_op:
        return []
    vrij = {s.kvk_nummer for s in feiten.statussen if s.status == "gedisculpeerd" and s.vastgesteld_op <= op}
    beste: dict[str, Aansprakelijke] = {}
    for kandidaat in _kandidaten(feiten, op, policy):
        if kandidaat.sinds > op or kandidaat.kvk_nummer in vrij:
            continue
        huidige = beste.get(kandidaat.kvk_nummer)
        if huidige is None or kandidaat.sinds < huidige.sinds:
            beste[kandidaat.kvk_nummer] = kandidaat
    volgorde = [feiten.werkgever_kvk, *(s.kvk_nummer for s in feiten.keten)]
    return sorted(beste.values(), key=lambda a: (a.sinds, volgorde.index(a.kvk_nummer)))


def top_aansprakelijk_vanaf(feiten: Ketenfeiten, policy: Policy) -> date | None:
    """The date the top client is liable on the facts known so far (on any ground); None if not
    (yet) determined, e.g. before the notice or the failure of the 616a claim, or after exculpation."""
    top = feiten.top
    if top is None:
        return None
    return next((a.sinds for a in aansprakelijken(feiten, date.max, policy) if a.kvk_nummer == top.kvk_nummer), None)


def volgende_termijnen(feiten: Ketenfeiten, policy: Policy, na: date | None = None) -> list[Termijn]:
    """Dates (after `na`, when given) on which liability may change without a new event: a 616e
    term running out, and the end of the top client's wait term. Sorted, without duplicates."""
    termijnen = {Termijn(sinds, GROND_616E) for _, sinds in _verzuim_616e(feiten, date.max, policy)}
    top, aanzegging = feiten.top, _aanzegging_top(feiten, date.max)
    if top is not None and aanzegging is not None:
        termijnen.add(Termijn(*_einde_wachttermijn(aanzegging, feiten.snelle_route, policy)))
    return sorted(t for t in termijnen if na is None or t.datum > na)


def _kandidaten(feiten: Ketenfeiten, op: date, policy: Policy) -> Iterator[Aansprakelijke]:
    """Every (party, since, ground) that a rule yields on `op`; `aansprakelijken` keeps the earliest."""
    yield Aansprakelijke(feiten.werkgever_kvk, WERKGEVER, feiten.ingediend_op, GROND_616A)
    if not feiten.keten:
        return
    direct = feiten.keten[0]
    yield Aansprakelijke(direct.kvk_nummer, direct.rol, feiten.ingediend_op, GROND_616A)
    mislukt = _mislukt(feiten, op)
    eerste_lijn = (feiten.werkgever_kvk, direct.kvk_nummer)  # the 616a claim
    onder = list(eerste_lijn)
    for schakel in feiten.keten[1:]:
        if any(kvk not in mislukt for kvk in onder):
            break
        sinds = max(feiten.ingediend_op, *(mislukt[kvk] for kvk in onder))
        yield Aansprakelijke(schakel.kvk_nummer, schakel.rol, sinds, GROND_616B_LID_2)
        onder.append(schakel.kvk_nummer)
    top, aanzegging = feiten.top, _aanzegging_top(feiten, op)
    if top is not None and aanzegging is not None and all(kvk in mislukt for kvk in eerste_lijn):
        einde, grond = _einde_wachttermijn(aanzegging, feiten.snelle_route, policy)
        sinds = max(einde, feiten.ingediend_op, *(mislukt[kvk] for kvk in eerste_lijn))
        yield Aansprakelijke(top.kvk_nummer, top.rol, sinds, grond)
    for schakel, sinds in _verzuim_616e(feiten, op, policy):
        yield Aansprakelijke(schakel.kvk_nummer, schakel.rol, sinds, GROND_616E)


def _mislukt(feiten: Ketenfeiten, op: date) -> dict[str, date]:
    """Per party, the first date (up to `op`) on which the claim against it failed on a lid-2 ground."""
    result: dict[str, date] = {}
    for status in sorted(feiten.statussen, key=lambda s: s.vastgesteld_op):
        if status.vastgesteld_op <= op:
            result.setdefault(status.kvk_nummer, status.vastgesteld_op)
    return result


def _aanzegging_top(feiten: Ketenfeiten, op: date) -> date | None:
    """The first written notice to the top client up to `op`: it starts the wait term."""
    top = feiten.top
    if top is None:
        return None
    return min((a.op for a in feiten.aanzeggingen if a.kvk_nummer == top.kvk_nummer and a.op <= op), default=None)


def _einde_wachttermijn(aanzegging: date, snel: bool, policy: Policy) -> tuple[date, str]:
    """The first day the top client can be claimed: notice + term + 1 day [A], with its ground."""
    sleutel, grond = ("top_wacht_snel_maanden", GROND_616B_LID_5) if snel else ("top_wacht_maanden", GROND_616B_LID_4)
    return plus_maanden(aanzegging, int(policy.value(sleutel, aanzegging))) + timedelta(days=1), grond


def _verzuim_616e(feiten: Ketenfeiten, op: date, policy: Policy) -> Iterator[tuple[Schakel, date]]:
    """Chain members asked for the chain by `op` that did not answer in time, with the day their
    out-of-turn liability starts (never before the claim was filed)."""
    schakels = {s.kvk_nummer: s for s in feiten.keten if s.kvk_nummer != feiten.werkgever_kvk}
    for verzoek in feiten.informatieverzoeken:
        schakel = schakels.get(verzoek.kvk_nummer)
        if schakel is None or verzoek.gevraagd_op > op:
            continue
        termijn = int(policy.value("keteninformatie_termijn_dagen", verzoek.gevraagd_op))
        uiterlijk = verzoek.gevraagd_op + timedelta(days=termijn)
        if verzoek.beantwoord_op is not None and verzoek.beantwoord_op <= uiterlijk:
            continue
        yield schakel, max(uiterlijk + timedelta(days=1), feiten.ingediend_op)


def snelle_route(vordering: Vordering, policy: Policy, werkdag: Callable[[date], bool] = is_werkdag) -> bool:
    """Whether lid 5's shorter wait for the top client applies (rule KETEN-SNEL, KETEN-SNEL-LAAGLOON).

    Lid 5: for >= `snelle_route_maanden` consecutive calendar months the worker received less than
    `snelle_route_pct_verschuldigd` % of the wage owed (WML plus holiday allowance; the system knows
    no cao wage) or less than `snelle_route_pct_wml` % of the WML. With `per_maand` every month is
    tested; with totals only, the period average, and only when the period covers that many whole
    calendar months [A]. Under ser2025 a wage of at most `snelle_route_wml_pct` % of the WML over the
    period also qualifies. WML here is the hours' WML, without the ser2025 income guarantee.
    """
    van = vordering.periode_van
    nodig = int(policy.value("snelle_route_maanden", van))
    if vordering.per_maand:
        reeks, vorige = 0, None
        for blok in sorted(vordering.per_maand, key=lambda b: b.van):
            maand = blok.van.replace(day=1)
            aansluitend = vorige is not None and plus_maanden(vorige, 1) == maand
            reeks = (reeks if aansluitend else 0) + 1 if _te_laag(blok, vordering, policy, werkdag) else 0
            if reeks >= nodig:
                return True
            vorige = maand
    elif volle_kalendermaanden(van, vordering.periode_tot) >= nodig and _te_laag(
        vordering.blokken[0], vordering, policy, werkdag
    ):
        return True
    if policy.value("snelle_route_laagloon_actief", van):
        wml = sum((wml_loon(b, vordering.leeftijd, policy, werkdag) for b in vordering.blokken), Decimal(0))
        return wml > 0 and vordering.betaald_bruto <= wml * policy.decimal("snelle_route_wml_pct", van) / HONDERD
    return False


def _te_laag(blok: Blok, vordering: Vordering, policy: Policy, werkdag: Callable[[date], bool]) -> bool:
    """Lid 5's test for one block: paid below the share of the wage owed or of the WML."""
    wml = wml_loon(blok, vordering.leeftijd, policy, werkdag)
    if wml == 0:
        return False
    van = vordering.periode_van
    verschuldigd = wml * (1 + policy.decimal("mvb_pct", blok.van) / HONDERD)
    return (
        blok.betaald < verschuldigd * policy.decimal("snelle_route_pct_verschuldigd", van) / HONDERD
        or blok.betaald < wml * policy.decimal("snelle_route_pct_wml", van) / HONDERD
    )
