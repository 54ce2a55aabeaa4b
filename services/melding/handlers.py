"""melding's handlers: one per consumed event type, thin; the rules live in `domain`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

import structlog

from services.melding.adapters.intake import Intake
from services.melding.adapters.repository import MeldingRepository
from services.melding.domain import terugkoppeling
from services.melding.domain.bezoek import (
    GemeldeMelding,
    afsplitsing,
    gesloten_door_eerder_bezoek,
    termijn_gehaald_door_later_bezoek,
)
from services.melding.domain.classificatie import meldt_huisvesting, scope_voor
from services.melding.domain.deadline import bezoek_in_termijn, geen_overschrijding, uiterlijk_inspectie_op
from services.melding.domain.herhaling import fouten_referentie_hergebruikt
from services.melding.domain.koppeling import KoppelKandidaat, kies_zaak
from services.melding.domain.waarneming import fouten_waarneming
from services.melding.domain.zaak import OngeldigeOvergang, overgang
from shared.contract.melding import MeldingIngediend, melder_referentie_uit
from shared.db import Conn
from shared.envelope import CloudEvent
from shared.feitsleutel import inhoud_hash
from shared.locks import lock, werkgever_key, werkgevers
from shared.policy import Policy
from shared.service import AMSTERDAM, Context, Rejected

ONTVANGEN = "nl.waardigwerk.melding.ontvangen"
AFGEWEZEN = "nl.waardigwerk.melding.afgewezen"
TERMIJN_OVERSCHREDEN = "nl.waardigwerk.melding.termijn_overschreden"
log = structlog.get_logger()
HUISVESTING_SIGNAAL = "nl.waardigwerk.melding.huisvestingssignaal"
TERMIJN_TIMER = "inspectietermijn"
VERPLAATS_TIMER = "verplaatsing"  # set by migration 0002 only


async def werkgevers_per_batch(conn: Conn, events: Sequence[CloudEvent], today: date, policy: Policy) -> list[str]:
    """Safe at two replicas: reports about one employer are linked into cases one batch at a time.

    The contract keys a report by the reporter's reference, so two reports about one employer can
    reach two replicas at once; each would find no open case and open one. Every batch therefore
    holds its employers' locks (taken sorted, shared/locks.py) before it reads a case."""
    return sorted(werkgever_key(kvk) for kvk in werkgevers(events))


def einde_van_dag(dag: date) -> datetime:
    """A deadline day passes at midnight after it, Dutch time."""
    return datetime.combine(dag + timedelta(days=1), time(0, 0), tzinfo=AMSTERDAM)


async def melding_ingediend(ctx: Context, melding: MeldingIngediend) -> None:
    """File a report: a new case or a link to an open one, its deadline, and the acknowledgement.

    Reads and writes go through the batch's intake (`adapters.intake`): loaded once per batch,
    written once per table; two reports of one batch about one employer see each other."""
    intake: Intake = ctx.batch
    melder = melding.melder
    hash_ = inhoud_hash(ctx.cause.data)
    bestaand = intake.melding_met_referentie(melder.organisatie, melder.referentie)
    if bestaand is not None and bestaand.inhoud_hash == hash_:  # sent again: accepted before, as it is
        await _bevestig(
            ctx, ctx.cause.data, bestaand.zaak_id, bestaand.ontvangen_op, bestaand.uiterlijk_inspectie_op, False
        )
        return
    fouten = fouten_waarneming(melding.waargenomen_op, ctx.today, laatste=ctx.laatste_dag)
    if bestaand is not None:  # the reference reused for another report
        fouten += fouten_referentie_hergebruikt()
    if fouten:
        raise Rejected(fouten)

    ontvangen_op = ctx.today
    uiterlijk = uiterlijk_inspectie_op(ontvangen_op, ctx.policy)
    categorieen: list[str] = sorted(melding.categorieen)
    scope = scope_voor(categorieen, ctx.policy, ontvangen_op)
    kvk = melding.werkgever.kvk_nummer
    kandidaten = [
        KoppelKandidaat(
            zaak_id=z.zaak_id,
            werkgever_kvk=kvk,
            status=z.status,
            categorieen=z.categorieen,
            laatste_melding_op=z.laatste_melding_op,
            organisaties=z.organisaties,
        )
        for z in intake.open_zaken_van(kvk)
    ]
    zaak_id = kies_zaak(
        kandidaten,
        werkgever_kvk=kvk,
        categorieen=categorieen,
        organisatie=melder.organisatie,
        ontvangen_op=ontvangen_op,
        policy=ctx.policy,
    )
    gekoppeld = zaak_id is not None
    gemeentecode = melding.werklocatie.gemeentecode if melding.werklocatie else None
    if zaak_id is None:
        zaak_id = f"Z-{uuid.uuid4().hex[:12].upper()}"
        intake.open_zaak(zaak_id, kvk, categorieen, scope, gemeentecode, ontvangen_op, uiterlijk, melder.organisatie)
        intake.audit(zaak_id, "ontvangen", "zaak geopend op een melding", ctx.now, ctx.cause.id)
    else:
        intake.voeg_toe_aan_zaak(kvk, zaak_id, categorieen, scope, ontvangen_op, melder.organisatie)
        intake.audit(zaak_id, "ontvangen", "melding gekoppeld aan de zaak", ctx.now, ctx.cause.id)
    melding_id = str(uuid.uuid4())
    intake.bewaar_melding(melding_id, melder, zaak_id, hash_, categorieen, ontvangen_op, uiterlijk, ctx.cause.data)
    await ctx.schedule(TERMIJN_TIMER, melding_id, einde_van_dag(uiterlijk), {"melding_id": melding_id})
    await _bevestig(
        ctx, ctx.cause.data, zaak_id, ontvangen_op, uiterlijk, gekoppeld, melding_id=melding_id, scope=scope
    )
    if meldt_huisvesting(categorieen) and melding.werklocatie is not None:
        await ctx.emit(
            HUISVESTING_SIGNAAL,
            {"zaak_id": zaak_id, "werkgever": {"kvk_nummer": kvk}, "adres": melding.werklocatie.model_dump()},
            zaak_id,
        )


async def _bevestig(
    ctx: Context,
    melding: dict[str, Any],
    zaak_id: str,
    ontvangen_op: date,
    uiterlijk: date,
    gekoppeld: bool,
    *,
    melding_id: str | None = None,
    scope: list[str] | None = None,
    **extra: Any,
) -> None:
    """The acknowledgement: to the reporter (via deling) and, for a new report, to inspectie for planning.

    `melding` is the report's data as sent (validated when it came in: `MeldingIngediend`)."""
    melder, werkgever, werklocatie = melding["melder"], melding["werkgever"], melding.get("werklocatie")
    bericht = terugkoppeling.ontvangen(
        terugkoppeling.MelderRef(melder["organisatie"], melder["referentie"]),
        zaak_id,
        ontvangen_op,
        uiterlijk,
        gekoppeld=gekoppeld,
    )
    data: dict[str, Any] = {
        **bericht.data,
        # for inspectie's planning (internal; deling's allow-list keeps these from the reporter)
        "melder_soort": melder["soort"],
        "werkgever": {"kvk_nummer": werkgever["kvk_nummer"]},
        "werkgever_naam": werkgever.get("naam"),  # for the console's lists (internal, like the fields below)
        "omschrijving": melding["omschrijving"],
        "werklocatie": {"gemeentecode": None, **werklocatie} if werklocatie else None,
        "categorieen": sorted(melding["categorieen"]),
        "aantal_betrokkenen": melding.get("aantal_betrokkenen"),
        "melding_id": melding_id,
        "scope": scope,
        "herhaald": melding_id is None,
        "beleid": ctx.policy.version,
        **extra,
    }
    await ctx.emit(ONTVANGEN, data, zaak_id)


async def afwijzen(ctx: Context, fouten: list[dict[str, str]]) -> None:
    """A rejected report goes back to its reporter, when the payload says who that is."""
    organisatie, referentie = melder_referentie_uit(ctx.cause.data_json)
    if organisatie is None:
        return  # the sender cannot be identified: the DLQ copy is what remains
    data = {"melder_organisatie": organisatie, "melder_referentie": referentie, "fouten": fouten}
    await ctx.emit(AFGEWEZEN, data, referentie or organisatie)


async def _naar_status(
    ctx: Context,
    zaak_id: str,
    naar: str,
    feedback: Callable[[terugkoppeling.MelderRef], terugkoppeling.Terugkoppeling],
    resultaat: str | None = None,
) -> None:
    """Move the case forward (audited with the causing event) and tell every reporter of the case."""
    intake: Intake = ctx.batch
    stand = (await intake.lees_zaken(ctx.conn, [zaak_id])).get(zaak_id)
    if stand is None:
        return
    van = stand.status
    try:
        wijziging = overgang(van, naar, resultaat or stand.resultaat)
    except OngeldigeOvergang as exc:
        log.info("status_unchanged", zaak_id=zaak_id, reason=str(exc))
        return
    if wijziging is None:
        return
    intake.zet_status(zaak_id, van, naar, wijziging.omschrijving, ctx.now, ctx.cause.id, resultaat)
    for organisatie, referentie in stand.melders:
        bericht = feedback(terugkoppeling.MelderRef(organisatie, referentie))
        await ctx.emit(bericht.type, bericht.data, zaak_id)


async def inspectie_gepland(ctx: Context, data: dict[str, Any]) -> None:
    """A new plan (`inspectie.gepland`) or a moved one (`inspectie.herpland`: also how a report joins an
    inspection already planned): every case behind it is planned, and its reporters hear the date.
    The batch's load has read these cases (`intake.laad`)."""
    gepland_op = date.fromisoformat(data["gepland_op"])
    for aanleiding in data.get("aanleidingen", []):
        if aanleiding.get("soort") == "melding":
            zaak_id = aanleiding["id"]
            await _naar_status(
                ctx,
                zaak_id,
                "inspectie_gepland",
                partial(terugkoppeling.inspectie_gepland, zaak_id=zaak_id, gepland_op=gepland_op),
            )


async def inspectie_afgerond(ctx: Context, data: dict[str, Any]) -> None:
    """An inspection of the employer stops the clock of every open case received before the visit and
    closes it. A case's reports received after the visit's day are no part of that: they move to a new
    open case first (`domain.bezoek`), keep their deadlines and are acknowledged in it. A report the
    visit answered only after its deadline (`bezoek_in_termijn`) still had its deadline pass without a
    visit: its breach is judged here as its timer would (`_meld_overschrijding`, once), as that timer
    may not have fired yet (due while the service was down, in one batch with the visit, or a test
    clock moved past both) and is stopped now."""
    repo = MeldingRepository(ctx.conn)
    intake: Intake = ctx.batch
    op = date.fromisoformat(data["uitgevoerd_op"])
    kvk = data["werkgever"]["kvk_nummer"]
    overtreding = bool(data.get("overtreding_vastgesteld"))
    resultaat = "overtreding_vastgesteld" if overtreding else "geen_overtreding"
    gelezen = await repo.open_zaken_ontvangen_voor(kvk, op)
    standen = await intake.lees_zaken(ctx.conn, gelezen)  # all of them in one read
    zaken = [z for z in gelezen if standen[z].status != "gesloten"]  # closed by an earlier event of the batch
    for zaak_id in zaken:
        await _splits_af_na_bezoek(ctx, intake, zaak_id, kvk, op)
        for beantwoord in await repo.markeer_geinspecteerd(zaak_id, op):
            await ctx.cancel(TERMIJN_TIMER, beantwoord.melding_id)
            if not bezoek_in_termijn(
                op, ontvangen_op=beantwoord.ontvangen_op, uiterlijk_inspectie_op=beantwoord.uiterlijk_inspectie_op
            ):  # answered only after its deadline, maybe before its timer fired: the breach stands
                await _meld_overschrijding(ctx, repo, beantwoord.melding_id)
        await _naar_status(
            ctx, zaak_id, "geinspecteerd", partial(terugkoppeling.geinspecteerd, zaak_id=zaak_id, uitgevoerd_op=op)
        )
        await _naar_status(
            ctx,
            zaak_id,
            "uitkomst",
            partial(terugkoppeling.uitkomst, zaak_id=zaak_id, overtreding_vastgesteld=overtreding),
            resultaat=resultaat,
        )
        await _naar_status(ctx, zaak_id, "gesloten", partial(terugkoppeling.gesloten, zaak_id=zaak_id))


async def _splits_af_na_bezoek(ctx: Context, intake: Intake, zaak_id: str, kvk: str, op: date) -> str | None:
    """Move the case's reports received after the visit day `op` to a new open case, and tell each of
    their reporters that case (`melding.ontvangen`, not `herhaald`: inspectie plans it, with the
    reports' own deadlines). Their timers keep running; the visit closes only what it answered.
    The caller holds the employer's lock (a batch's, or the deadline timer's own). Returns the new
    case, None when the visit answered every report of the case."""
    repo = MeldingRepository(ctx.conn)
    if intake.heeft_nieuwe_meldingen(zaak_id):  # a report of this batch joined it: write it first
        await intake.flush(ctx.conn)
    rijen = await repo.meldingen_van(zaak_id)
    gemeld = [
        GemeldeMelding(
            melding_id=r["melding_id"],
            organisatie=r["organisatie"],
            referentie=r["referentie"],
            ontvangen_op=r["ontvangen_op"],
            uiterlijk_inspectie_op=r["uiterlijk_inspectie_op"],
            categorieen=tuple(r["categorieen"]),
            gemeentecode=((_als_dict(r["data"]).get("werklocatie") or {}).get("gemeentecode")),
        )
        for r in rijen
    ]
    nieuw = afsplitsing(gemeld, op, ctx.policy)
    if nieuw is None:
        return None
    nieuw_id = f"Z-{uuid.uuid4().hex[:12].upper()}"
    await repo.splits_af(zaak_id, nieuw_id, kvk, nieuw)
    intake.afgesplitst(
        zaak_id,
        nieuw_id,
        kvk,
        nieuw,
        (
            f"{len(nieuw.meldingen)} melding(en) ontvangen na het bezoek van {op.isoformat()} naar zaak {nieuw_id}",
            f"zaak geopend voor de meldingen die na het bezoek van {op.isoformat()} aan zaak {zaak_id} zijn ontvangen",
        ),
        rijen[0]["status"],
        ctx.now,
        ctx.cause.id,
    )
    per_id = {r["melding_id"]: r for r in rijen}
    for n, m in enumerate(nieuw.meldingen):
        await _bevestig(
            ctx,
            _als_dict(per_id[m.melding_id]["data"]),
            nieuw_id,
            m.ontvangen_op,
            m.uiterlijk_inspectie_op,
            n > 0,  # as if it had come after the case closed: the first opens the new case
            melding_id=m.melding_id,
            scope=scope_voor(m.categorieen, ctx.policy, m.ontvangen_op),
            verplaatst_uit=zaak_id,
        )
    return nieuw_id


def _als_dict(data: Any) -> dict[str, Any]:
    """A jsonb column as asyncpg returns it without a codec (text) or with one (a dict)."""
    return json.loads(data) if isinstance(data, str) else dict(data)


def _onbeantwoord_gesloten(info: dict[str, Any]) -> bool:
    return gesloten_door_eerder_bezoek(
        info["status"],
        ontvangen_op=info["ontvangen_op"],
        geinspecteerd_op=info["geinspecteerd_op"],
        laatste_bezoek=info["laatste_bezoek"],
    )


async def _verplaats_als_onbeantwoord_gesloten(ctx: Context, repo: MeldingRepository, melding_id: str) -> None:
    """A report closed with its case by a visit before it was received (`gesloten_door_eerder_bezoek`:
    stored before a visit split off what it did not answer) moves, with the case's other reports
    received after the employer's latest visit, to a new open case exactly as the visit now does
    (acknowledged in it, so inspectie plans it). What a later visit of the employer answered stays
    (`beantwoord_door_later_bezoek`). A moved report is in an open case: it is never moved twice."""
    info = await repo.termijn_info(melding_id, vergrendel=False)
    if info is None or not _onbeantwoord_gesloten(info):
        return
    # the employer's lock before any report's row: a report of the employer can join the case this
    # opens, and a timer of another report of the case, fired at the same time, waits here
    await lock(ctx.conn, werkgever_key(info["werkgever_kvk"]))
    info = await repo.termijn_info(melding_id, vergrendel=False)  # as it is under the lock
    if info is None or not _onbeantwoord_gesloten(info):
        return
    intake = Intake()
    nieuw = await _splits_af_na_bezoek(ctx, intake, info["zaak_id"], info["werkgever_kvk"], info["laatste_bezoek"])
    await intake.flush(ctx.conn)  # the audit lines of the move
    log.info("melding_verplaatst_na_bezoek", melding_id=melding_id, van=info["zaak_id"], naar=nieuw)


async def verplaatsing(ctx: Context, payload: dict[str, Any]) -> None:
    """The timer migration 0002 sets for each report closed with its case by a visit before it was
    received: it moves at once, not only when its deadline comes."""
    await _verplaats_als_onbeantwoord_gesloten(ctx, MeldingRepository(ctx.conn), payload["melding_id"])


async def termijn_verstreken(ctx: Context, payload: dict[str, Any]) -> None:
    """The durable deadline timer: no inspection carried out in time -> the breach is reported once.

    A visit cancels the timers of the reports received by its day (having reported the breach of one
    it answered only after its deadline: this timer, fired after all, finds it reported); a report
    received after it is in an open case of its own (`_splits_af_na_bezoek`), so its timer reports
    the breach unless a visit of its case fell between its receipt and its deadline
    (`geen_overschrijding`). A report still
    closed with a case visited before it was received moves to an open case first
    (`_verplaats_als_onbeantwoord_gesloten`), and its deadline is judged there. One that a later
    visit of the employer answered stays (not moved); its deadline is no breach only when such a
    visit fell on or before it (`termijn_gehaald_door_later_bezoek`), else the breach is reported in
    the closed case; a timer fired again finds its breach reported."""
    repo = MeldingRepository(ctx.conn)
    await _verplaats_als_onbeantwoord_gesloten(ctx, repo, payload["melding_id"])
    await _meld_overschrijding(ctx, repo, payload["melding_id"])


async def _meld_overschrijding(ctx: Context, repo: MeldingRepository, melding_id: str) -> None:
    """Judge a report whose deadline passed and report its breach, once: from its deadline timer, or
    from a visit that answered it only after its deadline. The report's row is locked, so the timer
    and such a visit, at the same time, do not both report it; whichever comes second finds it reported."""
    info = await repo.termijn_info(melding_id)
    if info is None or info["termijn_overschreden"]:
        return
    if termijn_gehaald_door_later_bezoek(
        info["status"],
        ontvangen_op=info["ontvangen_op"],
        uiterlijk_inspectie_op=info["uiterlijk_inspectie_op"],
        geinspecteerd_op=info["geinspecteerd_op"],
        bezoeken=info["bezoeken"],
    ):
        log.info(
            "termijn_geen_overschrijding",
            melding_id=info["melding_id"],
            zaak_id=info["zaak_id"],
            reden="een later bezoek aan de werkgever, tussen de dag van ontvangst en de uiterste inspectiedatum",
        )
        return
    reden = geen_overschrijding(
        ontvangen_op=info["ontvangen_op"],
        uiterlijk_inspectie_op=info["uiterlijk_inspectie_op"],
        geinspecteerd_op=info["geinspecteerd_op"],
    )
    if reden is not None:
        log.info("termijn_geen_overschrijding", melding_id=info["melding_id"], zaak_id=info["zaak_id"], reden=reden)
        return
    await repo.markeer_termijn_overschreden(info["melding_id"])
    await ctx.emit(
        TERMIJN_OVERSCHREDEN,
        {
            "zaak_id": info["zaak_id"],
            "melding_id": info["melding_id"],
            "werkgever": {"kvk_nummer": info["werkgever_kvk"]},
            "ontvangen_op": info["ontvangen_op"],
            "uiterlijk_inspectie_op": info["uiterlijk_inspectie_op"],
            "scope": list(info["scope"]),
            "gemeentecode": info["gemeentecode"],
            "vastgesteld_op": ctx.today,
            "beleid": ctx.policy.version,
        },
        info["zaak_id"],
    )
