"""Tax office -> waardigwerk (CONTRACT §2): payroll returns (`loonaangifte`), whose count of workers
paid below the minimum wage is a risk signal and whose headcount scales Arbowet fines, and annual
turnover (`omzet`), which sets the fine multiplier under the ser2025 policy.

Field added to the contract (optional, so existing senders stay valid):
- `loonaangifte.is_uitzendonderneming`: the employer files as a temporary-work agency (affiliated
  with the agency sector for social insurance); agency work raises the risk score (SER 2025 §4.1).
  Absent or null: unknown, the score is not raised.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from shared.contract.base import Bedrag, ContractModel, WerkgeverKvk

Tijdvak = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="payroll month YYYY-MM")]


class Loonaangifte(ContractModel):
    werkgever: WerkgeverKvk
    tijdvak: Tijdvak
    aantal_werknemers: Annotated[int, Field(ge=0)]
    aantal_onder_minimumloon: Annotated[int, Field(ge=0)]
    is_uitzendonderneming: bool | None = None

    @model_validator(mode="after")
    def _niet_meer_dan_werknemers(self) -> Loonaangifte:
        if self.aantal_onder_minimumloon > self.aantal_werknemers:
            raise ValueError("aantal_onder_minimumloon is groter dan aantal_werknemers")
        return self


class Omzet(ContractModel):
    werkgever: WerkgeverKvk
    boekjaar: Annotated[int, Field(ge=1900, le=2100)]
    omzet_eur: Bedrag
