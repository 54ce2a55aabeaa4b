"""huisvesting's handlers: check each contract when it arrives, again on the days a time-dependent
rule starts to bite (durable timers), and when the municipality signals trouble at its address."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from services.huisvesting.adapters.repository import HuisvestingRepository
from services.huisvesting.domain.controle import controleer, hercontrole_na_signaal
from services.huisvesting.domain.controlemomenten import volgende_controlemomenten
from shared.contract.base import gemeentecode_of, referentie_of
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.service import AMSTERDAM, Context

GECONTROLEERD = "nl.waardigwerk.huisvesting.gecontroleerd"
AFGEWEZEN = "nl.waardigwerk.huisvesting.afgewezen"
HERCONTROLE = "hercontrole"


def begin_van_dag(dag: date) -> datetime:
    return datetime.combine(dag, time(0, 0), tzinfo=AMSTERDAM)


async def _controleer(
    ctx: Context,
    repo: HuisvestingRepository,
    contract: HuurcontractAangeboden,
    op: date,
    aanleiding: dict[str, str],
    vorige: list[str] | None,
) -> None:
    """Check on `op`; announce the outcome when it is new (always on arrival and on a municipal signal)."""
    controle = controleer(contract, op, ctx.policy)
    codes = sorted(b.code for b in controle.bevindingen)
    await repo.gecontroleerd(contract.contract_referentie, codes, op)
    if vorige is not None and codes == sorted(vorige):
        return
    await ctx.emit(GECONTROLEERD, {**controle.als_data(), "aanleiding": aanleiding}, contract.contract_referentie)


async def huurcontract_aangeboden(ctx: Context, contract: HuurcontractAangeboden) -> None:
    repo = HuisvestingRepository(ctx.conn)
    await repo.bewaar(contract)
    vandaag = ctx.today
    await _controleer(ctx, repo, contract, vandaag, {"soort": "aangeboden", "id": ctx.cause.id}, None)
    for dag, reden in volgende_controlemomenten(contract, ctx.policy, na=vandaag):
        await ctx.schedule(
            HERCONTROLE,
            f"{contract.contract_referentie}:{dag.isoformat()}",
            begin_van_dag(dag),
            {"contract_referentie": contract.contract_referentie, "op": dag.isoformat(), "reden": reden},
        )


async def hercontrole(ctx: Context, payload: dict[str, Any]) -> None:
    """A time-dependent rule starts to apply today: a stay crossed a threshold, a lease outlived its label."""
    repo = HuisvestingRepository(ctx.conn)
    gevonden = await repo.contract(payload["contract_referentie"])
    if gevonden is None:
        return
    contract, vorige = gevonden
    await _controleer(
        ctx, repo, contract, date.fromisoformat(payload["op"]), {"soort": "termijn", "id": payload["reden"]}, vorige
    )


async def gemeente_signaal(ctx: Context, signaal: GemeenteSignaal) -> None:
    if not hercontrole_na_signaal(signaal.signaal, signaal.vastgesteld_op, ctx.policy):
        return
    repo = HuisvestingRepository(ctx.conn)
    for referentie in await repo.op_adres(signaal.adres.postcode, signaal.adres.huisnummer):
        gevonden = await repo.contract(referentie)
        if gevonden is not None:
            await _controleer(
                ctx, repo, gevonden[0], ctx.today, {"soort": f"gemeente_{signaal.signaal}", "id": ctx.cause.id}, None
            )


async def afwijzen(ctx: Context, fouten: list[dict[str, str]]) -> None:
    """A contract that cannot be judged goes back to the municipality of its address, when readable."""
    data = ctx.cause.data if isinstance(ctx.cause.data, dict) else {}
    adres = data.get("adres")
    gemeentecode = gemeentecode_of(adres.get("gemeentecode")) if isinstance(adres, dict) else None
    referentie = referentie_of(data.get("contract_referentie"))
    if gemeentecode is not None:
        await ctx.emit(
            AFGEWEZEN,
            {"contract_referentie": referentie, "adres": {"gemeentecode": gemeentecode}, "fouten": fouten},
            referentie or gemeentecode,
        )
