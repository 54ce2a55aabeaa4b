"""Inspectorate field system -> waardigwerk (CONTRACT §2): `nl.waardigwerk.inspectie.uitgevoerd`
(the result of a visit, finding by finding) and `nl.waardigwerk.inspectie.betaalbewijs` (proof
that back wages were paid, which can lapse a fine held in the back-pay window)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.contract.base import Adres, Bedrag, ContractModel, WerkgeverKvk

Wet = Literal["WML", "Arbowet", "Atw", "Wav", "Waadi", "Wtta", "Wgv", "WagwEU"]
"""The laws a finding can be about. `WagwEU` (posted workers' notification) is an added value."""

InspectieId = Annotated[str, Field(min_length=1, max_length=100)]


class OnderbetalingRegel(ContractModel):
    """One worker's underpaid period. `leeftijd` selects the youth minimum wage; it feeds only the
    wage calculation, never the risk model. `betaald_bruto_eur` is the wage paid (holiday allowance
    left out); `vakantiebijslag_betaald_eur` (optional) what was paid as holiday allowance over the
    period: when given, non-payment of the minimum holiday allowance (art. 15 WML) is judged too."""

    werknemer_ref: Annotated[str, Field(min_length=1, max_length=64)]
    periode_van: date
    periode_tot: date
    gewerkte_uren: Annotated[Decimal, Field(ge=0, le=10_000, allow_inf_nan=False)]
    betaald_bruto_eur: Bedrag
    leeftijd: Annotated[int, Field(ge=0, le=120)] | None = None
    vakantiebijslag_betaald_eur: Bedrag | None = None

    @model_validator(mode="after")
    def _periode(self) -> OnderbetalingRegel:
        if self.periode_tot < self.periode_van:
            raise ValueError("periode_tot ligt voor periode_van")
        return self


class Bevinding(ContractModel):
    wet: Wet
    code: Annotated[str, Field(min_length=1, max_length=60, description="finding code, e.g. ARBO-VALGEVAAR")]
    omschrijving: Annotated[str, Field(max_length=10_000)] | None = None
    aantal_betrokkenen: Annotated[int, Field(ge=1)] | None = None
    ernstig_gevaar: bool = False
    onderbetaling: tuple[OnderbetalingRegel, ...] = ()


class InspectieUitgevoerd(ContractModel):
    inspectie_id: InspectieId
    werkgever: WerkgeverKvk
    werklocatie: Adres | None = None
    uitgevoerd_op: date
    bevindingen: tuple[Bevinding, ...] = ()


class Betaalbewijs(ContractModel):
    """A proof is one fact per (inspectie_id, werkgever, betaald_op, referentie): sent again it counts
    once; under that key with another amount it is rejected. `referentie` (added, optional) is the
    payer's own reference of the payment; it tells two payments of one day apart."""

    inspectie_id: InspectieId
    werkgever: WerkgeverKvk
    bedrag_eur: Bedrag
    betaald_op: date
    referentie: Annotated[str, Field(min_length=1, max_length=100)] | None = None
