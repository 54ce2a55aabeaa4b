"""Unlawful housing deductions known for a worker (HUIS-005, from huisvesting's checks), as far as
they concern an underpaid period: what does not count as wage paid in a WML fine (defect 12).

Per calendar month that the deduction and the period share, the month's unlawful part
(`shared.inhouding.niet_als_loon_per_maand`) counts for the share of the month's days that lie in
both [A]: a deduction of EUR 300 a month over half a month of the period counts EUR 150.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.inspectie.domain.wml import tarief_bekend
from shared.contract.inspectie import OnderbetalingRegel
from shared.inhouding import niet_als_loon_per_maand
from shared.maanden import maand_van
from shared.policy import Policy


@dataclass(frozen=True)
class OnrechtmatigeInhouding:
    """A housing deduction from a worker's wage that breaks HUIS-005, from `van` to `tot` (None:
    the lease runs on). `voorwaarden_voldaan` false: a condition other than the cap is broken, so
    all of it is unlawful; true: only the part above each month's cap."""

    werknemer_ref: str
    van: date
    tot: date | None
    per_maand_eur: Decimal
    voorwaarden_voldaan: bool
    uren_per_week: Decimal | None = None
    leeftijd: int | None = None


def niet_als_loon(inhouding: OnrechtmatigeInhouding, van: date, tot: date, policy: Policy) -> Decimal:
    """What of the deduction does not count as paid within van..tot (0 when they do not overlap).
    Raises `MinimumloonOnbekend` when a shared month's cap needs a WML the policy does not hold."""
    begin = max(inhouding.van, van)
    einde = tot if inhouding.tot is None else min(inhouding.tot, tot)
    totaal = Decimal(0)
    while begin <= einde:
        eerste, laatste = maand_van(begin)
        tot_en_met = min(einde, laatste)
        deel = Decimal((tot_en_met - begin).days + 1) / Decimal(calendar.monthrange(eerste.year, eerste.month)[1])
        if inhouding.voorwaarden_voldaan:
            tarief_bekend(eerste, policy)  # the month's cap is a share of its minimum wage
        per_maand = niet_als_loon_per_maand(
            inhouding.per_maand_eur,
            eerste,
            inhouding.leeftijd,
            inhouding.uren_per_week,
            policy,
            voorwaarden_voldaan=inhouding.voorwaarden_voldaan,
        )
        totaal += per_maand * deel
        begin = laatste + timedelta(days=1)
    return totaal


def zonder_onrechtmatige_inhouding(
    regel: OnderbetalingRegel, inhoudingen: Sequence[OnrechtmatigeInhouding], policy: Policy
) -> tuple[OnderbetalingRegel, Decimal]:
    """The line with the unlawful housing deductions for the same worker and months taken off what
    was paid (they do not count toward the WML: HUIS-005; domain-rules §2 step 3), and how much
    that was (0: the line as it is). The WML fine and the ser2025 stoppage test read the same line."""
    eigen = [i for i in inhoudingen if i.werknemer_ref == regel.werknemer_ref]
    bedrag = sum((niet_als_loon(i, regel.periode_van, regel.periode_tot, policy) for i in eigen), Decimal(0))
    if bedrag <= 0:
        return regel, Decimal(0)
    betaald = max(Decimal(0), regel.betaald_bruto_eur - bedrag)
    return regel.model_copy(update={"betaald_bruto_eur": betaald}), bedrag
