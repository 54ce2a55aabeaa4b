"""How long a lease really lasts, and the notice the landlord owes for it.

"Actual use counts, not the label" (domain-rules HUIS-009): a lease is short by nature only if it
really is short. Its length is measured from the earlier of `ingangsdatum` and `verblijf_sinds`,
so that short leases chained at the same address add up, to the agreed end date, or - for a lease
without an end date - to the check date so far.
"""

from __future__ import annotations

from datetime import date

from services.huisvesting.domain.termijnen import dagen_inclusief, langste_maanden_in_dagen, volle_jaren
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import Policy


def verblijf_start(contract: HuurcontractAangeboden) -> date:
    if contract.verblijf_sinds is None:
        return contract.ingangsdatum
    return min(contract.ingangsdatum, contract.verblijf_sinds)


def huurduur_dagen(contract: HuurcontractAangeboden, peildatum: date) -> int:
    """Agreed length with an end date, else the stay up to `peildatum`; first and last day included."""
    einde = contract.einddatum if contract.einddatum is not None else peildatum
    return max(0, dagen_inclusief(verblijf_start(contract), einde))


def kort_van_aard(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> bool:
    """Whether the lease's real length stays within the short-stay limit (whatever its label)."""
    return huurduur_dagen(contract, peildatum) <= int(policy.value("huis_korte_duur_max_dagen", peildatum))


def wettelijke_opzegtermijn_maanden(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> int:
    """BW 7:271 lid 5: the minimum, plus extra for every full year rented, capped at the maximum."""
    minimum = int(policy.value("huis_opzegtermijn_min_maanden", peildatum))
    per_jaar = int(policy.value("huis_opzegtermijn_extra_maanden_per_jaar", peildatum))
    maximum = int(policy.value("huis_opzegtermijn_max_maanden", peildatum))
    jaren = volle_jaren(verblijf_start(contract), peildatum)
    return min(minimum + per_jaar * jaren, maximum)


def wettelijke_opzegtermijn_dagen(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> int:
    """The statutory notice in days that a notice clause written in days must at least give."""
    return langste_maanden_in_dagen(wettelijke_opzegtermijn_maanden(contract, peildatum, policy))
