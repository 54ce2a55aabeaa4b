"""inspectie's handlers: signals in, plans out; after a visit, fines, back-pay windows and stoppages.

The rules are in `domain`; a handler loads what they need, applies them and records the outcome."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import structlog

from services.inspectie.adapters.planning import Planning, melding_signaal_id, planning_van
from services.inspectie.adapters.repository import InspectieRepository, planning_key
from services.inspectie.domain.boetes import Boete, NietBeoordeeld, OnvoldoendeGegevens, boete
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding
from services.inspectie.domain.planning import Tekort, Verzoek, plan, regio_voor, werklocatie_na
from services.inspectie.domain.risico import Signaal, Uitzendonderneming, boven_drempel, loonaangifte_sterkte, score
from services.inspectie.domain.sancties import (
    Stillegging,
    afloop,
    herstelbetaling,
    stillegging,
    waarschuwing_na,
)
from services.inspectie.domain.scope import scope
from shared.contract.belastingdienst import Loonaangifte, Omzet
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.inspectie import Betaalbewijs, InspectieUitgevoerd
from shared.db import Conn
from shared.envelope import CloudEvent
from shared.feitsleutel import eerste_keer, feit
from shared.locks import werkgever_key, werkgevers
from shared.policy import Policy
from shared.service import AMSTERDAM, Context, Rejected
from shared.werkdagen import werkdagen_na

log = structlog.get_logger()
GEPLAND = "nl.waardigwerk.inspectie.gepland"
HERPLAND = "nl.waardigwerk.inspectie.herpland"
TEKORT = "nl.waardigwerk.inspectie.capaciteitstekort"
AFGEROND = "nl.waardigwerk.inspectie.afgerond"
BOETE_OPGELEGD = "nl.waardigwerk.inspectie.boete_opgelegd"
BOETE_VERVALLEN = "nl.waardigwerk.inspectie.boete_vervallen"
BOETE_DEFINITIEF = "nl.waardigwerk.inspectie.boete_definitief"
STILLEGGING = "nl.waardigwerk.inspectie.stillegging_bevolen"
ONDERBETALING = "nl.waardigwerk.inspectie.onderbetaling_vastgesteld"
HERSTEL_TIMER = "herstelbetaling"


def einde_van_dag(dag: date) -> datetime:
    return datetime.combine(dag + timedelta(days=1), time(0, 0), tzinfo=AMSTERDAM)


def steekproef(kvk: str, op: date, pct: int) -> bool:
    """The random share: a deterministic draw per employer per ISO week, so it can be repeated and audited."""
    jaar, week, _ = op.isocalendar()
    return int(hashlib.sha256(f"{kvk}:{jaar}-{week}".encode()).hexdigest(), 16) % 100 < pct


def stappen(berekening: Any) -> list[dict[str, Any]]:
    return [dataclasses.asdict(stap) for stap in berekening]


# -- two replicas -------------------------------------------------------------------------------
async def sloten_per_batch(conn: Conn, events: Sequence[CloudEvent], today: date, policy: Policy) -> list[str]:
    """Safe at two replicas: what a batch holds before it applies, taken sorted (shared/locks.py).

    Its employers (one open inspection per employer: the first signal creates it, a second
    replica must wait and find it) and every region it may plan: the region of each employer's
    open inspection, of each inspection a visit reports on, and the one each event's address
    falls in. A region is planned by one batch at a time, so capacity is counted once per day."""
    kvks = werkgevers(events)
    regios = {regio_voor(_gemeentecode(event.data), today, policy) for event in events}
    ids = {str(event.data["inspectie_id"]) for event in events if isinstance(event.data.get("inspectie_id"), str)}
    regios |= await InspectieRepository(conn).regios(sorted(kvks), sorted(ids))
    return sorted([*(werkgever_key(kvk) for kvk in kvks), *(planning_key(regio) for regio in regios)])


def _gemeentecode(data: dict[str, Any]) -> str | None:
    for veld in ("werklocatie", "adres"):
        plaats = data.get(veld)
        if isinstance(plaats, dict) and isinstance(plaats.get("gemeentecode"), str):
            return str(plaats["gemeentecode"])
    return None


# -- a partner's fact applies once -------------------------------------------------------------
async def eerste_keer_ontvangen(
    ctx: Context, sleutel: dict[str, Any], inhoud: dict[str, Any], omschrijving: str, veld: str
) -> bool:
    """False when the fact this event states was applied before (sent again under a new ce_id); a
    different fact under a key already used is rejected (shared/feitsleutel.py; the key per type is
    in docs/contract-inspectie.md)."""
    return await eerste_keer(ctx.conn, feit(ctx.cause.type, sleutel, inhoud, omschrijving), ctx.cause.id, veld)


# -- signals ------------------------------------------------------------------------------------
async def _signaal(
    ctx: Context,
    kvk: str,
    soort: str,
    op: date,
    *,
    werklocatie: dict[str, Any] | None = None,
    sterkte: Decimal = Decimal(1),
    wetten: tuple[str, ...] = (),
    aanleiding: dict[str, str] | None = None,
    uiterlijk_op: date | None = None,
    adres: dict[str, Any] | None = None,
) -> None:
    """Store a risk signal and judge the employer again. `werklocatie` is where the work is done (a
    report's, a posting's); `adres` an address the signal is about that is no work location (a
    municipality's or huisvesting's housing address): it only chooses the region (`herbeoordeel`)."""
    signaal = Signaal(soort, ctx.cause.id, op, sterkte, wetten)  # type: ignore[arg-type]
    async with planning_van(ctx) as planning:
        if await planning.bewaar_signaal(signaal, kvk, aanleiding or {"soort": soort, "id": ctx.cause.id}):
            await herbeoordeel(ctx, planning, kvk, werklocatie, uiterlijk_op, adres=adres)


async def melding_ontvangen(ctx: Context, data: dict[str, Any]) -> None:
    """A report is one signal, keyed by its `melding_id`: an acknowledgement of it again changes
    nothing, and one that moved it to a new case (`verplaatst_uit`: a visit told later did not answer
    it) makes the new case its reason instead of a second signal, so it counts once in the risk and
    the closed case is no reason of the next plan."""
    if data.get("herhaald") or not data.get("melding_id"):
        return
    kvk = data["werkgever"]["kvk_nummer"]
    soort = "melding_vakbond" if data.get("melder_soort") == "vakbond" else "melding_or"
    bron = melding_signaal_id(str(data["melding_id"]))
    aanleiding = {"soort": "melding", "id": data["zaak_id"]}
    werklocatie, uiterlijk_op = data.get("werklocatie"), date.fromisoformat(data["uiterlijk_inspectie_op"])
    signaal = Signaal(soort, bron, ctx.today, Decimal(1), tuple(data.get("scope") or ()))  # type: ignore[arg-type]
    async with planning_van(ctx) as planning:
        if verplaatst_uit := data.get("verplaatst_uit"):
            await planning.flush(ctx.conn)  # the move is written on the database itself
            planning.vergeet()
            verplaatst = await InspectieRepository(ctx.conn).verplaats_melding_signaal(
                kvk, bron, soort, aanleiding, str(verplaatst_uit)
            )
            if verplaatst is not None:
                if verplaatst:
                    await herbeoordeel(ctx, planning, kvk, werklocatie, uiterlijk_op)
                return
        if await planning.bewaar_signaal(signaal, kvk, aanleiding):
            await herbeoordeel(ctx, planning, kvk, werklocatie, uiterlijk_op)


async def gemeente_signaal(ctx: Context, s: GemeenteSignaal) -> None:
    """One signal per (kind, address, employer, day it was established): sent again it is counted once."""
    sleutel = s.model_dump(include={"signaal", "adres", "werkgever", "vastgesteld_op"})
    omschrijving = f"het signaal {s.signaal} voor {s.adres.postcode} {s.adres.huisnummer} van {s.vastgesteld_op}"
    inhoud = s.model_dump(exclude={"signaal", "adres", "werkgever", "vastgesteld_op"})
    if not await eerste_keer_ontvangen(ctx, sleutel, inhoud, omschrijving, "vastgesteld_op"):
        return
    if s.werkgever is not None:
        await _signaal(
            ctx, s.werkgever.kvk_nummer, f"gemeente_{s.signaal}", s.vastgesteld_op, adres=s.adres.model_dump()
        )


async def loonaangifte(ctx: Context, aangifte: Loonaangifte) -> None:
    """The headcount (scales Arbowet fines) and agency status are kept; workers below the WML are a signal."""
    repo, kvk = InspectieRepository(ctx.conn), aangifte.werkgever.kvk_nummer
    await repo.bewaar_aantal_werknemers(kvk, aangifte.tijdvak, aangifte.aantal_werknemers)
    if (ja := aangifte.is_uitzendonderneming) is not None:
        bewaard = await repo.bewaar_uitzendonderneming(kvk, ja, ctx.cause.id, ctx.today)
        if bewaard and isinstance(ctx.batch, Planning):  # the batch's state learns it without a read
            ctx.batch.uitzendonderneming_bewaard(kvk, Uitzendonderneming(ctx.cause.id, ctx.today) if ja else None)
    if aangifte.aantal_onder_minimumloon > 0:
        sterkte = loonaangifte_sterkte(
            aangifte.aantal_onder_minimumloon, aangifte.aantal_werknemers, ctx.today, ctx.policy
        )
        await _signaal(ctx, kvk, "loonaangifte_onder_wml", ctx.today, sterkte=sterkte)


async def omzet(ctx: Context, o: Omzet) -> None:
    await InspectieRepository(ctx.conn).bewaar_omzet(o.werkgever.kvk_nummer, o.boekjaar, o.omzet_eur)


async def huisvesting_gecontroleerd(ctx: Context, data: dict[str, Any]) -> None:
    kvk = (data.get("werkgever") or {}).get("kvk_nummer")
    if kvk and data.get("contract_referentie") and data.get("peildatum"):
        await InspectieRepository(ctx.conn).bewaar_inhouding(
            kvk,
            data["contract_referentie"],
            _inhouding(data.get("onrechtmatige_inhouding")),
            date.fromisoformat(data["peildatum"]),
        )
    if kvk and data.get("oordeel") == "tekortkomingen":
        await _signaal(ctx, kvk, "huisvesting_tekortkoming", ctx.today, adres=data.get("adres"))


def _inhouding(data: dict[str, Any] | None) -> OnrechtmatigeInhouding | None:
    """huisvesting's `onrechtmatige_inhouding` (a deduction that breaks HUIS-005), when it names the worker."""
    if not data or not data.get("werknemer_ref"):
        return None
    return OnrechtmatigeInhouding(
        werknemer_ref=data["werknemer_ref"],
        van=date.fromisoformat(data["van"]),
        tot=date.fromisoformat(data["tot"]) if data.get("tot") else None,
        per_maand_eur=Decimal(str(data["per_maand_eur"])),
        voorwaarden_voldaan=bool(data["voorwaarden_voldaan"]),
        uren_per_week=Decimal(str(data["uren_per_week"])) if data.get("uren_per_week") is not None else None,
        leeftijd=data.get("leeftijd"),
    )


async def loonvordering_vastgesteld(ctx: Context, data: dict[str, Any]) -> None:
    kvk = (data.get("werkgever") or {}).get("kvk_nummer")
    if kvk and Decimal(str(data.get("bedrag_eur", 0))) > 0:
        await _signaal(ctx, kvk, "loonvordering_vastgesteld", ctx.today)


async def keteninformatie_te_laat(ctx: Context, data: dict[str, Any]) -> None:
    await _signaal(ctx, data["partij"]["kvk_nummer"], "keteninformatie_te_laat", ctx.today)


# -- planning -----------------------------------------------------------------------------------
async def herbeoordeel(
    ctx: Context,
    planning: Planning,
    kvk: str,
    werklocatie: dict[str, Any] | None,
    uiterlijk_op: date | None,
    *,
    adres: dict[str, Any] | None = None,
) -> None:
    """Recompute the employer's risk and integrated scope, then plan its region again (on the
    batch's state: adapters/planning.py). A new inspection's region is that of `werklocatie`, else
    of `adres`; only a work location becomes its `werklocatie` (a stoppage goes to the municipality
    of the work location: a housing address must not stand in for it)."""
    policy, vandaag = ctx.policy, ctx.today
    open_signalen = await planning.open_signalen(kvk)
    signalen = [s for s, _ in open_signalen]
    risico = score(signalen, vandaag, policy, uitzendonderneming=await planning.uitzendonderneming(kvk))
    aanleidingen: list[dict[str, str]] = []
    for _, a in open_signalen:
        if a and a not in aanleidingen:
            aanleidingen.append(a)
    inspectie = await planning.open_inspectie(kvk)
    if inspectie is None:
        inspectie = {
            "inspectie_id": f"INS-{hashlib.sha256(ctx.cause.id.encode()).hexdigest()[:12].upper()}",
            "werkgever_kvk": kvk,
            "werklocatie": werklocatie,
            "status": "wachtend",
            "gepland_op": None,
            "regio": regio_voor((werklocatie or adres or {}).get("gemeentecode"), vandaag, policy),
            "uiterlijk_op": None,
        }
    deadlines = [d for d in (inspectie.get("uiterlijk_op"), uiterlijk_op) if d is not None]
    if (
        not deadlines
        and not boven_drempel(risico, vandaag, policy)
        and inspectie["status"] == "wachtend"
        and not (steekproef(kvk, vandaag, int(policy.value("steekproef_aandeel_pct", vandaag))))
    ):
        return  # below the threshold and not drawn: the signals stay on record for the next one
    inspectie.update(
        scope=scope(signalen, vandaag, policy),
        aanleidingen=aanleidingen,
        risico=risico.als_data(),
        werklocatie=werklocatie_na(inspectie.get("werklocatie"), inspectie.get("aanleidingen") or [], werklocatie),
        uiterlijk_op=min(deadlines) if deadlines else None,
        soort="melding" if deadlines else "risico" if boven_drempel(risico, vandaag, policy) else "steekproef",
    )
    await plan_regio(ctx, planning, inspectie["regio"], gewijzigd=inspectie)  # which stores it


async def plan_regio(ctx: Context, planning: Planning, regio: str, gewijzigd: dict[str, Any] | None = None) -> None:
    """One planning round for a region: reports earliest deadline first, then risk, then the random share.

    Inspections already drawn at random keep their day (the draw is not repeated); everything else
    is planned again, so a report can take the place of a risk-selected visit. Every new plan is
    announced (`gepland`), every moved one too (`herpland`), and a deadline capacity cannot meet is
    reported at once (`capaciteitstekort`), never silently missed.

    The common case plans one inspection on the batch's state (`_plan_een`); a round of the whole
    region works on the database, after the state is written, and the state reads it again after.
    """
    vanaf = werkdagen_na(ctx.today, 1)
    if gewijzigd is not None and await _plan_een(ctx, planning, gewijzigd, vanaf):
        return  # stored once, with its day
    await planning.flush(ctx.conn)
    planning.vergeet()
    repo = InspectieRepository(ctx.conn)
    gewijzigd_id = gewijzigd["inspectie_id"] if gewijzigd else None
    inspecties = {i["inspectie_id"]: i for i in await repo.open_inspecties(regio)}
    if gewijzigd is not None:  # as herbeoordeel left it (not stored yet): the round stores it once
        inspecties = dict(sorted({**inspecties, gewijzigd["inspectie_id"]: gewijzigd}.items()))
    vast = [
        i
        for i in inspecties.values()
        if (i["soort"] == "steekproef" and i["gepland_op"]) or (i["gepland_op"] is not None and i["gepland_op"] < vanaf)
    ]
    bezetting: dict[tuple[str, date], int] = {}
    for i in vast:
        bezetting[(regio, i["gepland_op"])] = bezetting.get((regio, i["gepland_op"]), 0) + 1
    vaste_ids = {i["inspectie_id"] for i in vast}
    if gewijzigd is not None and gewijzigd_id in vaste_ids:
        await repo.bewaar_inspectie(gewijzigd)  # its day stays; its risk and scope are new
    verzoeken = [_verzoek(i) for i in inspecties.values() if i["inspectie_id"] not in vaste_ids]
    uitkomst = plan(verzoeken, bezetting, vanaf, ctx.policy, seed=ctx.today.toordinal())
    nieuw = {p.verzoek_id: p.gepland_op for p in uitkomst.ingepland}
    for inspectie_id, inspectie in inspecties.items():
        if inspectie_id in vaste_ids:
            continue
        vorige, dag = inspectie["gepland_op"], nieuw.get(inspectie_id)
        if (dag, "gepland" if dag else "wachtend") == (vorige, inspectie["status"]) and inspectie_id != gewijzigd_id:
            continue
        await _leg_plan_vast(ctx, repo, inspectie, dag, herpland_omdat="een melding met een eerdere uiterste datum")
    for tekort in uitkomst.tekort:
        await _meld_tekort(ctx, repo, inspecties[tekort.verzoek_id], tekort, uitkomst.beleid)


async def _plan_een(ctx: Context, planning: Planning, doel: dict[str, Any], vanaf: date) -> bool:
    """The common case, cheaply: plan one inspection around the others, reading only how many visits
    each day already has. False when a full round could do better: the deadline is missed while a
    visit it goes before holds a slot (then the whole region is planned again). Otherwise a missed
    deadline is a shortage no plan avoids, reported as the full round would."""
    regio, inspectie_id = doel["regio"], doel["inspectie_id"]
    bezetting = await planning.bezetting(regio, vanaf, inspectie_id)
    uitkomst = plan([_verzoek(doel)], bezetting, vanaf, ctx.policy, seed=ctx.today.toordinal())
    if uitkomst.tekort and await planning.verdringbaar(regio, vanaf, uitkomst.tekort[0].uiterlijk_op, inspectie_id):
        return False
    dag = uitkomst.ingepland[0].gepland_op if uitkomst.ingepland else None
    await _leg_plan_vast(ctx, planning, doel, dag, herpland_omdat="eerdere uiterste datum")
    for tekort in uitkomst.tekort:
        await _meld_tekort(ctx, planning, doel, tekort, uitkomst.beleid)
    return True


def _verzoek(i: dict[str, Any]) -> Verzoek:
    score = Decimal(str((i["risico"] or {}).get("score", 0)))
    return Verzoek(i["inspectie_id"], i["werkgever_kvk"], i["regio"], i["soort"], i["uiterlijk_op"], score)


async def _leg_plan_vast(
    ctx: Context,
    store: InspectieRepository | Planning,
    inspectie: dict[str, Any],
    dag: date | None,
    herpland_omdat: str,
) -> None:
    """Store the inspection's (new) day, or that it waits; announce a new or moved plan."""
    vorige = inspectie["gepland_op"]
    await store.bewaar_inspectie({**inspectie, "gepland_op": dag, "status": "gepland" if dag else "wachtend"})
    if dag is None:
        return
    if vorige is None:
        await _meld_plan(ctx, GEPLAND, {**inspectie, "gepland_op": dag})
    else:
        reden = "nieuwe signalen" if dag == vorige else f"herplanning: {herpland_omdat}"
        await _meld_plan(ctx, HERPLAND, {**inspectie, "gepland_op": dag}, vorige=vorige, reden=reden)


async def _meld_tekort(
    ctx: Context, store: InspectieRepository | Planning, inspectie: dict[str, Any], tekort: Tekort, beleid: str
) -> None:
    """A deadline capacity cannot meet is reported once per inspection, with the first day left."""
    if inspectie.get("tekort_gemeld"):
        return
    await store.tekort_gemeld(tekort)  # logged by the store, per region at once
    await ctx.emit(
        TEKORT,
        {
            "inspectie_id": tekort.verzoek_id,
            "werkgever": {"kvk_nummer": inspectie["werkgever_kvk"]},
            "regio": tekort.regio,
            "uiterlijk_op": tekort.uiterlijk_op,
            "eerst_mogelijk_op": tekort.gepland_op,
            "beleid": beleid,
        },
        inspectie["werkgever_kvk"],
    )


async def _meld_plan(
    ctx: Context, ce_type: str, i: dict[str, Any], vorige: date | None = None, reden: str | None = None
) -> None:
    data = {
        "inspectie_id": i["inspectie_id"],
        "werkgever": {"kvk_nummer": i["werkgever_kvk"]},
        "werklocatie": i["werklocatie"],
        "gepland_op": i["gepland_op"],
        "regio": i["regio"],
        "scope": i["scope"],
        "aanleidingen": i["aanleidingen"],
        "risico": i["risico"],
        "uiterlijk_op": i["uiterlijk_op"],
        "soort": i["soort"],
        "beleid": ctx.policy.version,
    }
    if ce_type == HERPLAND:
        data.update({"vorige_gepland_op": vorige, "reden": reden})
    await ctx.emit(ce_type, data, i["werkgever_kvk"])


# -- after the visit ----------------------------------------------------------------------------
async def inspectie_uitgevoerd(ctx: Context, u: InspectieUitgevoerd) -> None:
    async with planning_van(ctx) as planning:
        await planning.flush(ctx.conn)  # this handler works on the database itself
        planning.vergeet()
        await _na_bezoek(ctx, planning, u)


async def _na_bezoek(ctx: Context, planning: Planning, u: InspectieUitgevoerd) -> None:
    repo, policy, op, kvk = InspectieRepository(ctx.conn), ctx.policy, u.uitgevoerd_op, u.werkgever.kvk_nummer
    werklocatie = u.werklocatie.model_dump() if u.werklocatie else None
    inspectie = await repo.inspectie(u.inspectie_id) or {
        "inspectie_id": u.inspectie_id,
        "werkgever_kvk": kvk,
        "soort": "onaangekondigd",
        "uiterlijk_op": None,
        "regio": regio_voor(u.werklocatie.gemeentecode if u.werklocatie else None, op, policy),
        "scope": sorted({b.wet for b in u.bevindingen}),
        "aanleidingen": [],
        "risico": None,
        "gepland_op": None,
        "werklocatie": werklocatie,
    }
    if inspectie.get("status") == "uitgevoerd":
        return
    await repo.bewaar_inspectie({**inspectie, "status": "uitgevoerd", "uitgevoerd_op": op})
    await repo.sluit_signalen(kvk, op)
    werklocatie = werklocatie or inspectie["werklocatie"]
    eerdere, omzet_eur = await repo.eerdere_boetes(kvk), await repo.omzet(kvk)
    aantal_werknemers, inhoudingen = await repo.aantal_werknemers(kvk), await repo.onrechtmatige_inhoudingen(kvk)
    waarschuwingen = await repo.waarschuwingen(kvk)
    niet_beoordeeld: list[dict[str, str]] = []
    for n, bevinding in enumerate(u.bevindingen, 1):
        boete_id = f"B-{u.inspectie_id}-{n}"
        try:
            uitkomst = boete(
                bevinding,
                op,
                policy,
                eerdere_boetes=eerdere,
                aantal_werknemers=aantal_werknemers,
                omzet_eur=omzet_eur,
                inhoudingen=inhoudingen,
            )
        except OnvoldoendeGegevens as exc:
            raise Rejected([{"veld": f"bevindingen.{n - 1}", "melding": str(exc)}]) from None
        opgelegd = uitkomst if isinstance(uitkomst, Boete) else None
        if opgelegd is not None:
            await _leg_op(ctx, repo, u.inspectie_id, kvk, boete_id, opgelegd)
        stil = stillegging(bevinding, op, policy, waarschuwingen, inhoudingen=inhoudingen)
        for niet in (uitkomst, stil):
            if isinstance(niet, NietBeoordeeld):
                niet_beoordeeld.append({"wet": niet.wet, "code": niet.code, "regel": niet.regel, "reden": niet.reden})
        if isinstance(stil, Stillegging):
            await ctx.emit(
                STILLEGGING,
                {
                    "inspectie_id": u.inspectie_id,
                    "werkgever": {"kvk_nummer": kvk},
                    "werklocatie": werklocatie,
                    "wet": stil.wet,
                    "code": stil.code,
                    "grond": stil.grond,
                    "regel": stil.regel,
                    "bevolen_op": stil.vanaf,
                    "uiterlijk_tot_en_met": stil.uiterlijk_tot_en_met,
                    "berekening": stappen(stil.berekening),
                    "beleid": stil.beleid,
                },
                kvk,
            )
        waarschuwing = waarschuwing_na(bevinding, u.inspectie_id, op, policy, boete_id) if opgelegd else None
        if waarschuwing is not None:
            await repo.waarschuw(kvk, waarschuwing)
        for o in bevinding.onderbetaling:
            await ctx.emit(
                ONDERBETALING,
                {
                    "inspectie_id": u.inspectie_id,
                    "werkgever": {"kvk_nummer": kvk},
                    "werknemer_ref": o.werknemer_ref,
                    "periode_van": o.periode_van,
                    "periode_tot": o.periode_tot,
                    "gewerkte_uren": o.gewerkte_uren,
                    "betaald_bruto_eur": o.betaald_bruto_eur + (o.vakantiebijslag_betaald_eur or 0),
                    "vakantiebijslag_betaald_eur": o.vakantiebijslag_betaald_eur,
                    "leeftijd": o.leeftijd,
                    "beleid": policy.version,
                },
                f"{kvk}:{o.werknemer_ref}",
            )
    await _beoordeel_aangehouden(ctx, repo, u.inspectie_id)  # proofs received before the fines
    if u.bevindingen:
        await repo.bewaar_signaal(
            Signaal("eerdere_overtreding", f"{ctx.cause.id}:overtreding", op),
            kvk,
            {"soort": "eerdere_inspectie", "id": u.inspectie_id},
        )
    await ctx.emit(
        AFGEROND,
        {
            "inspectie_id": u.inspectie_id,
            "werkgever": {"kvk_nummer": kvk},
            "uitgevoerd_op": op,
            "overtreding_vastgesteld": bool(u.bevindingen),
            "wetten": sorted({b.wet for b in u.bevindingen}),
            "niet_beoordeeld": niet_beoordeeld,
            "beleid": policy.version,
        },
        kvk,
    )
    if inspectie.get("gepland_op"):
        await plan_regio(ctx, planning, inspectie["regio"])  # its slot is free again


async def _leg_op(
    ctx: Context, repo: InspectieRepository, inspectie_id: str, kvk: str, boete_id: str, b: Boete
) -> None:
    """Impose a fine; under ser2025 a first WML fine waits for proof of back pay (not for repeat offenders)."""
    vandaag = ctx.today
    aanhouding = herstelbetaling(b, vandaag, ctx.policy)
    status = "in_afwachting_herstel" if aanhouding.aangehouden else "onherroepelijk"
    await repo.bewaar_boete(
        {
            "boete_id": boete_id,
            "inspectie_id": inspectie_id,
            "werkgever_kvk": kvk,
            "wet": b.wet,
            "code": b.code,
            "ernstig": b.ernstig,
            "bedrag_eur": b.bedrag_eur,
            "nabetaling_eur": b.nabetaling_eur,
            "berekening": stappen(b.berekening),
            "status": status,
            "herstel_tot_en_met": aanhouding.tot_en_met,
            "opgelegd_op": vandaag,
            "onherroepelijk_op": None if aanhouding.aangehouden else vandaag,
            "beleid": b.beleid,
        }
    )
    await ctx.emit(
        BOETE_OPGELEGD,
        {
            "boete_id": boete_id,
            "inspectie_id": inspectie_id,
            "werkgever": {"kvk_nummer": kvk},
            "wet": b.wet,
            "code": b.code,
            "regel": b.regel,
            "bedrag_eur": b.bedrag_eur,
            "berekening": stappen(b.berekening),
            "status": status,
            "herstel_uiterlijk_op": aanhouding.tot_en_met,
            "herstel_reden": aanhouding.reden,
            "beleid": b.beleid,
        },
        kvk,
    )
    if aanhouding.tot_en_met is not None:
        await ctx.schedule(HERSTEL_TIMER, boete_id, einde_van_dag(aanhouding.tot_en_met), {"boete_id": boete_id})


async def betaalbewijs(ctx: Context, bewijs: Betaalbewijs) -> None:
    """Proof of back pay: the held fines of the inspection lapse once it and earlier proofs cover the
    back pay of all its fines (a payment counts once, not once per fine: a proof names no fine).
    A proof counts once per (inspection, employer, day paid, reference), however often it is sent
    (the same proof again is acknowledged first, as it was accepted); a new one that names another
    employer than the inspection's is refused. One that states a payment day still to come (after
    `ctx.laatste_dag`) counts from that day: it lapses nothing now, and counts at the window's end."""
    sleutel = bewijs.model_dump(include={"inspectie_id", "werkgever", "betaald_op", "referentie"})
    omschrijving = f"het betaalbewijs voor {bewijs.inspectie_id} van {bewijs.betaald_op}" + (
        f" met referentie {bewijs.referentie}" if bewijs.referentie else " zonder referentie"
    )
    repo = InspectieRepository(ctx.conn)
    # sent again as it was accepted before: the same fact, not judged again; a new fact is recorded
    # here and undone with it when refused below
    if not await eerste_keer_ontvangen(ctx, sleutel, {"bedrag_eur": bewijs.bedrag_eur}, omschrijving, "referentie"):
        return
    werkgever = await repo.werkgever_van(bewijs.inspectie_id)
    if werkgever is not None and werkgever != bewijs.werkgever.kvk_nummer:
        melding = (
            f"werkgever.kvk_nummer: {bewijs.werkgever.kvk_nummer} is niet de werkgever van {bewijs.inspectie_id}; "
            "een betaalbewijs geldt alleen voor de nabetaling van de werkgever van de inspectie"
        )
        raise Rejected([{"veld": "werkgever.kvk_nummer", "melding": melding}])
    await repo.bewaar_betaalbewijs(ctx.cause.id, bewijs, ctx.today)
    await _beoordeel_aangehouden(ctx, repo, bewijs.inspectie_id)


async def _beoordeel_aangehouden(ctx: Context, repo: InspectieRepository, inspectie_id: str) -> None:
    """Judge the inspection's held fines on the proofs of their employer stored so far: on a proof,
    and when fines are imposed (a proof may arrive before its fine: the window's end would then
    only make the fine final)."""
    aangehouden = await repo.aangehouden_boetes(inspectie_id)
    if not aangehouden:  # most visits: nothing held, nothing to read
        return
    verschuldigd = await repo.herstel_verschuldigd(inspectie_id)
    per_venster: dict[tuple[str, date], list[Betaalbewijs]] = {}  # a visit's fines share employer and window
    for b in aangehouden:
        venster = (b["werkgever_kvk"], b["herstel_tot_en_met"])
        if venster not in per_venster:
            per_venster[venster] = await repo.betaalbewijzen(inspectie_id, *venster)
        bewijzen = per_venster[venster]
        uitkomst = afloop(
            b["nabetaling_eur"],
            bewijzen,
            b["herstel_tot_en_met"],
            ctx.today,
            ctx.policy,
            ook_verschuldigd_eur=_ook_verschuldigd(verschuldigd, b["boete_id"]),
            betaald_tot=ctx.laatste_dag,
        )
        if uitkomst is not None and uitkomst.uitkomst == "vervallen":
            await repo.zet_boete(b["boete_id"], "vervallen", ctx.today)
            await repo.trek_waarschuwing_in(b["boete_id"], ctx.today)
            await ctx.cancel(HERSTEL_TIMER, b["boete_id"])
            await _meld_afloop(ctx, BOETE_VERVALLEN, b, uitkomst)


async def herstel_verstreken(ctx: Context, payload: dict[str, Any]) -> None:
    repo = InspectieRepository(ctx.conn)
    b = await repo.boete(payload["boete_id"])
    if b is None or b["status"] != "in_afwachting_herstel":
        return
    bewijzen = await repo.betaalbewijzen(b["inspectie_id"], b["werkgever_kvk"], b["herstel_tot_en_met"])
    verschuldigd = await repo.herstel_verschuldigd(b["inspectie_id"])
    uitkomst = afloop(
        b["nabetaling_eur"],
        bewijzen,
        b["herstel_tot_en_met"],
        max(ctx.today, b["herstel_tot_en_met"] + timedelta(days=1)),
        ctx.policy,
        ook_verschuldigd_eur=_ook_verschuldigd(verschuldigd, b["boete_id"]),
    )
    if uitkomst is None:
        return
    status = "vervallen" if uitkomst.uitkomst == "vervallen" else "onherroepelijk"
    await repo.zet_boete(b["boete_id"], status, ctx.today)
    if status == "vervallen":
        await repo.trek_waarschuwing_in(b["boete_id"], ctx.today)
    await _meld_afloop(ctx, BOETE_VERVALLEN if status == "vervallen" else BOETE_DEFINITIEF, b, uitkomst)


def _ook_verschuldigd(verschuldigd: dict[str, Decimal], boete_id: str) -> Decimal:
    """The back pay owed under the inspection's other fines (held or not): the same proofs must cover it too."""
    return sum((bedrag for b, bedrag in verschuldigd.items() if b != boete_id), Decimal(0))


async def _meld_afloop(ctx: Context, ce_type: str, b: dict[str, Any], uitkomst: Any) -> None:
    await ctx.emit(
        ce_type,
        {
            "boete_id": b["boete_id"],
            "inspectie_id": b["inspectie_id"],
            "werkgever": {"kvk_nummer": b["werkgever_kvk"]},
            "wet": b["wet"],
            "bedrag_eur": b["bedrag_eur"],
            "reden": uitkomst.berekening[-1].omschrijving,
            "berekening": stappen(uitkomst.berekening),
            "beleid": uitkomst.beleid,
        },
        b["werkgever_kvk"],
    )
