"""NAU (Nederlandse Autoriteit Uitleenmarkt) -> waardigwerk: `nl.waardigwerk.nau.toelating` on
`waardigwerk.in.nau`, a decision on a temporary-work agency's admission under the Wtta (Wet
toelating terbeschikkingstelling van arbeidskrachten, kst. 36446; in force 2027-01-01, fines from
2028-01-01). A new inbound type on a new topic, optional for partners: nothing else depends on it.

- `besluit`: `verleend` (admitted), `ingetrokken` (admission withdrawn) or `geweigerd` (refused).
- `bestuurder_faillissement_op` (optional): the date of the most recent bankruptcy of an agency one
  of the applicant's directors ran. Under the SER 2025 policy (rec. 5) an admission granted within
  `wtta_faillissement_uitsluiting_jaren` of it is a risk signal; current law does not look at it.

An agency without a standing admission (withdrawn, refused, or an agency by its payroll return with
no admission known) is a risk signal from the Wtta's entry into force; a Wtta finding at a visit is
fined from the enforcement date (policy `boete_standaard_per_wet_eur`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.contract.base import ContractModel, WerkgeverKvk


class Toelating(ContractModel):
    uitlener: WerkgeverKvk
    besluit: Literal["verleend", "ingetrokken", "geweigerd"]
    besluit_op: date
    bestuurder_faillissement_op: date | None = None
    toelichting: Annotated[str, Field(max_length=10_000)] | None = None

    @model_validator(mode="after")
    def _faillissement_voor_besluit(self) -> Toelating:
        if self.bestuurder_faillissement_op is not None and self.bestuurder_faillissement_op > self.besluit_op:
            raise ValueError("bestuurder_faillissement_op ligt na besluit_op")
        return self
