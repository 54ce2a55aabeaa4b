"""Chain liability for unpaid wages (BW 7:616a-f, domain-rules §4): who can be claimed, since when
and on which ground, from the facts gathered about one claim.

Rules, each named by the article that `grond` reports:

- BW 7:616a: the employer and the direct client (`keten[0]`), jointly, from the day the claim was filed.
- BW 7:616b lid 2: the next client up, one level at a time, once the claim failed against every
  party below it (employer included) on one of the lid-2 grounds (untraceable, not registered,
  bankrupt, unenforceable, or a client exculpated by a court). "The risk stays first with the
  employer and direct client" (SER rec. 4): a client exculpating itself does not pass the claim up
  while the employer can still be claimed. Liable from the last of those failures.
- BW 7:616b lid 4 / lid 5: the top client (the highest `hoofdopdrachtgever`, else the last link)
  once the 616a claim failed (employer and direct client), every level between the direct client
  and the top was claimed in turn, and the wait term after the worker's written notice has passed:
  notice + `top_wacht_maanden` (lid 5: `top_wacht_snel_maanden`) + 1 day. A level counts as
  claimed from the first `aanzegging` to it, or from the first failure recorded against it (a claim
  that failed was made) [A]; the filed claim itself is the claim on the employer and the direct
  client [A]. Liable from the last of all these dates.
- BW 7:616e: a client the worker asked for the chain (`keteninformatie_gevraagd`; the system makes
  no request of its own) that has not answered within `keteninformatie_termijn_dagen` is liable out
  of turn from the day after the term, even if it answers later.

Nothing outstanding, nobody liable: a claim established at EUR 0, or paid in full by `op` (the
payments dated up to `op`), has no one to claim from, so no party is liable and no term after that
day is planned.

The chain runs in hiring order (`keten_in_volgorde`): each source gives a run of parties from lower
to higher (the filed chain from the employer up, an answer from the party answering up through the
parties it names), and a party the chain got to know later can still sit lower in it. Where the
facts disagree the earlier one wins, and the filed chain is the earliest: its direct client stays
`keten[0]` and its `hoofdopdrachtgever` stays on top, whatever an answer says. Parties no fact places
keep the order they became known in, after the part linked to the employer and below a
`hoofdopdrachtgever`. A party no usable link ties in from the employer up (`Ketenfeiten.los`) is no
step of the walk up: 616a, lid 2 and lid 4 run along the parties tied in (`Ketenfeiten.gekoppeld`),
and such a party is reachable only under 616e until an answer ties it in. A party a party tied in
names is tied in: one the facts place below the party naming it (the filed top's contract partner)
is a level between the direct client and that party.

A court's exculpation (`gedisculpeerd`) frees that client from its date on. Other failure grounds
leave the party liable (the debt stays; it just cannot be collected there). A party liable on
several grounds is listed once, with the earliest date. Facts dated after `op` are not known yet
on `op`. Parties outside the known chain are ignored: a party names its place in the chain first
(`keteninformatie`), then the rules can reach it.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from services.loonvordering.domain.betaling import Betaling, saldo
from shared.contract.loonvordering import Rol, StatusSoort
from shared.maanden import plus_maanden
from shared.policy import Policy

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

    `bedrag_eur` is the amount established and `betalingen` the payments against it.
    `snelle_route` says whether lid 5's shorter wait applies (see `snelle_route`). `los`: the parties
    of `keten` that no usable link ties into the chain from the employer up (`geordende_keten`): they
    are no step of the walk up (616a, lid 2) nor a level or the top (lid 4), only liable under 616e.
    """

    werkgever_kvk: str
    keten: tuple[Schakel, ...]
    ingediend_op: date
    bedrag_eur: Decimal
    betalingen: tuple[Betaling, ...] = ()
    statussen: tuple[PartijStatus, ...] = ()
    aanzeggingen: tuple[Aanzegging, ...] = ()
    informatieverzoeken: tuple[Informatieverzoek, ...] = ()
    snelle_route: bool = False
    los: frozenset[str] = frozenset()

    @cached_property
    def gekoppeld(self) -> tuple[Schakel, ...]:
        """The chain the walk up runs along: `keten` without the parties in `los`."""
        return tuple(s for s in self.keten if s.kvk_nummer not in self.los)

    @cached_property
    def top(self) -> Schakel | None:
        """The top client, when it is not the direct client (who is liable from the start anyway): the
        highest `hoofdopdrachtgever` (a filed one sits above any named later), else the last link."""
        if not (keten := self.gekoppeld):
            return None
        kandidaat = next((s for s in reversed(keten) if s.rol == "hoofdopdrachtgever"), keten[-1])
        return None if kandidaat == keten[0] else kandidaat

    def openstaand(self, op: date) -> Decimal:
        """What is still owed on `op`: the amount less the payments made by then (never below 0)."""
        return saldo(self.bedrag_eur, self.betalingen, op).open_eur

    @cached_property
    def geldige_statussen(self) -> tuple[PartijStatus, ...]:
        """The statuses that count: disculpatie frees a client (616a-2, 616b-3), never the employer,
        so one recorded for the employer neither frees it nor makes the claim on it fail."""
        return tuple(
            s for s in self.statussen if not (s.status == "gedisculpeerd" and s.kvk_nummer == self.werkgever_kvk)
        )


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


def beantwoord(
    verzoeken: Iterable[tuple[str, date]], antwoorden: Mapping[str, Iterable[date]]
) -> Iterator[Informatieverzoek]:
    """Each request (party, date) with the first answer of that party on or after the request's date,
    whatever order the two arrived in (an answer may be recorded before the worker's request is)."""
    for kvk, gevraagd_op in verzoeken:
        na = [d for d in antwoorden.get(kvk, ()) if d >= gevraagd_op]
        yield Informatieverzoek(kvk, gevraagd_op, min(na, default=None))


def bruikbaar(werkgever_kvk: str, door: str, kvks: Sequence[str]) -> list[int]:
    """The positions in `kvks`, the parties `door` names upward from its contract partner, that say
    something about the chain: only those after `door`'s own last mention (what lies at or below
    itself says nothing about its clients), never the employer (the debtor, not a client in its own
    chain) and each party once, where it first appears. An answer is taken as far as it can be
    understood: the rest is left out, not refused."""
    eigen = max((i for i, kvk in enumerate(kvks) if kvk == door), default=-1)
    gezien: set[str] = set()
    posities: list[int] = []
    for i in range(eigen + 1, len(kvks)):
        if (kvk := kvks[i]) != werkgever_kvk and kvk not in gezien:
            gezien.add(kvk)
            posities.append(i)
    return posities


def niets_bruikbaars(werkgever_kvk: str, direct: str | None, door: str, kvks: Sequence[str]) -> bool:
    """Whether a non-empty answer of `door` leaves nothing `bruikbaar` and is not a complete 616e
    answer as it is: the party naming only itself ("I am the top"), or the direct client naming the
    employer as its contract partner (then maybe itself as the top)."""
    if not kvks or bruikbaar(werkgever_kvk, door, kvks):
        return False
    volledig = [[door]] + ([[werkgever_kvk], [werkgever_kvk, door]] if door == direct else [])
    return list(kvks) not in volledig


class Keten(NamedTuple):
    """The known clients in hiring order, and those of them no usable link ties in (`Ketenfeiten.los`)."""

    schakels: tuple[Schakel, ...]
    los: frozenset[str]


def keten_in_volgorde(
    werkgever_kvk: str, schakels: Sequence[Schakel], lijnen: Iterable[Sequence[str]]
) -> tuple[Schakel, ...]:
    """The known clients in hiring order (`geordende_keten`)."""
    return geordende_keten(werkgever_kvk, schakels, lijnen).schakels


def geordende_keten(werkgever_kvk: str, schakels: Sequence[Schakel], lijnen: Iterable[Sequence[str]]) -> Keten:
    """The known clients (`schakels`, each once, in the order they became known) from the direct
    client upward by who hires whom. `lijnen`: runs of KvK numbers, each from lower to higher as one
    source gave them, earliest source first: the filed chain's (from the employer up), then each
    answer's (from the answering party up through the parties it names, as `bruikbaar` reads them).
    A run may pass parties not (yet) in the chain; an answering party outside the chain only passes
    its partner on. What links reach up from the employer comes first; a part of the chain not (yet)
    linked to it follows. A party that no link reaches from the employer up (through the parties
    tied in, a filed or named `hoofdopdrachtgever` included) and no party tied in names is `los`: it
    has its place in the order, but the walk up passes it by until an answer ties it in. A party
    tied in names no `los` party: one its link cannot place above it (a top's contract partner, fixed
    below the top) is a level above the direct client (the chain is linear).

    The filed chain is the earliest fact: its direct client stays the direct client (no link puts a
    party below it or next to it above the employer), and a filed `hoofdopdrachtgever` sits above every
    other party. A `hoofdopdrachtgever` named later sits above every other client from the first run
    that names it on: a later link cannot put a party above it. The employer is never a client: it is
    left out of the chain, and of a run anywhere but at its start.

    Each distinct run and each distinct link is weighed once, so the work grows with the number of
    runs, and with the chain's size (bounded per claim) for the links that are new."""
    schakels = [s for s in schakels if s.kvk_nummer != werkgever_kvk]
    bekend = {s.kvk_nummer for s in schakels}
    runs = iter(lijnen)
    gemeld = _als_lijn(werkgever_kvk, next(runs, (werkgever_kvk,)), bekend)
    direct = gemeld[1] if len(gemeld) > 1 and gemeld[0] == werkgever_kvk else None
    toppen = {s.kvk_nummer for s in schakels if s.rol == "hoofdopdrachtgever"} - {direct}
    gemelde_toppen = toppen & set(gemeld)
    nog_niet = [s.kvk_nummer for s in schakels if s.kvk_nummer in toppen]  # roles not applied yet
    boven: dict[str, set[str]] = {}  # party -> the parties directly above it
    onder: dict[str, set[str]] = {}  # party -> the parties directly below it
    genoemd: dict[str, set[str]] = {}  # a party of the chain -> the parties its answers name
    gezien: set[tuple[str, ...]] = set()
    for nummer, (door, lijn) in enumerate(
        ((None, gemeld), *((r[0] if r else None, _als_lijn(werkgever_kvk, r, bekend)) for r in runs))
    ):
        if door in bekend:  # a party of the chain answering: what it names (an outsider's run names nothing)
            genoemd.setdefault(door, set()).update(lijn[1:])
        if (sleutel := tuple(lijn)) in gezien:
            continue
        gezien.add(sleutel)
        for laag, hoog in pairwise(lijn):
            if direct is not None and (hoog == direct) != (laag == werkgever_kvk):
                continue  # nothing below the filed direct client, nothing else straight above the employer
            _onder(boven, onder, laag, hoog)
        in_lijn = set(lijn)
        for top in [t for t in nog_niet if t in in_lijn]:
            nog_niet.remove(top)
            buiten = gemelde_toppen if nummer == 0 else toppen  # a filed top is above later ones too
            _bovenaan(boven, onder, top, [s.kvk_nummer for s in schakels if s.kvk_nummer not in buiten])
    for top in nog_niet:
        _bovenaan(boven, onder, top, [s.kvk_nummer for s in schakels if s.kvk_nummer not in toppen])
    rang = {s.kvk_nummer: i for i, s in enumerate(schakels)}
    verbonden = _verbonden(boven, onder, genoemd, werkgever_kvk, direct)
    eronder = dict.fromkeys(set(rang) | _erboven(boven, *boven), 0)
    for direct_boven in boven.values():
        for kvk in direct_boven:
            eronder[kvk] += 1

    def plaats(kvk: str) -> tuple[bool, int, str]:
        """Lowest first; among parties free to go next: linked to the employer before not, then the
        one known longest, parties outside the chain before any (they only pass their links on)."""
        return kvk not in verbonden, rang.get(kvk, -1), kvk

    klaar = [plaats(kvk) for kvk, n in eronder.items() if n == 0]
    heapq.heapify(klaar)
    volgorde: list[str] = []
    while klaar:
        *_, kvk = heapq.heappop(klaar)
        if kvk in rang:
            volgorde.append(kvk)
        for hoger in boven.get(kvk, ()):
            eronder[hoger] -= 1
            if eronder[hoger] == 0:
                heapq.heappush(klaar, plaats(hoger))
    return Keten(tuple(schakels[rang[kvk]] for kvk in volgorde), frozenset(rang.keys() - verbonden))


def _verbonden(
    boven: dict[str, set[str]],
    onder: dict[str, set[str]],
    genoemd: Mapping[str, set[str]],
    werkgever_kvk: str,
    direct: str | None,
) -> set[str]:
    """The employer and the parties tied in: every party a link reaches from the employer up, and
    every party a party tied in names (and what lies above it). A named party whose link was dropped
    (a top's contract partner, fixed below it; one an earlier link put below the party naming it)
    is a level between the filed direct client and the party naming it: the chain is linear, so it
    is recorded above the direct client (nothing lies below that but the employer)."""
    verbonden: set[str] = set()
    open_ = [werkgever_kvk]
    while open_:
        if (kvk := open_.pop()) in verbonden:
            continue
        verbonden.add(kvk)
        open_.extend(boven.get(kvk, ()))
        for naam in genoemd.get(kvk, ()):
            if naam not in verbonden:
                if direct is not None and naam != direct:
                    _onder(boven, onder, direct, naam)
                open_.append(naam)
    return verbonden


def _als_lijn(werkgever_kvk: str, lijn: Sequence[str], bekend: set[str]) -> list[str]:
    """A run as it can count: its source, then the parties it names as `bruikbaar` reads them. An
    answering party outside the chain (`bekend`) is left out: it is not placed, only its partner."""
    if not lijn:
        return []
    door, genoemd = lijn[0], lijn[1:]
    rest = [genoemd[i] for i in bruikbaar(werkgever_kvk, door, genoemd)]
    return [door, *rest] if door == werkgever_kvk or door in bekend else rest


def _bovenaan(boven: dict[str, set[str]], onder: dict[str, set[str]], top: str, lager: Iterable[str]) -> None:
    """Record that `top` sits above every party of `lager` that no earlier link puts above it."""
    erboven = _erboven(boven, top)  # links under `top` do not change what lies above it
    for kvk in lager:
        if kvk not in erboven and kvk != top:
            boven.setdefault(kvk, set()).add(top)
            onder.setdefault(top, set()).add(kvk)


def _erboven(boven: Mapping[str, set[str]], *van: str) -> set[str]:
    """`van` and every party above them through the links."""
    gezien: set[str] = set()
    open_ = list(van)
    while open_:
        if (kvk := open_.pop()) not in gezien:
            gezien.add(kvk)
            open_.extend(boven.get(kvk, ()))
    return gezien


def _onder(boven: dict[str, set[str]], onder: dict[str, set[str]], laag: str, hoog: str) -> None:
    """Record that `hoog` hires `laag`, unless it is known already or an earlier link says otherwise
    (`laag` above `hoog`)."""
    if hoog in boven.get(laag, ()) or laag == hoog or _ligt_boven(boven, onder, laag, hoog):
        return
    boven.setdefault(laag, set()).add(hoog)
    onder.setdefault(hoog, set()).add(laag)


def _ligt_boven(boven: Mapping[str, set[str]], onder: Mapping[str, set[str]], laag: str, hoog: str) -> bool:
    """Whether the links put `laag` above `hoog`: searched up from `hoog` and down from `laag` in
    turn, so it costs about what the smaller side holds (a chain answered from the top down, one
    link at a time, or filed from the bottom up, costs a step per link)."""
    op, neer = [hoog], [laag]
    boven_hoog, onder_laag = {hoog}, {laag}
    while op and neer:
        for kvk in boven.get(op.pop(), ()):
            if kvk in onder_laag:
                return True
            if kvk not in boven_hoog:
                boven_hoog.add(kvk)
                op.append(kvk)
        for kvk in onder.get(neer.pop(), ()):
            if kvk in boven_hoog:
                return True
            if kvk not in onder_laag:
                onder_laag.add(kvk)
                neer.append(kvk)
    return False


def aansprakelijken(feiten: Ketenfeiten, op: date, policy: Policy) -> list[Aansprakelijke]:
    """Every party liable on `op`, earliest first (the employer first on a tie, then up the chain);
    nobody when nothing is outstanding on `op`."""
    if op < feiten.ingediend_op or feiten.openstaand(op) == 0:
        return []
    vrij = {s.kvk_nummer for s in feiten.geldige_statussen if s.status == "gedisculpeerd" and s.vastgesteld_op <= op}
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
    (yet) determined, e.g. before the notice or the failure of the 616a claim, or after exculpation,
    and None when nothing was outstanding any more on that date (a payment after it leaves it)."""
    top = feiten.top
    if top is None:
        return None
    vanaf = next((a.sinds for a in _ooit_aansprakelijk(feiten, policy) if a.kvk_nummer == top.kvk_nummer), None)
    return vanaf if vanaf is not None and feiten.openstaand(vanaf) > 0 else None


def volgende_termijnen(feiten: Ketenfeiten, policy: Policy, na: date | None = None) -> list[Termijn]:
    """Dates (after `na`, when given) on which liability may change without a new event: a 616e
    term running out, the end of the top client's wait term, and the day the top client becomes
    liable on lid 4/5 when a later-dated fact (a level's claim, a failure) sets it. Sorted, without
    duplicates; none from the day nothing is outstanding."""
    termijnen = {Termijn(sinds, GROND_616E) for _, sinds in _verzuim_616e(feiten, date.max, policy)}
    top, aanzegging = feiten.top, _aanzegging_top(feiten, date.max)
    if top is not None and aanzegging is not None:
        termijnen.add(Termijn(*_einde_wachttermijn(aanzegging, feiten.snelle_route, policy)))
        vanaf = [
            a
            for a in _ooit_aansprakelijk(feiten, policy)
            if a.kvk_nummer == top.kvk_nummer and a.grond in (GROND_616B_LID_4, GROND_616B_LID_5)
        ]
        termijnen.update(Termijn(a.sinds, a.grond) for a in vanaf)
    return sorted(t for t in termijnen if (na is None or t.datum > na) and feiten.openstaand(t.datum) > 0)


def _ooit_aansprakelijk(feiten: Ketenfeiten, policy: Policy) -> list[Aansprakelijke]:
    """Every party the facts make liable on some day, with the day, as if nothing were paid: asked on
    `date.max` every payment counts, so a claim paid in full would name no one. The callers keep a
    date only when something was still outstanding on it."""
    return aansprakelijken(dataclasses.replace(feiten, betalingen=()), date.max, policy)


def _kandidaten(feiten: Ketenfeiten, op: date, policy: Policy) -> Iterator[Aansprakelijke]:
    """Every (party, since, ground) that a rule yields on `op`; `aansprakelijken` keeps the earliest."""
    yield Aansprakelijke(feiten.werkgever_kvk, WERKGEVER, feiten.ingediend_op, GROND_616A)
    keten = feiten.gekoppeld
    if keten:
        yield from _in_de_keten(feiten, keten, op, policy)
    for schakel, sinds in _verzuim_616e(feiten, op, policy):
        yield Aansprakelijke(schakel.kvk_nummer, schakel.rol, sinds, GROND_616E)


def _in_de_keten(feiten: Ketenfeiten, keten: tuple[Schakel, ...], op: date, policy: Policy) -> Iterator[Aansprakelijke]:
    """616a, lid 2 and lid 4/5 along `keten`, the parties tied into the chain, the direct client first."""
    direct = keten[0]
    yield Aansprakelijke(direct.kvk_nummer, direct.rol, feiten.ingediend_op, GROND_616A)
    mislukt = _mislukt(feiten, op)
    eerste_lijn = (feiten.werkgever_kvk, direct.kvk_nummer)  # the 616a claim
    onder = list(eerste_lijn)
    for schakel in keten[1:]:
        if any(kvk not in mislukt for kvk in onder):
            break
        sinds = max(feiten.ingediend_op, *(mislukt[kvk] for kvk in onder))
        yield Aansprakelijke(schakel.kvk_nummer, schakel.rol, sinds, GROND_616B_LID_2)
        onder.append(schakel.kvk_nummer)
    top, aanzegging = feiten.top, _aanzegging_top(feiten, op)
    if top is not None and aanzegging is not None and all(kvk in mislukt for kvk in eerste_lijn):
        aangesproken = _niveaus_aangesproken(feiten, top, op)
        if aangesproken is not None:
            einde, grond = _einde_wachttermijn(aanzegging, feiten.snelle_route, policy)
            sinds = max(einde, aangesproken, *(mislukt[kvk] for kvk in eerste_lijn))
            yield Aansprakelijke(top.kvk_nummer, top.rol, sinds, grond)


def _mislukt(feiten: Ketenfeiten, op: date) -> dict[str, date]:
    """Per party, the first date (up to `op`) on which the claim against it failed on a lid-2 ground."""
    result: dict[str, date] = {}
    for status in sorted(feiten.geldige_statussen, key=lambda s: s.vastgesteld_op):
        if status.vastgesteld_op <= op:
            result.setdefault(status.kvk_nummer, status.vastgesteld_op)
    return result


def _aanzegging_top(feiten: Ketenfeiten, op: date) -> date | None:
    """The first written notice to the top client up to `op`: it starts the wait term."""
    top = feiten.top
    if top is None:
        return None
    return min((a.op for a in feiten.aanzeggingen if a.kvk_nummer == top.kvk_nummer and a.op <= op), default=None)


def _niveaus_aangesproken(feiten: Ketenfeiten, top: Schakel, op: date) -> date | None:
    """Lid 4: the date by which every level between the direct client and the top was claimed (the
    filing date when there is none), or None while a level has not been claimed by `op`."""
    laatste = feiten.ingediend_op
    keten = feiten.gekoppeld
    for schakel in keten[1 : keten.index(top)]:
        data = [a.op for a in feiten.aanzeggingen if a.kvk_nummer == schakel.kvk_nummer and a.op <= op]
        data += [
            s.vastgesteld_op
            for s in feiten.geldige_statussen
            if s.kvk_nummer == schakel.kvk_nummer and s.vastgesteld_op <= op
        ]
        if not data:
            return None
        laatste = max(laatste, min(data))
    return laatste


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
