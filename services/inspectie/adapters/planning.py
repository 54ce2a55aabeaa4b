"""What inspectie's planning reads and writes, set-based: read once per batch, write once per table.

`laad` reads, for every employer the batch is about at once, its open signals (and whether a
signal the batch may store exists already), whether it is a temporary-work agency, and its open
inspection (three statements). A region's planned visits are read the first time a record plans
there, after taking the region's planning lock (a no-op when the batch holds it already). The
handlers then work on this state in memory, so two records of one batch about one employer see
each other (one inspection), and each plan fits around the visits planned before it in the batch
(capacity per region and day is counted with them). `flush` writes what changed: one COPY of the
new signals, one upsert of the inspections (`unnest`), one update of shortages reported for
inspections not written otherwise.

Whatever is read later (an employer or region not loaded yet) is read from the database with what
the batch changed laid over it. A handler that works on the database directly (a full planning
round of a region, a visit's outcome) first `flush`es and afterwards calls `vergeet`, so what is
read next comes from the database again.

Without a batch (a handler called on its own) a state is made for the one record (`planning_van`)
and flushed when the handler is done: the same code, loading what it needs when it needs it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.inspectie.adapters.repository import IS_OPEN, OPEN, inspectie_uit_rij, log_tekorten, planning_key
from services.inspectie.domain.planning import Tekort
from services.inspectie.domain.risico import SOORTEN, Signaal, Uitzendonderneming
from shared import locks
from shared.db import Conn
from shared.envelope import CloudEvent, dumps
from shared.service import Context

# the batch's keys as `IN (SELECT unnest($n))` (docs/runtime.md, "Batch reads"), open inspections by
# the partial indexes' predicate (repository.IS_OPEN)
SIGNALEN = """
SELECT * FROM signaal WHERE werkgever_kvk IN (SELECT unnest($1::text[])) AND open
UNION
SELECT * FROM signaal WHERE bron_event_id IN (SELECT unnest($2::text[]))
"""
UITZENDONDERNEMINGEN = """
SELECT kvk_nummer, uitzendonderneming_bron, uitzendonderneming_op FROM werkgever
WHERE kvk_nummer IN (SELECT unnest($1::text[])) AND uitzendonderneming
"""
OPEN_INSPECTIES = f"""
SELECT * FROM inspectie WHERE werkgever_kvk IN (SELECT unnest($1::text[])) AND {IS_OPEN} FOR UPDATE
"""
_GEPLAND = """
SELECT inspectie_id, gepland_op, soort, uiterlijk_op FROM inspectie
WHERE regio = $1 AND status = 'gepland' AND gepland_op >= $2
"""
_BESTAAT = "SELECT EXISTS (SELECT 1 FROM signaal WHERE bron_event_id = $1)"
SIGNAAL_KOLOMMEN = ("bron_event_id", "werkgever_kvk", "soort", "waargenomen_op", "sterkte", "wetten", "aanleiding")
_BEWAAR_INSPECTIES = """
INSERT INTO inspectie (inspectie_id, werkgever_kvk, werklocatie, regio, gepland_op, soort, uiterlijk_op,
                       scope, aanleidingen, risico, status, tekort_gemeld, uitgevoerd_op)
SELECT i, k, w, r, g, s, u, ARRAY(SELECT jsonb_array_elements_text(sc)), a, ri, st, t, ui
FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::date[], $6::text[], $7::date[], $8::jsonb[],
            $9::jsonb[], $10::jsonb[], $11::text[], $12::bool[], $13::date[])
     AS n(i, k, w, r, g, s, u, sc, a, ri, st, t, ui)
ON CONFLICT (inspectie_id) DO UPDATE SET werklocatie = excluded.werklocatie, regio = excluded.regio,
  gepland_op = excluded.gepland_op, soort = excluded.soort, uiterlijk_op = excluded.uiterlijk_op,
  scope = excluded.scope, aanleidingen = excluded.aanleidingen, risico = excluded.risico,
  status = excluded.status, tekort_gemeld = excluded.tekort_gemeld, uitgevoerd_op = excluded.uitgevoerd_op
"""
TEKORT_GEMELD = "UPDATE inspectie SET tekort_gemeld = true WHERE inspectie_id IN (SELECT unnest($1::text[]))"
_JSON_VELDEN = ("werklocatie", "aanleidingen", "risico")


def _json(value: Any) -> str | None:
    return None if value is None else dumps(value).decode()


def _volgorde(s: tuple[Signaal, dict[str, str] | None]) -> tuple[date, bytes]:
    """Signals in the order they were observed, then by id (byte order, as `COLLATE "C"`)."""
    return (s[0].waargenomen_op, s[0].bron_event_id.encode())


def _signaal(r: Any) -> tuple[Signaal, dict[str, str] | None]:
    signaal = Signaal(r["soort"], r["bron_event_id"], r["waargenomen_op"], r["sterkte"], tuple(r["wetten"]))
    return signaal, json.loads(r["aanleiding"]) if r["aanleiding"] else None


def _als_gelezen(i: dict[str, Any]) -> dict[str, Any]:
    """An inspection changed in the batch as a read would return it (its JSON fields decoded again)."""
    gelezen = {"tekort_gemeld": False, "uitgevoerd_op": None, **i}
    for veld in _JSON_VELDEN:
        gelezen[veld] = json.loads(_json(i.get(veld)) or "null")
    gelezen["scope"] = list(i["scope"])
    return gelezen


@dataclass(frozen=True)
class _Geplande:
    """A visit planned in a region: what capacity and the question of displacing it need."""

    gepland_op: date
    soort: str
    uiterlijk_op: date | None


@dataclass
class _Regio:
    vanaf: date
    geplande: dict[str, _Geplande] = field(default_factory=dict)


@dataclass
class Planning:
    """What the batch's planning read, and what it changed, until `flush`."""

    conn: Conn
    signalen: dict[str, list[tuple[Signaal, dict[str, str] | None]]] = field(default_factory=dict)
    bekende_signalen: set[str] = field(default_factory=set)  # ids in the table or stored by the batch
    nagevraagd: set[str] = field(default_factory=set)  # ids the table was asked about
    uitzend: dict[str, Uitzendonderneming | None] = field(default_factory=dict)
    open_inspecties: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    regios: dict[str, _Regio] = field(default_factory=dict)
    nieuwe_signalen: list[tuple[Any, ...]] = field(default_factory=list)
    gewijzigd: dict[str, dict[str, Any]] = field(default_factory=dict)
    tekort: set[str] = field(default_factory=set)
    tekorten: list[Tekort] = field(default_factory=list)  # reported by the batch: logged at `flush`

    # -- signals ----------------------------------------------------------------------------
    async def bewaar_signaal(self, s: Signaal, kvk: str, aanleiding: dict[str, str] | None) -> bool:
        """False when a signal with this id is known already (then nothing changes)."""
        if s.bron_event_id not in self.nagevraagd:
            self.nagevraagd.add(s.bron_event_id)
            if await self.conn.fetchval(_BESTAAT, s.bron_event_id):
                self.bekende_signalen.add(s.bron_event_id)
        if s.bron_event_id in self.bekende_signalen:
            return False
        open_signalen = await self.open_signalen(kvk)
        self.bekende_signalen.add(s.bron_event_id)
        self.nieuwe_signalen.append(
            (s.bron_event_id, kvk, s.soort, s.waargenomen_op, s.sterkte, list(s.wetten), _json(aanleiding))
        )
        self.signalen[kvk] = sorted([*open_signalen, (s, aanleiding)], key=_volgorde)
        return True

    async def open_signalen(self, kvk: str) -> list[tuple[Signaal, dict[str, str] | None]]:
        if kvk not in self.signalen:
            await self._laad_signalen([kvk], [])
        return list(self.signalen[kvk])

    async def uitzendonderneming(self, kvk: str) -> Uitzendonderneming | None:
        if kvk not in self.uitzend:
            await self._laad_werkgevers([kvk], [])
        return self.uitzend[kvk]

    def uitzendonderneming_bewaard(self, kvk: str, status: Uitzendonderneming | None) -> None:
        """The payroll return stored the agency status itself: what a read would return now."""
        self.uitzend[kvk] = status

    # -- inspections --------------------------------------------------------------------------
    async def open_inspectie(self, kvk: str) -> dict[str, Any] | None:
        if kvk not in self.open_inspecties:
            await self._laad_werkgevers([kvk], [])
        inspectie = self.open_inspecties[kvk]
        return None if inspectie is None else _als_gelezen(inspectie)

    async def bezetting(self, regio: str, vanaf: date, behalve: str) -> dict[tuple[str, date], int]:
        """Visits planned per day from `vanaf` on, other than `behalve`: what one new plan must fit around."""
        bezetting: dict[tuple[str, date], int] = {}
        for inspectie_id, g in (await self._regio(regio, vanaf)).geplande.items():
            if g.gepland_op >= vanaf and inspectie_id != behalve:
                bezetting[(regio, g.gepland_op)] = bezetting.get((regio, g.gepland_op), 0) + 1
        return bezetting

    async def verdringbaar(self, regio: str, vanaf: date, uiterlijk_op: date, behalve: str) -> bool:
        """Is a planned visit there that a report due `uiterlijk_op` goes before in a full round?

        That is one not drawn at random and not yet due, with no deadline or a later one
        (domain/planning.py: earliest deadline first, late reports before risk selection)."""
        return any(
            g.gepland_op >= vanaf
            and g.soort != "steekproef"
            and inspectie_id != behalve
            and (g.uiterlijk_op is None or g.uiterlijk_op > uiterlijk_op)
            for inspectie_id, g in (await self._regio(regio, vanaf)).geplande.items()
        )

    async def bewaar_inspectie(self, i: dict[str, Any]) -> None:
        """An open inspection (waiting or planned), written at `flush`."""
        assert i["status"] in OPEN, "a visit's outcome is written by its handler itself"
        self.gewijzigd[i["inspectie_id"]] = dict(i)
        self._leg_over([i])

    async def tekort_gemeld(self, tekort: Tekort) -> None:
        self.tekorten.append(tekort)
        if gewijzigd := self.gewijzigd.get(tekort.verzoek_id):
            gewijzigd["tekort_gemeld"] = True  # the employer's open inspection is this dict (`_leg_over`)
            return
        self.tekort.add(tekort.verzoek_id)
        for inspectie in self.open_inspecties.values():
            if inspectie is not None and inspectie["inspectie_id"] == tekort.verzoek_id:
                inspectie["tekort_gemeld"] = True

    # -- loading ------------------------------------------------------------------------------
    async def _laad_werkgevers(self, kvks: list[str], signaal_ids: list[str]) -> None:
        """Signals, agency status and open inspection of these employers (each part once), with the
        batch's changes laid over them."""
        if nieuw := [kvk for kvk in kvks if kvk not in self.signalen]:
            await self._laad_signalen(nieuw, signaal_ids)
        if nieuw := [kvk for kvk in kvks if kvk not in self.uitzend]:
            self.uitzend.update(dict.fromkeys(nieuw))
            for r in await self.conn.fetch(UITZENDONDERNEMINGEN, nieuw):
                bron, op = r["uitzendonderneming_bron"], r["uitzendonderneming_op"]
                self.uitzend[r["kvk_nummer"]] = Uitzendonderneming(bron, op)
        if nieuw := [kvk for kvk in kvks if kvk not in self.open_inspecties]:
            self.open_inspecties.update(dict.fromkeys(nieuw))
            for r in await self.conn.fetch(OPEN_INSPECTIES, nieuw):
                self.open_inspecties[r["werkgever_kvk"]] = inspectie_uit_rij(r)
            self._leg_over(self.gewijzigd.values())

    async def _laad_signalen(self, kvks: list[str], signaal_ids: list[str]) -> None:
        rows = await self.conn.fetch(SIGNALEN, kvks, signaal_ids)
        self.nagevraagd.update(signaal_ids)
        gelezen: dict[str, list[tuple[Signaal, dict[str, str] | None]]] = {kvk: [] for kvk in kvks}
        for r in rows:
            self.bekende_signalen.add(r["bron_event_id"])
            if r["open"] and r["werkgever_kvk"] in gelezen:
                gelezen[r["werkgever_kvk"]].append(_signaal(r))
        for kvk, signalen in gelezen.items():
            self.signalen[kvk] = sorted(signalen, key=_volgorde)

    async def _regio(self, regio: str, vanaf: date) -> _Regio:
        """The region's planned visits from `vanaf` on, read once per batch under its planning lock."""
        geladen = self.regios.get(regio)
        if geladen is not None and geladen.vanaf <= vanaf:
            return geladen
        await locks.lock(self.conn, planning_key(regio))
        rows = await self.conn.fetch(_GEPLAND, regio, vanaf)
        self.regios[regio] = _Regio(
            vanaf, {r["inspectie_id"]: _Geplande(r["gepland_op"], r["soort"], r["uiterlijk_op"]) for r in rows}
        )
        self._leg_over(self.gewijzigd.values())
        return self.regios[regio]

    def _leg_over(self, inspecties: Iterable[dict[str, Any]]) -> None:
        """What the batch changed, laid over what was read."""
        for i in inspecties:
            kvk, inspectie_id = i["werkgever_kvk"], i["inspectie_id"]
            if kvk in self.open_inspecties:
                self.open_inspecties[kvk] = self.gewijzigd.get(inspectie_id, i)
            for naam, regio in self.regios.items():
                regio.geplande.pop(inspectie_id, None)
                if naam == i["regio"] and i["status"] == "gepland" and i["gepland_op"] >= regio.vanaf:
                    regio.geplande[inspectie_id] = _Geplande(i["gepland_op"], i["soort"], i.get("uiterlijk_op"))

    # -- writing ------------------------------------------------------------------------------
    async def flush(self, conn: Conn) -> None:
        if self.nieuwe_signalen:
            await conn.copy_records_to_table("signaal", columns=list(SIGNAAL_KOLOMMEN), records=self.nieuwe_signalen)
        if self.gewijzigd:
            rijen = list(self.gewijzigd.values())
            await conn.execute(
                _BEWAAR_INSPECTIES,
                [i["inspectie_id"] for i in rijen],
                [i["werkgever_kvk"] for i in rijen],
                [_json(i.get("werklocatie")) for i in rijen],
                [i["regio"] for i in rijen],
                [i.get("gepland_op") for i in rijen],
                [i["soort"] for i in rijen],
                [i.get("uiterlijk_op") for i in rijen],
                [_json(list(i["scope"])) for i in rijen],
                [_json(i["aanleidingen"]) for i in rijen],
                [_json(i.get("risico")) for i in rijen],
                [i["status"] for i in rijen],
                [i.get("tekort_gemeld", False) for i in rijen],
                [i.get("uitgevoerd_op") for i in rijen],
            )
        if self.tekort:
            await conn.execute(TEKORT_GEMELD, sorted(self.tekort))
        log_tekorten(self.tekorten)
        self.nieuwe_signalen, self.gewijzigd, self.tekort, self.tekorten = [], {}, set(), []

    def vergeet(self) -> None:
        """After a handler wrote to the database itself (following a `flush`): read everything again."""
        self.signalen, self.uitzend, self.open_inspecties, self.regios = {}, {}, {}, {}
        self.bekende_signalen, self.nagevraagd = set(), set()


def melding_signaal_id(melding_id: str) -> str:
    """A report is one signal, however often melding acknowledges it (a move to a new case included)."""
    return f"melding:{melding_id}"


def _signaal_ids(event: CloudEvent) -> list[str]:
    """The ids a batch may store a signal of this event under (handlers_uitlening: one per kind; a
    report's acknowledgement: its report's)."""
    event_id = event.id
    ids = [event_id, *(f"{event_id}:{soort}" for soort in sorted(SOORTEN)), f"{event_id}:overtreding"]
    melding_id = event.data.get("melding_id") if isinstance(event.data, dict) else None
    if isinstance(melding_id, str) and melding_id:
        ids.append(melding_signaal_id(melding_id))
    return ids


async def laad(conn: Conn, events: Sequence[tuple[CloudEvent, Any]]) -> Planning:
    """Three reads for the batch's employers (none when it names no employer)."""
    planning = Planning(conn)
    kvks = sorted(locks.werkgevers(event for event, _ in events))
    if kvks:
        await planning._laad_werkgevers(kvks, [i for event, _ in events for i in _signaal_ids(event)])
    return planning


@contextlib.asynccontextmanager
async def planning_van(ctx: Context) -> AsyncIterator[Planning]:
    """The batch's state, or, for a handler called without one, a state of its own flushed after it."""
    if isinstance(ctx.batch, Planning):
        yield ctx.batch
        return
    eigen = Planning(ctx.conn)
    yield eigen
    await eigen.flush(ctx.conn)
