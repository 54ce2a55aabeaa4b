"""`nl.waardigwerk.gemeente.signaal`: a municipality's signal about an address (CONTRACT §2).

Also home of :class:`AdresMetGemeente`, the address shape for messages that are about a dwelling in
a known municipality: its `gemeentecode` is required because the answer is routed to that
municipality's own topic (`waardigwerk.uit.gemeente.<gemeentecode>`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared.contract.base import Adres, ContractModel, Gemeentecode, WerkgeverKvk


class AdresMetGemeente(Adres):
    """An address whose municipality must be known (it decides who receives the outcome)."""

    gemeentecode: Gemeentecode


class GemeenteSignaal(ContractModel):
    """What a municipality saw at an address: unregistered residents, overcrowding or a complaint.

    `aantal_personen` is how many people the signal concerns; a signal about nobody is not a
    signal, so it is at least 1 when given.
    """

    signaal: Literal["niet_ingeschreven_brp", "overbewoning", "huisvestingsklacht"]
    adres: AdresMetGemeente
    werkgever: WerkgeverKvk | None = None
    aantal_personen: Annotated[int, Field(ge=1)] | None = None
    toelichting: Annotated[str, Field(max_length=10_000)] | None = None
    vastgesteld_op: date
