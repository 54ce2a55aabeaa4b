"""inspectie's handlers: signals in, plans out; after a visit, fines, back-pay windows and stoppages."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import structlog

from services.inspectie.adapters.repository import InspectieRepository
from services.inspectie.domain.boetes import (
    Boete,
    Onderbetaling,
    arbo_boete,
    met_recidive_en_omzet,
    vaste_boete,
    wml_boete,
)
from services.inspectie.domain.planning import capaciteit, regio_van, vroegste_vrije_dag
from services.inspectie.domain.risico import score
from services.inspectie.domain.scope import integrale_scope, wetten_van_signaal
from shared.contract.belastingdienst import Loonaangifte, Omzet
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.inspectie import Betaalbewijs, Bevinding, InspectieUitgevoerd
from shared.service import AMSTERDAM, Context
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


def jaren_terug(op: date, jaren: int) -> date:
    try:
        return op.replace(year=op.year - jaren)
    except ValueError:
        return op.replace(year=op.year - jaren, day=28)


def steekproef(kvk: str, op: date, pct: int) -> bool:
    """A deterministic draw per employer per ISO week: the same input always gives the same answer."""
    jaar, week, _ = op.isocalendar()
    return int(hashlib.sha256(f"{kvk}:{jaar}-{week}".encode()).hexdigest(), 16) % 100 < pct


# -- signals ------------------------------------------------------------------------------------
async def melding_ontvangen(ctx: Context, data: dict[str, Any]) -> None:
    if data.get("herhaald") or not data.get("melding_id"):
        return
    soort = "melding_vakbond" if data.get("melder_soort") == "vakbond" else "melding_or"
    kvk = data["werkgever"]["kvk_nummer"]
    repo = InspectieRepository(ctx.conn)
    aanleiding = {"soort": "melding", "id": data["zaak_id"]}
    await repo.bewaar_signaal(ctx.cause.id, kvk, soort, ctx.today, list(data.get("scope") or []), aanleiding)
    uiterlijk = date.fromisoformat(data["uiterlijk_inspectie_op"])
    await herbeoordeel(ctx, repo, kvk, data.get("werklocatie"), melding_uiterlijk=uiterlijk)


async def signaal(
    ctx: Context,
    kvk: str,
    soort: str,
    op: date,
    werklocatie: dict[str, Any] | None = None,
    sterkte: Decimal = Decimal(1),
) -> None:
    repo = InspectieRepository(ctx.conn)
    wetten = wetten_van_signaal(soort, op, ctx.policy)
    aanleiding = {"soort": soort, "id": ctx.cause.id}
    if await repo.bewaar_signaal(ctx.cause.id, kvk, soort, op, wetten, aanleiding, sterkte):
        await herbeoordeel(ctx, repo, kvk, werklocatie)


async def gemeente_signaal(ctx: Context, s: GemeenteSignaal) -> None:
    if s.werkgever is not None:
        await signaal(ctx, s.werkgever.kvk_nummer, f"gemeente_{s.signaal}", s.vastgesteld_op, s.adres.model_dump())


async def loonaangifte(ctx: Context, aangifte: Loonaangifte) -> None:
    if aangifte.aantal_onder_minimumloon > 0:
        sterkte = min(Decimal(1), Decimal(aangifte.aantal_onder_minimumloon) / max(1, aangifte.aantal_werknemers) * 4)
        await signaal(ctx, aangifte.werkgever.kvk_nummer, "loonaangifte_onder_wml", ctx.today, sterkte=sterkte)


async def omzet(ctx: Context, o: Omzet) -> None:
    await InspectieRepository(ctx.conn).bewaar_omzet(o.werkgever.kvk_nummer, o.boekjaar, o.omzet_eur)


async def huisvesting_gecontroleerd(ctx: Context, data: dict[str, Any]) -> None:
    kvk = (data.get("werkgever") or {}).get("kvk_nummer")
    if kvk and data.get("oordeel") == "tekortkomingen":
        await signaal(ctx, kvk, "huisvesting_tekortkoming", ctx.today, data.get("adres"))


async def loonvordering_vastgesteld(ctx: Context, data: dict[str, Any]) -> None:
    kvk = (data.get("werkgever") or {}).get("kvk_nummer")
    if kvk and Decimal(str(data.get("bedrag_eur", 0))) > 0:
        await signaal(ctx, kvk, "loonvordering_vastgesteld", ctx.today)


async def keteninformatie_te_laat(ctx: Context, data: dict[str, Any]) -> None:
    await signaal(ctx, data["partij"]["kvk_nummer"], "keteninformatie_te_laat", ctx.today)


# -- planning -----------------------------------------------------------------------------------
async def herbeoordeel(
    ctx: Context,
    repo: InspectieRepository,
    kvk: str,
    werklocatie: dict[str, Any] | None,
    melding_uiterlijk: date | None = None,
) -> None:
    """Recompute the employer's risk and scope; plan, widen or move its inspection."""
    policy, vandaag = ctx.policy, ctx.today
    open_signalen = await repo.open_signalen(kvk)
    risico = score([s for s, _, _ in open_signalen], vandaag, policy)
    scope = integrale_scope(w for _, w, _ in open_signalen)
    aanleidingen: list[dict[str, str]] = []
    for _, _, a in open_signalen:
        if a and a not in aanleidingen:
            aanleidingen.append(a)
    bestaand = await repo.open_inspectie(kvk)
    if bestaand is not None:
        uiterlijk = (
            min(d for d in (bestaand["uiterlijk_op"], melding_uiterlijk) if d)
            if (bestaand["uiterlijk_op"] or melding_uiterlijk)
            else None
        )
        soort = "melding" if melding_uiterlijk or bestaand["soort"] == "melding" else bestaand["soort"]
        bijgewerkt = {
            **bestaand,
            "scope": scope,
            "aanleidingen": aanleidingen,
            "risico": risico.als_data(),
            "uiterlijk_op": uiterlijk,
            "soort": soort,
            "werklocatie": bestaand["werklocatie"] or werklocatie,
        }
        reden = "nieuwe signalen: scope en aanleidingen bijgewerkt"
        if uiterlijk and bestaand["gepland_op"] and bestaand["gepland_op"] > uiterlijk:
            await repo.bewaar_inspectie({**bijgewerkt, "gepland_op": None})  # free its own slot first
            bijgewerkt["gepland_op"] = await _plaats(ctx, repo, bijgewerkt)
            reden = "eerdere uiterste datum door een melding"
        if bijgewerkt != bestaand:
            await repo.bewaar_inspectie(bijgewerkt)
            await _meld_plan(ctx, HERPLAND, bijgewerkt, vorige=bestaand["gepland_op"], reden=reden)
        return
    if melding_uiterlijk is None:
        drempel = Decimal(str(policy.value("risico_drempel", vandaag)))
        if risico.score >= drempel:
            soort = "risico"
        elif steekproef(kvk, vandaag, int(policy.value("steekproef_aandeel_pct", vandaag))):
            soort = "steekproef"
        else:
            return
    else:
        soort = "melding"
    inspectie = {
        "inspectie_id": f"INS-{hashlib.sha256(ctx.cause.id.encode()).hexdigest()[:12].upper()}",
        "werkgever_kvk": kvk,
        "werklocatie": werklocatie,
        "regio": regio_van((werklocatie or {}).get("gemeentecode"), vandaag, policy),
        "soort": soort,
        "uiterlijk_op": melding_uiterlijk,
        "scope": scope,
        "aanleidingen": aanleidingen,
        "risico": risico.als_data(),
        "status": "gepland",
        "gepland_op": None,
    }
    inspectie["gepland_op"] = await _plaats(ctx, repo, inspectie)
    if inspectie["gepland_op"] is None:
        log.info("risk_inspection_not_planned_no_capacity", werkgever=kvk, soort=soort)
        return
    await repo.bewaar_inspectie(inspectie)
    await _meld_plan(ctx, GEPLAND, inspectie)


async def _plaats(ctx: Context, repo: InspectieRepository, inspectie: dict[str, Any]) -> date | None:
    """The earliest free working day; a report may take the place of a risk-selected inspection."""
    policy, vandaag = ctx.policy, ctx.today
    vanaf = werkdagen_na(vandaag, 1)
    horizon = int(policy.value("planning_horizon_werkdagen", vandaag))
    regio = inspectie["regio"]
    bezetting = await repo.bezetting(regio, vanaf)

    def cap(r: str, d: date) -> int:
        return capaciteit(r, d, policy)

    dag = vroegste_vrije_dag(regio, bezetting, vanaf, horizon, cap)
    uiterlijk = inspectie["uiterlijk_op"]
    if inspectie["soort"] != "melding" or uiterlijk is None:
        return dag
    if dag is not None and dag <= uiterlijk:
        return dag
    verdrongen = await repo.verdringbare(regio, vanaf, uiterlijk)
    if verdrongen is not None:
        genomen: date = verdrongen["gepland_op"]  # the slot changes hands; occupancy stays the same
        verdrongen_dag = vroegste_vrije_dag(regio, bezetting, vanaf, horizon, cap)
        verplaatst = {**verdrongen, "gepland_op": verdrongen_dag}
        await repo.bewaar_inspectie(verplaatst)
        await _meld_plan(
            ctx,
            HERPLAND,
            verplaatst,
            vorige=verdrongen["gepland_op"],
            reden="plaats gegeven aan een melding met een uiterste datum",
        )
        return genomen
    dag = dag or vroegste_vrije_dag(regio, bezetting, vanaf, 10 * horizon, cap)
    log.warning("capacity_shortage", regio=regio, uiterlijk_op=uiterlijk.isoformat(), eerst_mogelijk=str(dag))
    await ctx.emit(
        TEKORT,
        {
            "inspectie_id": inspectie["inspectie_id"],
            "werkgever": {"kvk_nummer": inspectie["werkgever_kvk"]},
            "regio": regio,
            "uiterlijk_op": uiterlijk,
            "eerst_mogelijk_op": dag,
            "beleid": policy.version,
        },
        inspectie["werkgever_kvk"],
    )
    return dag


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
    repo, policy, op, kvk = InspectieRepository(ctx.conn), ctx.policy, u.uitgevoerd_op, u.werkgever.kvk_nummer
    inspectie = await repo.inspectie(u.inspectie_id) or {
        "inspectie_id": u.inspectie_id,
        "werkgever_kvk": kvk,
        "soort": "onaangekondigd",
        "uiterlijk_op": None,
        "regio": regio_van(u.werklocatie.gemeentecode if u.werklocatie else None, op, policy),
        "scope": sorted({b.wet for b in u.bevindingen}),
        "aanleidingen": [],
        "risico": None,
        "gepland_op": None,
        "werklocatie": u.werklocatie.model_dump() if u.werklocatie else None,
    }
    if inspectie.get("status") == "uitgevoerd":
        return
    await repo.bewaar_inspectie({**inspectie, "status": "uitgevoerd", "uitgevoerd_op": op})
    await repo.sluit_signalen(kvk, op)
    werklocatie = u.werklocatie.model_dump() if u.werklocatie else inspectie["werklocatie"]
    omzet_eur = await repo.omzet(kvk)
    for n, bevinding in enumerate(u.bevindingen, 1):
        boetes = _boetes(bevinding, op, policy)
        for m, boete in enumerate(boetes, 1):
            eerdere = await repo.eerdere_definitieve_boetes(
                kvk, boete.wet, jaren_terug(op, int(policy.value("recidive_termijn_jaren", op)))
            )
            boete = met_recidive_en_omzet(boete, eerdere, omzet_eur, op, policy)
            await _leg_op(ctx, repo, u.inspectie_id, kvk, f"B-{u.inspectie_id}-{n}-{m}", boete, eerdere)
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
                    "betaald_bruto_eur": o.betaald_bruto_eur,
                    "leeftijd": o.leeftijd,
                    "beleid": policy.version,
                },
                f"{kvk}:{o.werknemer_ref}",
            )
        grond = await _stilleggingsgrond(repo, kvk, bevinding, boetes, op, policy)
        if grond is not None:
            await ctx.emit(
                STILLEGGING,
                {
                    "inspectie_id": u.inspectie_id,
                    "werkgever": {"kvk_nummer": kvk},
                    "werklocatie": werklocatie,
                    "wet": bevinding.wet,
                    "grond": grond[0],
                    "duur_maanden": grond[1],
                    "bevolen_op": op,
                    "beleid": policy.version,
                },
                kvk,
            )
        if boetes:
            geldig = jaren_terug(op, -int(policy.value("waarschuwing_geldig_jaren", op)))
            await repo.waarschuw(kvk, bevinding.wet, op, geldig, u.inspectie_id)
    if u.bevindingen:
        await repo.bewaar_signaal(
            f"{ctx.cause.id}:overtreding",
            kvk,
            "eerdere_overtreding",
            op,
            [],
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
            "beleid": policy.version,
        },
        kvk,
    )


def _boetes(b: Bevinding, op: date, policy: Any) -> list[Boete]:
    if b.wet == "WML" and b.onderbetaling:
        return [
            wml_boete(
                Onderbetaling(
                    o.werknemer_ref, o.periode_van, o.periode_tot, o.gewerkte_uren, o.betaald_bruto_eur, o.leeftijd
                ),
                op,
                policy,
            )
            for o in b.onderbetaling
        ]
    if b.wet == "Arbowet":
        return [arbo_boete(b.code, b.ernstig_gevaar, b.aantal_betrokkenen, op, policy)]
    return [vaste_boete(b.wet, b.code, b.aantal_betrokkenen, op, policy)]


async def _leg_op(
    ctx: Context, repo: InspectieRepository, inspectie_id: str, kvk: str, boete_id: str, boete: Boete, eerdere: int
) -> None:
    """Impose a fine; under ser2025 a first WML fine waits 14 days for proof of back pay (not for repeat offenders)."""
    policy, vandaag = ctx.policy, ctx.today
    herstel = boete.wet == "WML" and eerdere == 0 and bool(policy.value("herstelbetaling_actief", vandaag))
    uiterlijk = (
        vandaag + timedelta(days=int(policy.value("herstelbetaling_termijn_dagen", vandaag))) if herstel else None
    )
    status = "in_afwachting_herstel" if herstel else "definitief"
    await repo.bewaar_boete(
        {
            "boete_id": boete_id,
            "inspectie_id": inspectie_id,
            "werkgever_kvk": kvk,
            "wet": boete.wet,
            "code": boete.code,
            "werknemer_ref": boete.werknemer_ref,
            "bedrag_eur": boete.bedrag_eur,
            "verschuldigd_eur": boete.verschuldigd_eur,
            "berekening": list(boete.berekening),
            "status": status,
            "herstel_uiterlijk_op": uiterlijk,
            "opgelegd_op": vandaag,
            "beleid": boete.beleid,
        }
    )
    berekening = [
        {**regel, "werknemer_ref": boete.werknemer_ref} if boete.werknemer_ref else regel for regel in boete.berekening
    ]
    await ctx.emit(
        BOETE_OPGELEGD,
        {
            "boete_id": boete_id,
            "inspectie_id": inspectie_id,
            "werkgever": {"kvk_nummer": kvk},
            "wet": boete.wet,
            "code": boete.code,
            "bedrag_eur": boete.bedrag_eur,
            "berekening": berekening,
            "status": status,
            "herstel_uiterlijk_op": uiterlijk,
            "beleid": boete.beleid,
        },
        kvk,
    )
    if uiterlijk is not None:
        await ctx.schedule(HERSTEL_TIMER, boete_id, einde_van_dag(uiterlijk), {"boete_id": boete_id})


async def _stilleggingsgrond(
    repo: InspectieRepository, kvk: str, b: Bevinding, boetes: list[Boete], op: date, policy: Any
) -> tuple[str, int | None] | None:
    if b.ernstig_gevaar:
        return "art. 28 Arbowet: ernstig gevaar", None
    if boetes and await repo.geldige_waarschuwing(kvk, b.wet, op):
        artikel = "art. 18i WML" if b.wet == "WML" else "art. 28a Arbowet"
        return f"{artikel}: herhaalde overtreding na schriftelijke waarschuwing", int(
            policy.value("stillegging_herhaling_max_maanden", op)
        )
    if b.wet == "WML" and policy.value("stillegging_onderbetaling_actief", op):
        drempel = Decimal(str(policy.value("stillegging_onderbetaling_pct", op)))
        if any(boete.onderbetaald_pct >= drempel for boete in boetes):
            return f"ernstige onderbetaling (>= {drempel}% onderbetaald; SER-advies 2025 aanbeveling 1)", None
    return None


async def betaalbewijs(ctx: Context, bewijs: Betaalbewijs) -> None:
    """Proof of back pay within the window lapses the fines it covers, worker by worker."""
    repo = InspectieRepository(ctx.conn)
    resterend = bewijs.bedrag_eur
    for boete in await repo.wachtende_boetes(bewijs.inspectie_id):
        if bewijs.betaald_op > boete["herstel_uiterlijk_op"] or resterend < boete["verschuldigd_eur"]:
            continue
        resterend -= boete["verschuldigd_eur"]
        await repo.zet_boete(boete["boete_id"], "vervallen", boete["verschuldigd_eur"])
        await ctx.cancel(HERSTEL_TIMER, boete["boete_id"])
        await _meld_boete(ctx, BOETE_VERVALLEN, boete, "achterstallig loon binnen de hersteltermijn betaald")


async def herstel_verstreken(ctx: Context, payload: dict[str, Any]) -> None:
    repo = InspectieRepository(ctx.conn)
    boete = await repo.boete(payload["boete_id"])
    if boete is None or boete["status"] != "in_afwachting_herstel":
        return
    await repo.zet_boete(boete["boete_id"], "definitief")
    await _meld_boete(ctx, BOETE_DEFINITIEF, boete, "geen bewijs van nabetaling binnen de hersteltermijn")


async def _meld_boete(ctx: Context, ce_type: str, boete: dict[str, Any], reden: str) -> None:
    await ctx.emit(
        ce_type,
        {
            "boete_id": boete["boete_id"],
            "inspectie_id": boete["inspectie_id"],
            "werkgever": {"kvk_nummer": boete["werkgever_kvk"]},
            "wet": boete["wet"],
            "bedrag_eur": boete["bedrag_eur"],
            "reden": reden,
            "beleid": boete["beleid"],
        },
        boete["werkgever_kvk"],
    )
