"""The inspectorate field system's events: an inspection carried out, proof of back pay (CONTRACT §2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.contract.base import Adres, Bedrag, ContractModel, WerkgeverKvk

Wet = Literal["WML", "Arbowet", "Atw", "Wav", "Waadi", "Wtta", "Wgv"]


class OnderbetalingRegel(ContractModel):
    werknemer_ref: Annotated[str, Field(min_length=1, max_length=100)]
    periode_van: date
    periode_tot: date
    gewerkte_uren: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    betaald_bruto_eur: Bedrag
    leeftijd: Annotated[int, Field(ge=13, le=100)] | None = None

    @model_validator(mode="after")
    def _periode(self) -> OnderbetalingRegel:
        if self.periode_tot < self.periode_van:
            raise ValueError("periode_tot ligt voor periode_van")
        return self


class Bevinding(ContractModel):
    wet: Wet
    code: Annotated[str, Field(min_length=1, max_length=60)]
    omschrijving: Annotated[str, Field(max_length=10_000)] | None = None
    aantal_betrokkenen: Annotated[int, Field(ge=0)] = 1
    ernstig_gevaar: bool = False
    onderbetaling: tuple[OnderbetalingRegel, ...] = ()


class InspectieUitgevoerd(ContractModel):
    inspectie_id: Annotated[str, Field(min_length=1, max_length=100)]
    werkgever: WerkgeverKvk
    werklocatie: Adres | None = None
    uitgevoerd_op: date
    bevindingen: tuple[Bevinding, ...] = ()


class Betaalbewijs(ContractModel):
    inspectie_id: Annotated[str, Field(min_length=1, max_length=100)]
    werkgever: WerkgeverKvk
    bedrag_eur: Bedrag
    betaald_op: date
