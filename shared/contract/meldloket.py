"""Notification portal for posted workers (WagwEU) -> waardigwerk: `nl.waardigwerk.meldloket.detachering`
on `waardigwerk.in.meldloket`. A new inbound type on a new topic, optional for partners.

Since 2020-03-01 a foreign service provider that posts workers to the Netherlands notifies before
the work starts (Wet arbeidsvoorwaarden gedetacheerde werknemers in de EU, art. 8): the Dutch
client (`opdrachtgever`), the site, the duration, the workers and their A1 certificates (social
security of the home state, Reg. 883/2004 art. 12: at most 24 months). Under the SER 2025 policy
(rec. 7) the provider must also show substantial activity in its home state.

The notification names no person: workers by the sender's reference, with the A1's date of issue.
Nothing about the provider's home state is an input of the risk model.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from shared.contract.base import Adres, ContractModel, WerkgeverKvk


class GedetacheerdeWerknemer(ContractModel):
    werknemer_ref: Annotated[str, Field(min_length=1, max_length=64)]
    a1_afgegeven_op: date | None = None
    """The A1 certificate's date of issue; null: no A1 shown."""


class Detachering(ContractModel):
    melding_id: Annotated[str, Field(min_length=1, max_length=100)]
    dienstverrichter_naam: Annotated[str, Field(max_length=200)] | None = None
    opdrachtgever: WerkgeverKvk
    werklocatie: Adres | None = None
    aanvang_op: date
    einde_op: date | None = None
    gemeld_op: date
    werknemers: Annotated[tuple[GedetacheerdeWerknemer, ...], Field(min_length=1, max_length=10_000)]
    substantiele_activiteit_aangetoond: bool | None = None

    @model_validator(mode="after")
    def _periode(self) -> Detachering:
        if self.einde_op is not None and self.einde_op < self.aanvang_op:
            raise ValueError("einde_op ligt voor aanvang_op")
        return self
