"""inspectie's handlers for labour supply across firms and borders: the admission of temporary-work
agencies (Wtta; SER 2025 rec. 5; domain/wtta.py) and the notification of posted workers (WagwEU;
SER 2025 rec. 7; domain/detachering.py). Each conclusion is a risk signal of the model.

The payroll return is handled here first as before (`handlers.loonaangifte`: headcount, agency
status, the below-WML signal) and then checked against the admissions known."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.inspectie import handlers as h
from services.inspectie.adapters.planning import planning_van
from services.inspectie.adapters.toelatingen import ToelatingRepository
from services.inspectie.domain import detachering, wtta
from services.inspectie.domain.risico import Signaal, Soort
from shared.contract.belastingdienst import Loonaangifte
from shared.contract.meldloket import Detachering
from shared.contract.nau import Toelating
from shared.service import Context


async def _signalen(
    ctx: Context, kvk: str, soorten: list[Soort], op: date, werklocatie: dict[str, Any] | None = None
) -> None:
    """Store each signal under an id of its own (one event may give several), then reassess once."""
    async with planning_van(ctx) as planning:
        nieuw = False
        for soort in soorten:
            signaal = Signaal(soort, f"{ctx.cause.id}:{soort}", op)
            nieuw |= await planning.bewaar_signaal(signaal, kvk, {"soort": soort, "id": ctx.cause.id})
        if nieuw:
            await h.herbeoordeel(ctx, planning, kvk, werklocatie, None)


async def _wtta_signaal(ctx: Context, kvk: str, soort: wtta.WttaSignaal, op: date) -> None:
    await _signalen(ctx, kvk, [soort], op)


async def toelating(ctx: Context, t: Toelating) -> None:
    """`nl.waardigwerk.nau.toelating`: keep the latest decision; a withdrawal or refusal is a signal.
    One decision per agency and day: sent again it is one signal."""
    kvk = t.uitlener.kvk_nummer
    sleutel, inhoud = {"uitlener": kvk, "besluit_op": t.besluit_op}, t.model_dump(exclude={"uitlener", "besluit_op"})
    if not await h.eerste_keer_ontvangen(
        ctx, sleutel, inhoud, f"het besluit over {kvk} van {t.besluit_op}", "besluit_op"
    ):
        return
    besluit = wtta.Toelatingsbesluit(t.besluit, t.besluit_op, t.bestuurder_faillissement_op)
    if not await ToelatingRepository(ctx.conn).bewaar(kvk, besluit, ctx.cause.id):
        return  # older than the decision known
    soort = wtta.na_besluit(besluit, ctx.policy)
    if soort is not None:
        await _wtta_signaal(ctx, kvk, soort, t.besluit_op)


async def loonaangifte(ctx: Context, aangifte: Loonaangifte) -> None:
    """The payroll return as before; an agency without a standing admission is a signal as well.
    One return per employer and month: sent again it has no second effect."""
    kvk, tijdvak = aangifte.werkgever.kvk_nummer, aangifte.tijdvak
    inhoud = aangifte.model_dump(exclude={"werkgever", "tijdvak"})
    omschrijving = f"de loonaangifte van {kvk} over {tijdvak}"
    if not await h.eerste_keer_ontvangen(ctx, {"werkgever": kvk, "tijdvak": tijdvak}, inhoud, omschrijving, "tijdvak"):
        return
    await h.loonaangifte(ctx, aangifte)
    if aangifte.is_uitzendonderneming:
        laatste = await ToelatingRepository(ctx.conn).laatste(kvk)
        soort = wtta.na_loonaangifte(True, laatste, ctx.today, ctx.policy)
        if soort is not None:
            await _wtta_signaal(ctx, kvk, soort, ctx.today)


async def detachering_gemeld(ctx: Context, d: Detachering) -> None:
    """`nl.waardigwerk.meldloket.detachering`: late notice, missing or expired A1, and under ser2025
    no substantial activity in the home state are signals about the Dutch client. One notification per
    `melding_id`: sent again it gives no second signal."""
    inhoud, omschrijving = d.model_dump(exclude={"melding_id"}), f"de detacheringsmelding {d.melding_id}"
    if not await h.eerste_keer_ontvangen(ctx, {"melding_id": d.melding_id}, inhoud, omschrijving, "melding_id"):
        return
    soorten = detachering.signalen(d, ctx.today, ctx.policy)
    if soorten:
        werklocatie = d.werklocatie.model_dump() if d.werklocatie else None
        await _signalen(ctx, d.opdrachtgever.kvk_nummer, list(soorten), ctx.today, werklocatie)
