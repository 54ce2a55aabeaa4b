"""inspectie's handlers for the admission of temporary-work agencies (Wtta; SER 2025 rec. 5): an NAU
decision is kept, and an agency without a standing admission becomes a risk signal (domain/wtta.py).

The payroll return is handled here first as before (`handlers.loonaangifte`: headcount, agency
status, the below-WML signal) and then checked against the admissions known."""

from __future__ import annotations

from datetime import date

from services.inspectie import handlers as h
from services.inspectie.adapters.repository import InspectieRepository
from services.inspectie.adapters.toelatingen import ToelatingRepository
from services.inspectie.domain import wtta
from services.inspectie.domain.risico import Signaal
from shared.contract.belastingdienst import Loonaangifte
from shared.contract.nau import Toelating
from shared.service import Context


async def _wtta_signaal(ctx: Context, kvk: str, soort: wtta.WttaSignaal, op: date) -> None:
    repo = InspectieRepository(ctx.conn)
    signaal = Signaal(soort, f"{ctx.cause.id}:{soort}", op)
    if await repo.bewaar_signaal(signaal, kvk, {"soort": soort, "id": ctx.cause.id}):
        await h.herbeoordeel(ctx, repo, kvk, None, None)


async def toelating(ctx: Context, t: Toelating) -> None:
    """`nl.waardigwerk.nau.toelating`: keep the latest decision; a withdrawal or refusal is a signal."""
    kvk = t.uitlener.kvk_nummer
    besluit = wtta.Toelatingsbesluit(t.besluit, t.besluit_op, t.bestuurder_faillissement_op)
    if not await ToelatingRepository(ctx.conn).bewaar(kvk, besluit, ctx.cause.id):
        return  # older than the decision known
    soort = wtta.na_besluit(besluit, ctx.policy)
    if soort is not None:
        await _wtta_signaal(ctx, kvk, soort, t.besluit_op)


async def loonaangifte(ctx: Context, aangifte: Loonaangifte) -> None:
    """The payroll return as before; an agency without a standing admission is a signal as well."""
    await h.loonaangifte(ctx, aangifte)
    if aangifte.is_uitzendonderneming:
        kvk = aangifte.werkgever.kvk_nummer
        laatste = await ToelatingRepository(ctx.conn).laatste(kvk)
        soort = wtta.na_loonaangifte(True, laatste, ctx.today, ctx.policy)
        if soort is not None:
            await _wtta_signaal(ctx, kvk, soort, ctx.today)
