"""The housing rules HUIS-001..HUIS-013 (domain-rules §6): the catalogue that :func:`controleer` runs.

Every rule is a pure function with the same signature, ``(contract, peildatum, policy) -> Uitkomst``,
so each can be tested on its own. Every number comes from policy. The rules live by subject:
:mod:`regels_huurcontract` (the lease's terms), :mod:`regels_loon` (wage deduction),
:mod:`regels_woning` (the dwelling), :mod:`regels_verblijf` (the stay and the lease's real nature).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from services.huisvesting.domain.regels_huurcontract import (
    HUIS_001,
    HUIS_002,
    HUIS_003,
    HUIS_004,
    huis_001_gescheiden_contracten,
    huis_002_informatie,
    huis_003_borg,
    huis_004_servicekosten,
)
from services.huisvesting.domain.regels_loon import HUIS_005, huis_005_inhouding_op_loon
from services.huisvesting.domain.regels_verblijf import (
    HUIS_009,
    HUIS_010,
    HUIS_011,
    HUIS_012,
    HUIS_013,
    huis_009_korte_duur,
    huis_010_opzegtermijn,
    huis_011_geen_tijdelijk_contract,
    huis_012_brp,
    huis_013_ser_doelgroepencontract,
)
from services.huisvesting.domain.regels_woning import (
    HUIS_006,
    HUIS_007,
    HUIS_008,
    huis_006_oppervlakte,
    huis_007_slaapkamer,
    huis_008_sanitair,
)
from services.huisvesting.domain.uitkomst import Regel, Uitkomst
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import Policy

Controlefunctie = Callable[[HuurcontractAangeboden, date, Policy], Uitkomst]

REGELS: tuple[tuple[Regel, Controlefunctie], ...] = (
    (HUIS_001, huis_001_gescheiden_contracten),
    (HUIS_002, huis_002_informatie),
    (HUIS_003, huis_003_borg),
    (HUIS_004, huis_004_servicekosten),
    (HUIS_005, huis_005_inhouding_op_loon),
    (HUIS_006, huis_006_oppervlakte),
    (HUIS_007, huis_007_slaapkamer),
    (HUIS_008, huis_008_sanitair),
    (HUIS_009, huis_009_korte_duur),
    (HUIS_010, huis_010_opzegtermijn),
    (HUIS_011, huis_011_geen_tijdelijk_contract),
    (HUIS_012, huis_012_brp),
    (HUIS_013, huis_013_ser_doelgroepencontract),
)
"""Every rule in code order, with its identity; :func:`controleer` runs them all."""

PARAMETERS_OP_PEILDATUM = (
    "huis_m2_per_persoon_min",
    "huis_personen_per_slaapkamer_max",
    "huis_slaapkamer_m2_per_persoon_min",
    "huis_personen_per_toilet_max",
    "huis_personen_per_douche_max",
    "huis_korte_duur_max_dagen",
    "huis_opzegtermijn_min_maanden",
    "huis_opzegtermijn_extra_maanden_per_jaar",
    "huis_opzegtermijn_max_maanden",
    "huis_brp_verblijf_min_maanden",
    "huis_brp_aangifte_termijn_dagen",
    "huis_ser_doelgroepencontract_actief",
)
"""Parameters read on the check date: when one changes, an existing contract may get a new finding."""
