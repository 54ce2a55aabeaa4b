"""When a contract that was checked may get a new finding without any new event.

Some findings appear by the passing of time alone: the BRP term after arrival runs out (HUIS-012),
an open-ended lease labelled short-stay outlives the short-stay limit (HUIS-009, and with it the
notice rule HUIS-010), the statutory notice grows on each anniversary of the lease (HUIS-010,
HUIS-013), or a norm read on the check date changes in policy. The service schedules a durable
timer for each moment and re-checks the contract then.

Candidate dates are derived from the contract and policy; a candidate is kept only if the rules
themselves give a finding on that day that they did not give the day before, so the moments can
never disagree with :func:`controleer`. Candidates on which the policy has no parameters are skipped.
"""

from __future__ import annotations

from datetime import date, timedelta

from services.huisvesting.domain.controle import controleer
from services.huisvesting.domain.regels import PARAMETERS_OP_PEILDATUM
from services.huisvesting.domain.termijnen import plus_maanden
from services.huisvesting.domain.verblijf import verblijf_start
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import Policy, PolicyError

EEN_DAG = timedelta(days=1)


def _getal(policy: Policy, sleutel: str, op: date) -> int | None:
    try:
        return int(policy.value(sleutel, op))
    except PolicyError:
        return None


def _kandidaten(contract: HuurcontractAangeboden, policy: Policy) -> set[date]:
    start = verblijf_start(contract)
    kandidaten: set[date] = set()
    korte_duur = _getal(policy, "huis_korte_duur_max_dagen", start)
    if contract.einddatum is None and korte_duur is not None:
        kandidaten.add(start + timedelta(days=korte_duur))  # the first day the stay is longer than the limit
    aankomst = contract.verblijf_sinds
    termijn = None if aankomst is None else _getal(policy, "huis_brp_aangifte_termijn_dagen", aankomst)
    minimum = None if aankomst is None else _getal(policy, "huis_brp_verblijf_min_maanden", aankomst)
    if aankomst is not None and termijn is not None and minimum is not None and not contract.brp_ingeschreven:
        na_termijn = timedelta(days=termijn + 1)  # the first day after the last day to register
        kandidaten |= {aankomst + na_termijn, plus_maanden(aankomst, minimum) + na_termijn}
    laagste = _getal(policy, "huis_opzegtermijn_min_maanden", start)
    hoogste = _getal(policy, "huis_opzegtermijn_max_maanden", start)
    per_jaar = _getal(policy, "huis_opzegtermijn_extra_maanden_per_jaar", start)
    if laagste is not None and hoogste is not None and per_jaar:
        jaren = -(-(hoogste - laagste) // per_jaar)
        kandidaten |= {plus_maanden(start, 12 * jaar) for jaar in range(1, jaren + 1)}
    for sleutel in PARAMETERS_OP_PEILDATUM:
        kandidaten |= set(policy.change_dates(sleutel)[1:])
    return kandidaten


def _nieuwe_bevindingen(contract: HuurcontractAangeboden, dag: date, policy: Policy) -> list[tuple[date, str]]:
    try:
        nu = controleer(contract, dag, policy).bevindingen
        ervoor = {b.code for b in controleer(contract, dag - EEN_DAG, policy).bevindingen}
    except PolicyError:
        return []
    return [(dag, f"{b.code}: {b.toelichting}") for b in nu if b.code not in ervoor]


def volgende_controlemomenten(
    contract: HuurcontractAangeboden, policy: Policy, na: date | None = None
) -> list[tuple[date, str]]:
    """(date, reason) for every day on which a new finding appears, in date order.

    With `na` (usually today, already checked) only later days are returned. Days after the lease's
    `einddatum` are left out: the lease is over.
    """
    momenten: list[tuple[date, str]] = []
    for dag in sorted(_kandidaten(contract, policy)):
        if (na is not None and dag <= na) or (contract.einddatum is not None and dag > contract.einddatum):
            continue
        momenten += _nieuwe_bevindingen(contract, dag, policy)
    return momenten
