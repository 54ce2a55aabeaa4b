"""When a finding is serious (domain-rules §5): for the stoppage of serious danger and for the
recidive raise of "both violations serious".

The inspector marks a finding `ernstig_gevaar`. Where the WML is among the laws of
`stillegging_ernstig_gevaar_wetten` (ser2025, SER rec. 1) a WML finding's danger is its
underpayment: it counts as serious only when a worker passes the thresholds
(`stillegging_onderbetaling_pct`; or less than `stillegging_wml_betaald_pct` of the WML paid over
at least `stillegging_wml_maanden`), so the mark alone makes it neither a ground for an immediate
stop nor a serious violation for recidive; and past them it is serious whether or not it is marked,
as the stoppage for serious underpayment reads the same finding. Elsewhere the mark is what makes
a finding serious.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from services.inspectie.domain.berekening import Stap, euro, getal
from services.inspectie.domain.inhoudingen import OnrechtmatigeInhouding, zonder_onrechtmatige_inhouding
from services.inspectie.domain.wml import MinimumloonOnbekend, analyseer
from shared.contract.inspectie import Bevinding
from shared.policy import Policy
from shared.werkdagen import is_werkdag


def ernstig(
    bevinding: Bevinding,
    op: date,
    policy: Policy,
    inhoudingen: Sequence[OnrechtmatigeInhouding] = (),
    werkdag: Callable[[date], bool] = is_werkdag,
) -> bool:
    """Whether the finding established on `op` is a serious violation (see the module docstring)."""
    if bevinding.wet == "WML" and "WML" in policy.value("stillegging_ernstig_gevaar_wetten", op):
        stappen, _ = ernstige_onderbetaling(bevinding, op, policy, werkdag, inhoudingen)
        return bool(stappen)
    return bevinding.ernstig_gevaar


def ernstige_onderbetaling(
    bevinding: Bevinding,
    op: date,
    policy: Policy,
    werkdag: Callable[[date], bool],
    inhoudingen: Sequence[OnrechtmatigeInhouding],
) -> tuple[tuple[Stap, ...], tuple[str, ...]]:
    """ser2025: the workers whose underpayment counts as serious danger (empty: nobody), with a line
    after them for each worker who could not be judged; and, per such worker, why (the minimum wage
    of the period is not in the policy: the fine is not judged either)."""
    grens_onderbetaald = policy.decimal("stillegging_onderbetaling_pct", op)
    grens_betaald = policy.decimal("stillegging_wml_betaald_pct", op)
    grens_maanden = policy.decimal("stillegging_wml_maanden", op)
    stappen: list[Stap] = []
    onbekend: list[str] = []
    for nummer, regel in enumerate(bevinding.onderbetaling, 1):
        try:
            regel, inhouding = zonder_onrechtmatige_inhouding(regel, inhoudingen, policy)
            analyse = analyseer(regel, policy, werkdag)
        except MinimumloonOnbekend as exc:
            onbekend.append(f"werknemer {nummer}: {exc}")
            continue
        if analyse is None:
            continue
        pct = analyse.pct_onderbetaald.quantize(Decimal("0.1"))
        if analyse.pct_onderbetaald >= grens_onderbetaald:
            reden = f"{pct} % onderbetaald (grens {grens_onderbetaald} %)"
        elif analyse.pct_wml_betaald < grens_betaald and analyse.maanden >= grens_maanden:
            betaald = analyse.pct_wml_betaald.quantize(Decimal("0.1"))
            reden = f"{betaald} % van het WML betaald gedurende {getal(analyse.maanden)} maanden"
        else:
            continue
        if inhouding > 0:
            reden += (
                f"; onrechtmatige inhouding voor huisvesting (HUIS-005) EUR {euro(inhouding)} telt niet als betaald"
            )
        stappen.append(Stap("STIL-ONDERBETALING", f"werknemer {nummer}: {reden}", pct))
    if not stappen:
        return (), tuple(onbekend)
    niet_beoordeeld = [
        Stap("STIL-ONDERBETALING-NIET-BEOORDEELD", f"{wie}; niet beoordeeld", "niet beoordeeld") for wie in onbekend
    ]
    return (*stappen, *niet_beoordeeld), tuple(onbekend)
