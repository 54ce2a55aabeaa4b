"""`nl.waardigwerk.gemeente.signaal`: a municipality's signal about an address (CONTRACT §2)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared.contract.base import Adres, ContractModel, WerkgeverKvk


class GemeenteSignaal(ContractModel):
    signaal: Literal["niet_ingeschreven_brp", "overbewoning", "huisvestingsklacht"]
    adres: Adres
    werkgever: WerkgeverKvk | None = None
    aantal_personen: Annotated[int, Field(ge=0)] | None = None
    toelichting: Annotated[str, Field(max_length=10_000)] | None = None
    vastgesteld_op: date
