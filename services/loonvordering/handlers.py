"""loonvordering's handlers: establish the amount, decide who is liable and why, follow the chain's
facts and terms (durable timers), and drive the claim to payment."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from services.loonvordering.adapters.repository import MeerdereVorderingen, VorderingRepository
from services.loonvordering.domain.bedrag import bereken_bedrag
from services.loonvordering.domain.betaling import fouten_betaald_op, saldo
from services.loonvordering.domain.invoer import Vordering
from services.loonvordering.domain.keten import (
    GROND_616E,
    Ketenfeiten,
    Termijn,
    aansprakelijken,
    bruikbaar,
    niets_bruikbaars,
    volgende_termijnen,
)
from services.loonvordering.domain.snelle_route import snelle_route
from shared.contract.base import organisatie_of, referentie_of
from shared.contract.loonvordering import (
    HOOGSTE_KETEN,
    Aanzegging,
    Betaling,
    Keteninformatie,
    KeteninformatieGevraagd,
    LoonvorderingIngediend,
    PartijStatus,
)
from shared.feitsleutel import Feit, eerste_keer, feit
from shared.policy import Policy, PolicyError
from shared.service import AMSTERDAM, Context, Rejected
from shared.wml import GeenMinimumloon, volwassen_leeftijd

VASTGESTELD = "nl.waardigwerk.loonvordering.vastgesteld"
GEWIJZIGD = "nl.waardigwerk.loonvordering.aansprakelijke_gewijzigd"
KETENINFO_TE_LAAT = "nl.waardigwerk.loonvordering.keteninformatie_te_laat"
BETALING_VERWERKT = "nl.waardigwerk.loonvordering.betaling_verwerkt"
VOLDAAN = "nl.waardigwerk.loonvordering.voldaan"
AFGEWEZEN = "nl.waardigwerk.loonvordering.afgewezen"
TERMIJN_TIMER = "ketentermijn"
FEIT = "nl.waardigwerk.loonvordering."
INSPECTIE = "arbeidsinspectie"


def vordering_id(organisatie: str, referentie: str) -> str:
    return "LV-" + hashlib.sha256(f"{organisatie}\x1f{referentie}".encode()).hexdigest()[:12].upper()


def begin_van_dag(dag: date) -> datetime:
    return datetime.combine(dag, time(0, 0), tzinfo=AMSTERDAM)


def als_data(aansprakelijk: list[Any]) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(a), "sinds": a.sinds.isoformat()} for a in aansprakelijk]


def _kop(v: dict[str, Any]) -> dict[str, Any]:
    """What every event about a claim starts with (routing to the filer is deling's job)."""
    return {
        "vordering_id": v["vordering_id"],
        "indiener_organisatie": v["indiener_organisatie"],
        "indiener_referentie": v["indiener_referentie"],
        "werkgever": {"kvk_nummer": v["werkgever_kvk"]},
        "werknemer": {"werknemer_ref": v["werknemer_ref"]},
    }


# -- a claim is filed -----------------------------------------------------------------------------
async def ingediend(ctx: Context, claim: LoonvorderingIngediend) -> None:
    await _vestig(ctx, claim, claim.indiener.organisatie)


async def onderbetaling_vastgesteld(ctx: Context, data: dict[str, Any]) -> None:
    """Underpayment the inspectorate established becomes a claim of its own, one per worker."""
    await _vestig(ctx, claim_uit_onderbetaling(data, ctx.policy), None)


def claim_uit_onderbetaling(data: dict[str, Any], policy: Policy) -> LoonvorderingIngediend:
    """The claim an inspection's underpayment finding opens. An age the inspection did not record
    is priced at the adult rate, as the inspection's own analysis does [A]; a recorded age is used
    as it is (an age of 0 is not "unknown")."""
    leeftijd = data.get("leeftijd")
    if leeftijd is None:
        leeftijd = volwassen_leeftijd(date.fromisoformat(str(data["periode_van"])), policy)
    return LoonvorderingIngediend.model_validate(
        {
            "indiener": {"organisatie": INSPECTIE, "referentie": f"{data['inspectie_id']}:{data['werknemer_ref']}"},
            "werknemer": {"werknemer_ref": data["werknemer_ref"], "leeftijd": leeftijd},
            "werkgever": {"kvk_nummer": data["werkgever"]["kvk_nummer"]},
            "periode_van": data["periode_van"],
            "periode_tot": data["periode_tot"],
            "gewerkte_uren": Decimal(str(data["gewerkte_uren"])),
            "betaald_bruto_eur": Decimal(str(data["betaald_bruto_eur"])),
        },
        strict=False,
    )


async def _vestig(ctx: Context, claim: LoonvorderingIngediend, indiener: str | None) -> None:
    repo, policy, vandaag = VorderingRepository(ctx.conn), ctx.policy, ctx.today
    vid = vordering_id(claim.indiener.organisatie, claim.indiener.referentie)
    if await repo.bestaat(vid):
        return  # the same claim again: it was established once
    vordering = Vordering.uit_ingediend(claim)
    try:
        berekening = bereken_bedrag(vordering, policy)
    except (PolicyError, GeenMinimumloon) as exc:
        raise Rejected(
            [{"veld": "periode_tot", "melding": f"het bedrag kan (nog) niet worden berekend: {exc}"}]
        ) from None
    snel = snelle_route(vordering, policy)
    invoer = claim.model_dump(mode="json", exclude={"werknemer": {"bsn"}})
    v = {
        "vordering_id": vid,
        "indiener_organisatie": indiener,
        "indiener_referentie": claim.indiener.referentie,
        "werkgever_kvk": claim.werkgever.kvk_nummer,
        "werknemer_ref": claim.werknemer.werknemer_ref,
        "invoer": invoer,
        "ingediend_op": vandaag,
        "bedrag_eur": berekening.bedrag_eur,
        "berekening": berekening.als_data(),
        "aansprakelijk": [],
        "status": "vastgesteld",
        "beleid": policy.version,
    }
    await repo.bewaar(v)
    if claim.werknemer.bsn is not None:
        await repo.bewaar_bsn(vid, claim.werknemer.bsn)
    feiten = await repo.ketenfeiten(v, snel)
    aansprakelijk = aansprakelijken(feiten, vandaag, policy)
    volgende = await _plan_termijnen(ctx, vid, feiten)
    await repo.zet(vid, aansprakelijk=als_data(aansprakelijk), volgende_termijn=volgende)
    await ctx.emit(
        VASTGESTELD,
        {
            **_kop(v),
            "periode_van": claim.periode_van,
            "periode_tot": claim.periode_tot,
            "bedrag_eur": berekening.bedrag_eur,
            "berekening": berekening.als_data(),
            "inkomensgarantie": berekening.inkomensgarantie,
            "snelle_route": snel,
            "aansprakelijk": als_data(aansprakelijk),
            "volgende_termijn": volgende,
            "beleid": policy.version,
        },
        vid,
    )


async def _plan_termijnen(ctx: Context, vid: str, feiten: Ketenfeiten) -> dict[str, Any] | None:
    termijnen = volgende_termijnen(feiten, ctx.policy, na=ctx.today)
    for t in termijnen:
        await ctx.schedule(
            TERMIJN_TIMER,
            _timersleutel(vid, t),
            begin_van_dag(t.datum),
            {"vordering_id": vid, "datum": t.datum.isoformat(), "soort": t.soort},
        )
    return {"datum": termijnen[0].datum.isoformat(), "soort": termijnen[0].soort} if termijnen else None


def _timersleutel(vid: str, t: Termijn) -> str:
    return f"{vid}:{t.datum.isoformat()}:{t.soort}"


async def _annuleer_termijnen(ctx: Context, vid: str, feiten: Ketenfeiten) -> None:
    """A settled claim's term timers: every term its facts plan, as if nothing were paid (a timer
    for a date a later fact moved fires and finds the claim voldaan)."""
    for t in volgende_termijnen(dataclasses.replace(feiten, betalingen=()), ctx.policy, na=ctx.today):
        await ctx.cancel(TERMIJN_TIMER, _timersleutel(vid, t))


async def afwijzen(ctx: Context, fouten: list[dict[str, str]]) -> None:
    """A refused claim goes back to the union that filed it, when the payload says which; a refused
    fact about a claim (e.g. a payment under a key already used) goes to the union that filed that
    claim, with its `vordering_id`."""
    data = ctx.cause.data if isinstance(ctx.cause.data, dict) else {}
    indiener = data.get("indiener")
    indiener = indiener if isinstance(indiener, dict) else {}
    organisatie, referentie = organisatie_of(indiener.get("organisatie")), referentie_of(indiener.get("referentie"))
    if organisatie is not None:
        await ctx.emit(
            AFGEWEZEN,
            {"indiener_organisatie": organisatie, "indiener_referentie": referentie, "fouten": fouten},
            referentie or organisatie,
        )
    elif isinstance(data.get("vordering_id"), str):
        v = None
        with contextlib.suppress(MeerdereVorderingen):  # then it is unknown whose claim it is about
            v = await VorderingRepository(ctx.conn).vordering(data["vordering_id"])
        if v is not None and v["indiener_organisatie"] is not None:
            await ctx.emit(
                AFGEWEZEN,
                {
                    "indiener_organisatie": v["indiener_organisatie"],
                    "indiener_referentie": v["indiener_referentie"],
                    "vordering_id": v["vordering_id"],
                    "fouten": fouten,
                },
                v["vordering_id"],
            )


# -- facts about the chain ------------------------------------------------------------------------
async def _herbeoordeel(ctx: Context, repo: VorderingRepository, v: dict[str, Any], reden: str, op: date) -> None:
    """Who is liable now and the next term; announce them when either changed (a fact can move the
    term alone, e.g. a claim on a level between under lid 4), and keep the term timers current. A
    party newly liable out of turn (616e) is also reported as late with the chain information."""
    if v["status"] == "voldaan" and not v["aansprakelijk"] and v["volgende_termijn"] is None:
        return  # settled and announced so, its terms cancelled: nothing a later fact can change
    vordering = Vordering.uit_ingediend(LoonvorderingIngediend.uit_opslag(v["invoer"]))
    feiten = await repo.ketenfeiten(v, snelle_route(vordering, ctx.policy))
    if v["status"] == "voldaan":  # nothing to claim from anyone, whatever comes after
        nu, volgende = [], None
        await _annuleer_termijnen(ctx, v["vordering_id"], feiten)
    else:
        nu = als_data(aansprakelijken(feiten, op, ctx.policy))
        volgende = await _plan_termijnen(ctx, v["vordering_id"], feiten)
    voor = {(a["kvk_nummer"], a["grond"]) for a in v["aansprakelijk"]}
    for a in nu:
        if a["grond"] == GROND_616E and (a["kvk_nummer"], GROND_616E) not in voor:
            await ctx.emit(
                KETENINFO_TE_LAAT,
                {
                    **_kop(v),
                    "partij": {"kvk_nummer": a["kvk_nummer"]},
                    "sinds": a["sinds"],
                    "beleid": ctx.policy.version,
                },
                v["vordering_id"],
            )
    if nu != v["aansprakelijk"] or volgende != v["volgende_termijn"]:
        await repo.zet(v["vordering_id"], aansprakelijk=nu, volgende_termijn=volgende)
        await ctx.emit(
            GEWIJZIGD,
            {
                **_kop(v),
                "aansprakelijk": nu,
                "reden": reden,
                "volgende_termijn": volgende,
                "beleid": ctx.policy.version,
            },
            v["vordering_id"],
        )


async def _nieuw(ctx: Context, f: Feit, veld: str) -> bool:
    """A partner's fact applies once: False when it was applied before (shared/feitsleutel.py)."""
    return await eerste_keer(ctx.conn, f, ctx.cause.id, veld)


async def _vordering(repo: VorderingRepository, sleutel: str) -> dict[str, Any]:
    try:
        v = await repo.vordering(sleutel)
    except MeerdereVorderingen:
        melding = f"referentie {sleutel} hoort bij vorderingen van meer dan één indiener: noem de vordering_id"
        raise Rejected([{"veld": "vordering_id", "melding": melding}]) from None
    if v is None:
        raise Rejected([{"veld": "vordering_id", "melding": f"vordering {sleutel} is onbekend"}])
    return v


async def aanzegging(ctx: Context, a: Aanzegging) -> None:
    repo = VorderingRepository(ctx.conn)
    v = await _vordering(repo, a.vordering_id)
    sleutel = {"vordering_id": v["vordering_id"], "aan": a.aan.kvk_nummer, "op": a.op}
    if not await _nieuw(ctx, feit(FEIT + "aanzegging", sleutel, {}, f"de aanzegging aan {a.aan.kvk_nummer}"), "op"):
        return
    await repo.feit(v["vordering_id"], "aanzegging", a.aan.kvk_nummer, a.op)
    await _herbeoordeel(ctx, repo, v, f"schriftelijke aanzegging aan {a.aan.kvk_nummer} op {a.op}", ctx.today)


async def partij_status(ctx: Context, s: PartijStatus) -> None:
    repo = VorderingRepository(ctx.conn)
    v = await _vordering(repo, s.vordering_id)
    sleutel = {"vordering_id": v["vordering_id"], "partij": s.partij.kvk_nummer, "status": s.status}
    omschrijving = f"de status {s.status} van {s.partij.kvk_nummer}"
    f = feit(FEIT + "partij_status", sleutel, {"vastgesteld_op": s.vastgesteld_op}, omschrijving)
    if not await _nieuw(ctx, f, "vastgesteld_op"):
        return
    await repo.feit(v["vordering_id"], "status", s.partij.kvk_nummer, s.vastgesteld_op, s.status)
    await _herbeoordeel(ctx, repo, v, f"{s.partij.kvk_nummer}: {s.status} (vastgesteld {s.vastgesteld_op})", ctx.today)


async def keteninformatie_gevraagd(ctx: Context, k: KeteninformatieGevraagd) -> None:
    """The worker asked a party to name the chain (616e): its two weeks run from `gevraagd_op`."""
    repo = VorderingRepository(ctx.conn)
    v = await _vordering(repo, k.vordering_id)
    sleutel = {"vordering_id": v["vordering_id"], "aan": k.aan.kvk_nummer, "gevraagd_op": k.gevraagd_op}
    omschrijving = f"het verzoek om keteninformatie aan {k.aan.kvk_nummer} van {k.gevraagd_op}"
    f = feit(FEIT + "keteninformatie_gevraagd", sleutel, {"gevraagd_door": k.gevraagd_door}, omschrijving)
    if not await _nieuw(ctx, f, "gevraagd_door"):
        return
    await repo.feit(v["vordering_id"], "verzoek", k.aan.kvk_nummer, k.gevraagd_op, {"door": k.gevraagd_door})
    reden = f"keteninformatie gevraagd door {k.gevraagd_door} aan {k.aan.kvk_nummer} op {k.gevraagd_op}"
    await _herbeoordeel(ctx, repo, v, reden, ctx.today)


async def keteninformatie(ctx: Context, k: Keteninformatie) -> None:
    """An answer is a fact of the day it arrives (it answers the requests made by then): sent again
    that day it counts once; each party of the chain it names is recorded once per claim, and the
    order it names them in (upward from its own client) places them in the chain. What says nothing
    about the chain (`bruikbaar`: the party itself and what it names below it, the employer, a party
    named again) is left out, not refused: the party has answered; when nothing is left of a
    non-empty answer, the filer hears so, unless it is complete as it is (`niets_bruikbaars`: the
    party naming only itself as the top, the direct client naming the employer as its partner). An
    answer whose new parties would take the claim's chain past HOOGSTE_KETEN parties is refused to
    the filer and adds none: it still counts as answered, and what it says up to its first new party
    is kept. An answer naming only known parties is never refused, however long the (stored) chain."""
    repo, door = VorderingRepository(ctx.conn), k.verstrekt_door.kvk_nummer
    v = await _vordering(repo, k.vordering_id)
    vid = v["vordering_id"]
    genoemd = [k.keten[i] for i in bruikbaar(v["werkgever_kvk"], door, [p.kvk_nummer for p in k.keten])]
    keten = [{"kvk_nummer": p.kvk_nummer, "rol": p.rol, "keurmerk": p.keurmerk} for p in genoemd]
    sleutel = {"vordering_id": vid, "verstrekt_door": door, "ontvangen_op": ctx.today}
    f = feit(FEIT + "keteninformatie", sleutel, {"keten": keten}, f"de keteninformatie van {door} van {ctx.today}")
    if not await _nieuw(ctx, f, "keten"):
        return
    bekend = await repo.partijen(v)
    nieuw = [p for p in genoemd if p.kvk_nummer not in bekend]
    te_lang = bool(nieuw) and len(bekend) + len(nieuw) > HOOGSTE_KETEN
    # too long: the order among known parties up to the first new one still counts; no party is added
    run = genoemd[: genoemd.index(nieuw[0])] if te_lang else genoemd
    await repo.feit(vid, "antwoord", door, ctx.today, {"keten": [p.kvk_nummer for p in run]})
    if te_lang:
        await afwijzen(ctx, [_te_lange_keten(door, len(bekend))])
    else:
        for partij in nieuw:  # not among `bekend` (the filed chain and the stored links), read under the claim's lock
            await repo.feit(
                vid, "schakel", partij.kvk_nummer, ctx.today, {"rol": partij.rol, "keurmerk": partij.keurmerk}
            )
        direct = next((p["kvk_nummer"] for p in v["invoer"].get("keten", [])), None)
        if not genoemd and niets_bruikbaars(v["werkgever_kvk"], direct, door, [p.kvk_nummer for p in k.keten]):
            await afwijzen(ctx, [_niets_bruikbaars(door)])
    await _herbeoordeel(ctx, repo, v, f"keteninformatie van {door}", ctx.today)


def _te_lange_keten(door: str, bekend: int) -> dict[str, str]:
    return {
        "veld": "keten",
        "melding": f"keten: de keteninformatie van {door} zou de keten van deze vordering op meer dan "
        f"{HOOGSTE_KETEN} partijen brengen (er zijn er al {bekend}); de nieuwe partijen zijn niet opgenomen, "
        "het antwoord telt wel als gegeven",
    }


def _niets_bruikbaars(door: str) -> dict[str, str]:
    return {
        "veld": "keten",
        "melding": f"keten: in de keteninformatie van {door} staat geen partij die iets over de keten zegt "
        f"(alleen {door} zelf, wat vóór {door} staat of de werkgever); er is niets aan de keten toegevoegd, "
        "het antwoord telt wel als gegeven",
    }


async def termijn_verstreken(ctx: Context, payload: dict[str, Any]) -> None:
    """A term ran out: the top client's wait, or a party's two weeks to name the chain (616e)."""
    repo = VorderingRepository(ctx.conn)
    v = await repo.vordering(payload["vordering_id"])
    if v is None or v["status"] == "voldaan":
        return
    op = date.fromisoformat(payload["datum"])
    await _herbeoordeel(ctx, repo, v, f"termijn verstreken ({payload['soort']}) op {op}", op)


# -- payments -------------------------------------------------------------------------------------
async def betaling(ctx: Context, b: Betaling) -> None:
    """A payment counts once however often it is sent (its key: claim, payer, day, reference)."""
    if fouten := fouten_betaald_op(b.betaald_op, ctx.laatste_dag, ctx.today):
        raise Rejected(fouten)
    repo = VorderingRepository(ctx.conn)
    v = await _vordering(repo, b.vordering_id)
    door = b.betaald_door.kvk_nummer
    sleutel = {"vordering_id": v["vordering_id"], "betaald_door": door, "betaald_op": b.betaald_op}
    omschrijving = f"de betaling door {door} op {b.betaald_op}" + (
        f" met referentie {b.referentie}" if b.referentie else " zonder referentie"
    )
    f = feit(FEIT + "betaling", {**sleutel, "referentie": b.referentie}, {"bedrag_eur": b.bedrag_eur}, omschrijving)
    if not await _nieuw(ctx, f, "referentie"):
        return
    await repo.bewaar_betaling(ctx.cause.id, v["vordering_id"], b.betaald_door.kvk_nummer, b.bedrag_eur, b.betaald_op)
    # paid by the latest day it can carry: a payment on the payer's own day ahead of the Dutch one counts
    stand = saldo(Decimal(str(v["bedrag_eur"])), await repo.betalingen(v["vordering_id"]), ctx.laatste_dag)
    await ctx.emit(
        BETALING_VERWERKT,
        {
            **_kop(v),
            "betaald_door": {"kvk_nummer": b.betaald_door.kvk_nummer},
            "bedrag_eur": b.bedrag_eur,
            "openstaand_eur": stand.open_eur,
            "overbetaald_eur": stand.overbetaald_eur,
            "beleid": v["beleid"],
        },
        v["vordering_id"],
    )
    if stand.voldaan and v["status"] != "voldaan":
        await repo.zet(v["vordering_id"], status="voldaan")
        await ctx.emit(
            VOLDAAN,
            {
                **_kop(v),
                "bedrag_eur": stand.vastgesteld_eur,
                "betaald_eur": stand.betaald_eur,
                "overbetaald_eur": stand.overbetaald_eur,
                "voldaan_op": stand.voldaan_op,
                "beleid": v["beleid"],
            },
            v["vordering_id"],
        )
        # Nothing outstanding: nobody is liable any more, and the filer hears so once.
        voldaan = {**v, "status": "voldaan"}
        await _herbeoordeel(ctx, repo, voldaan, f"vordering voldaan op {stand.voldaan_op or ctx.today}", ctx.today)
