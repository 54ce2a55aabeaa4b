"""The intake of a batch of reports, set-based: read once per batch, write once per table.

`laad` reads, for every report of the batch at once, the reports already filed under the same
references and the open cases of the employers named (two statements). The handler then works
on this state in memory, so two reports of one batch about one employer see each other: the
second is linked to the case the first opened. `flush` writes what changed with one COPY per
table (new cases, reports, audit lines) and one pipelined UPDATE for the cases that were widened.

It also holds the status and the reporters of the cases the batch moves forward: those that the
batch's `inspectie.gepland`/`herpland` events name are read in the same load (one statement more),
others when a handler asks (`lees_zaken`). A status change (`zet_status`) is told to the state at
once, so a report later in the same batch is linked, and a later event of the batch sees the
status, as they would one batch later; its audit line is copied with the others and each moved
case's last status is written in one statement at `flush`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.melding.adapters.repository import BestaandeMelding, MeldingRepository, OpenZaak, ZaakStand
from services.melding.domain.bezoek import Afsplitsing
from shared.contract.melding import MeldingIngediend
from shared.db import Conn
from shared.envelope import CloudEvent

_MELDINGEN = """
SELECT m.organisatie, m.referentie, m.melding_id, m.zaak_id, m.inhoud_hash, m.ontvangen_op, m.uiterlijk_inspectie_op
FROM melding m JOIN unnest($1::text[], $2::text[]) AS r(organisatie, referentie) USING (organisatie, referentie)
"""
OPEN_ZAKEN = """
SELECT z.werkgever_kvk, z.zaak_id, z.status, z.categorieen, z.laatste_melding_op,
       array_agg(DISTINCT m.organisatie) AS organisaties
FROM zaak z JOIN melding m USING (zaak_id)
WHERE z.werkgever_kvk IN (SELECT unnest($1::text[])) AND z.status <> 'gesloten'
GROUP BY z.zaak_id
"""
_VERBREED = """
UPDATE zaak SET categorieen = ARRAY(SELECT DISTINCT unnest(categorieen || $2::text[]) ORDER BY 1),
                scope = ARRAY(SELECT DISTINCT unnest(scope || $3::text[]) ORDER BY 1),
                laatste_melding_op = greatest(laatste_melding_op, $4)
WHERE zaak_id = $1
"""
_ZET_STATUS = """
UPDATE zaak SET status = u.status, resultaat = coalesce(u.resultaat, zaak.resultaat)
FROM unnest($1::text[], $2::text[], $3::text[]) AS u(zaak_id, status, resultaat) WHERE zaak.zaak_id = u.zaak_id
"""
ZAAK_KOLOMMEN = (
    "zaak_id",
    "werkgever_kvk",
    "status",
    "categorieen",
    "scope",
    "gemeentecode",
    "geopend_op",
    "laatste_melding_op",
    "uiterlijk_inspectie_op",
)
MELDING_KOLOMMEN = (
    "melding_id",
    "organisatie",
    "referentie",
    "melder_soort",
    "zaak_id",
    "inhoud_hash",
    "categorieen",
    "ontvangen_op",
    "uiterlijk_inspectie_op",
    "data",
)
AUDIT_KOLOMMEN = ("zaak_id", "tijd", "van_status", "naar_status", "omschrijving", "event_id")
PLAN_TYPES = ("nl.waardigwerk.inspectie.gepland", "nl.waardigwerk.inspectie.herpland")


def geplande_zaken(data: Any) -> list[str]:
    """The cases a plan names (its `aanleidingen` of soort `melding`); what is not one is skipped here
    and met by the handler."""
    aanleidingen = data.get("aanleidingen") if isinstance(data, dict) else None
    if not isinstance(aanleidingen, list):
        return []
    return [
        a["id"]
        for a in aanleidingen
        if isinstance(a, dict) and a.get("soort") == "melding" and isinstance(a.get("id"), str)
    ]


@dataclass
class Intake:
    """What the batch's reports read, and what they wrote, until `flush`."""

    meldingen: dict[tuple[str, str], BestaandeMelding] = field(default_factory=dict)
    open_zaken: dict[str, list[OpenZaak]] = field(default_factory=dict)
    nieuwe_zaken: list[tuple[Any, ...]] = field(default_factory=list)
    nieuwe_meldingen: list[tuple[Any, ...]] = field(default_factory=list)
    audit_regels: list[tuple[Any, ...]] = field(default_factory=list)
    verbreed: dict[str, tuple[set[str], set[str], date]] = field(default_factory=dict)
    zaken: dict[str, ZaakStand] = field(default_factory=dict)  # cases the batch moves forward
    gewijzigd: dict[str, None] = field(default_factory=dict)  # the ones it moved, in order

    # -- reading --------------------------------------------------------------------------
    def melding_met_referentie(self, organisatie: str, referentie: str) -> BestaandeMelding | None:
        return self.meldingen.get((organisatie, referentie))

    def open_zaken_van(self, kvk: str) -> list[OpenZaak]:
        return list(self.open_zaken.get(kvk, []))

    async def lees_zaken(self, conn: Conn, zaak_ids: Sequence[str]) -> dict[str, ZaakStand]:
        """The status and reporters of these cases (row-locked), read once per batch: only the ones
        not read before are read, in one statement. A case not (yet) stored is left out."""
        nieuw = sorted(set(zaak_ids) - self.zaken.keys())
        if nieuw:
            gelezen = await MeldingRepository(conn).status_en_melders(nieuw)
            for melding in self.nieuwe_meldingen:  # reports of this batch, not yet written
                if melding[4] in gelezen:
                    gelezen[melding[4]].melders.append((melding[1], melding[2]))
            self.zaken.update(gelezen)
        return {z: self.zaken[z] for z in zaak_ids if z in self.zaken}

    # -- writing ----------------------------------------------------------------------------
    def open_zaak(
        self,
        zaak_id: str,
        kvk: str,
        categorieen: list[str],
        scope: list[str],
        gemeentecode: str | None,
        ontvangen_op: date,
        uiterlijk: date,
        organisatie: str,
    ) -> None:
        self.nieuwe_zaken.append(
            (zaak_id, kvk, "ontvangen", categorieen, scope, gemeentecode, ontvangen_op, ontvangen_op, uiterlijk)
        )
        zaak = OpenZaak(zaak_id, "ontvangen", tuple(categorieen), ontvangen_op, (organisatie,))
        self.open_zaken.setdefault(kvk, []).append(zaak)

    def voeg_toe_aan_zaak(
        self, kvk: str, zaak_id: str, categorieen: list[str], scope: list[str], op: date, organisatie: str
    ) -> None:
        """A linked report widens the case: categories and scope grow, the latest report date moves."""
        cats, scopes, laatste = self.verbreed.get(zaak_id, (set(), set(), op))
        self.verbreed[zaak_id] = (cats | set(categorieen), scopes | set(scope), max(laatste, op))
        self.open_zaken[kvk] = [
            dataclasses.replace(
                z,
                categorieen=tuple(sorted(set(z.categorieen) | set(categorieen))),
                laatste_melding_op=max(z.laatste_melding_op, op),
                organisaties=tuple(sorted(set(z.organisaties) | {organisatie})),
            )
            if z.zaak_id == zaak_id
            else z
            for z in self.open_zaken.get(kvk, [])
        ]

    def bewaar_melding(
        self,
        melding_id: str,
        melder: Any,
        zaak_id: str,
        inhoud_hash: str,
        categorieen: list[str],
        ontvangen_op: date,
        uiterlijk: date,
        data: dict[str, Any],
    ) -> None:
        self.nieuwe_meldingen.append(
            (
                melding_id,
                melder.organisatie,
                melder.referentie,
                melder.soort,
                zaak_id,
                inhoud_hash,
                categorieen,
                ontvangen_op,
                uiterlijk,
                json.dumps(data),
            )
        )
        if zaak_id in self.zaken:
            self.zaken[zaak_id].melders.append((melder.organisatie, melder.referentie))
        key = (melder.organisatie, melder.referentie)
        self.meldingen[key] = BestaandeMelding(melding_id, zaak_id, inhoud_hash, ontvangen_op, uiterlijk)

    def audit(self, zaak_id: str, naar: str, omschrijving: str, tijd: datetime, event_id: str) -> None:
        self.audit_regels.append((zaak_id, tijd, None, naar, omschrijving, event_id))

    def zet_status(
        self,
        zaak_id: str,
        van: str | None,
        naar: str,
        omschrijving: str,
        tijd: datetime,
        event_id: str,
        resultaat: str | None = None,
    ) -> None:
        """A handler of the batch moves a case: its audit line now, its status (the last one the batch
        gave it) at `flush`; a closed case takes no new reports of the batch."""
        self.audit_regels.append((zaak_id, tijd, van, naar, omschrijving, event_id))
        self.gewijzigd[zaak_id] = None
        stand = self.zaken.get(zaak_id)
        if stand is not None:
            stand.status, stand.resultaat = naar, resultaat or stand.resultaat
        for kvk, zaken in self.open_zaken.items():
            self.open_zaken[kvk] = [
                dataclasses.replace(z, status=naar) if z.zaak_id == zaak_id else z
                for z in zaken
                if not (z.zaak_id == zaak_id and naar == "gesloten")
            ]

    def heeft_nieuwe_meldingen(self, zaak_id: str) -> bool:
        """Whether the batch filed reports in this case that are not written yet."""
        return any(m[4] == zaak_id for m in self.nieuwe_meldingen)

    def afgesplitst(
        self,
        van_zaak_id: str,
        zaak_id: str,
        kvk: str,
        nieuw: Afsplitsing,
        omschrijving: tuple[str, str],
        status: str,
        tijd: datetime,
        event_id: str,
    ) -> None:
        """The reports of `nieuw` moved (written at once, `MeldingRepository.splits_af`) from `van_zaak_id`
        to the new open case `zaak_id`: a later report of the batch can join it, a re-send names it, and
        the old case's reporters are theirs no more. One audit line on each case."""
        verplaatst = {(m.organisatie, m.referentie) for m in nieuw.meldingen}
        zaak = OpenZaak(
            zaak_id,
            "ontvangen",
            tuple(nieuw.categorieen),
            nieuw.laatste_melding_op,
            tuple(sorted({o for o, _ in verplaatst})),
        )
        self.open_zaken.setdefault(kvk, []).append(zaak)
        for key in verplaatst & self.meldingen.keys():
            self.meldingen[key] = dataclasses.replace(self.meldingen[key], zaak_id=zaak_id)
        if (stand := self.zaken.get(van_zaak_id)) is not None:
            stand.melders = [m for m in stand.melders if m not in verplaatst]
        self.audit_regels.append((van_zaak_id, tijd, status, status, omschrijving[0], event_id))
        self.audit_regels.append((zaak_id, tijd, None, "ontvangen", omschrijving[1], event_id))

    async def flush(self, conn: Conn) -> None:
        if self.nieuwe_zaken:
            await conn.copy_records_to_table("zaak", columns=list(ZAAK_KOLOMMEN), records=self.nieuwe_zaken)
        if self.verbreed:
            await conn.executemany(
                _VERBREED, [(z, sorted(c), sorted(sc), op) for z, (c, sc, op) in self.verbreed.items()]
            )
        if self.gewijzigd:
            standen = [(z, self.zaken[z].status, self.zaken[z].resultaat) for z in self.gewijzigd]
            await conn.execute(_ZET_STATUS, *map(list, zip(*standen, strict=True)))
        if self.nieuwe_meldingen:
            await conn.copy_records_to_table("melding", columns=list(MELDING_KOLOMMEN), records=self.nieuwe_meldingen)
        if self.audit_regels:
            await conn.copy_records_to_table("zaak_audit", columns=list(AUDIT_KOLOMMEN), records=self.audit_regels)
        self.nieuwe_zaken, self.nieuwe_meldingen, self.audit_regels, self.verbreed = [], [], [], {}
        self.gewijzigd = {}


async def laad(conn: Conn, events: Sequence[tuple[CloudEvent, Any]]) -> Intake:
    """Two reads for the batch's reports (none when it holds none), one for the cases it plans."""
    meldingen = [payload for _, payload in events if isinstance(payload, MeldingIngediend)]
    intake = Intake()
    gepland = [z for event, payload in events if event.type in PLAN_TYPES for z in geplande_zaken(payload)]
    if gepland:
        await intake.lees_zaken(conn, gepland)
    if not meldingen:
        return intake
    refs = sorted({(m.melder.organisatie, m.melder.referentie) for m in meldingen})
    for r in await conn.fetch(_MELDINGEN, [o for o, _ in refs], [ref for _, ref in refs]):
        intake.meldingen[(r["organisatie"], r["referentie"])] = BestaandeMelding(
            r["melding_id"], r["zaak_id"], r["inhoud_hash"], r["ontvangen_op"], r["uiterlijk_inspectie_op"]
        )
    kvks = sorted({m.werkgever.kvk_nummer for m in meldingen})
    for r in await conn.fetch(OPEN_ZAKEN, kvks):
        zaak = OpenZaak(
            r["zaak_id"], r["status"], tuple(r["categorieen"]), r["laatste_melding_op"], tuple(r["organisaties"])
        )
        intake.open_zaken.setdefault(r["werkgever_kvk"], []).append(zaak)
    return intake
