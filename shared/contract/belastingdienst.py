"""The tax office's signals: wage returns and turnover (CONTRACT §2)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from shared.contract.base import Bedrag, ContractModel, WerkgeverKvk


class Loonaangifte(ContractModel):
    werkgever: WerkgeverKvk
    tijdvak: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    aantal_werknemers: Annotated[int, Field(ge=0)]
    aantal_onder_minimumloon: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _niet_meer_dan_werknemers(self) -> Loonaangifte:
        if self.aantal_onder_minimumloon > self.aantal_werknemers:
            raise ValueError("aantal_onder_minimumloon kan niet groter zijn dan aantal_werknemers")
        return self


class Omzet(ContractModel):
    werkgever: WerkgeverKvk
    boekjaar: Annotated[int, Field(ge=2000, le=2100)]
    omzet_eur: Bedrag
