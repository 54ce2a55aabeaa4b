"""`nl.waardigwerk.huurcontract.aangeboden`: a housing contract offered for checking (CONTRACT §2).

Required are only what identifies the check and decides where its outcome goes:
`contract_referentie`, `adres` (with `gemeentecode`: the municipality receives the outcome),
`verhuurder.kvk_nummer` (who is checked) and `ingangsdatum` (every lease has a start, and the
rules look up the law in force on it). Everything else is optional: `null` or absent means
*unknown*, and a rule that needs an unknown fact reports itself as `niet_beoordeeld` with the
missing field names instead of guessing.

One exception, as in the contract example: `einddatum` null (or absent) means the lease is for an
indefinite period (*onbepaalde tijd*), not that the end is unknown.

Fields added to the contract (optional, so existing senders stay valid):
- `verhuurder.is_woningcorporatie`: a housing corporation may receive a wage deduction for rent
  without certification (HUIS-005);
- `woning.gedeelde_slaapkamer_schriftelijk_gekozen`: in new-build complexes and hotels two people may
  share a bedroom if they chose so in writing (HUIS-006);
- `brp_inschrijving_gecontroleerd_door_werkgever`: the employer verified the BRP registration
  (HUIS-013, SER 2025);
- `kopie_huurcontract_bij_werkgever`: the employer keeps a copy of the lease, one of the conditions
  of a rent deduction from the minimum wage (HUIS-005);
- `huurder.leeftijd`: the worker's age, for the youth minimum wage that caps a rent deduction
  (HUIS-005: 25 % of the worker's own minimum wage). Unknown: the adult rate. It feeds only that
  wage computation.

`huurprijs_per_maand_eur` is the bare rent (*kale huur*), without service costs.
Impossible combinations are rejected with a reason, so that the sender can correct them; each is
checked on the later field of the pair, so it is reported next to any other problem of the message.
A reference or name of only whitespace is rejected too (`NietAlleenWitruimte`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from shared.contract.base import Bedrag, ContractModel, KvkNummer, NietAlleenWitruimte, WerkgeverKvk
from shared.contract.gemeente import AdresMetGemeente

Contractvorm = Literal["regulier", "doelgroepencontract", "korte_duur"]
WoningSoort = Literal["regulier", "logies", "nieuwbouw_complex", "hotel"]

KLEINSTE_DENKBARE_SLAAPKAMER_M2 = Decimal(2)
"""Plausibility bound, not a housing norm: a room that holds one single bed (0.9 x 2.0 m) needs about
2 m2, so a dwelling cannot have more bedrooms than its floor area / 2 m2. The legal minimum bedroom
size per person (HUIS-007) is policy data and is checked as a rule, not here."""

M2 = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]

VROEGSTE_DATUM = date(1900, 1, 1)
LAATSTE_DATUM = date(2199, 12, 31)
"""Plausibility bounds of a lease's dates (`ingangsdatum`, `einddatum`, `verblijf_sinds`), not legal
ones: a date outside them is a typo (year 1, 9999) and is rejected with the bound it crosses. The
rules look up the law on a lease's start, and policy states those laws from 1900-01-01; the upper
bound lies far enough inside the calendar (which ends 9999-12-31) that every date a rule or a
re-check adds to these (months of notice, the BRP term, a stay's limit) is still a date."""

Datum = Annotated[date, Field(ge=VROEGSTE_DATUM, le=LAATSTE_DATUM)]


class Verhuurder(ContractModel):
    kvk_nummer: KvkNummer
    naam: Annotated[str, Field(max_length=200), NietAlleenWitruimte] | None = None
    is_werkgever: bool | None = None
    is_woningcorporatie: bool | None = None

    @model_validator(mode="after")
    def _corporatie_is_geen_werkgever(self) -> Verhuurder:
        if self.is_werkgever and self.is_woningcorporatie:
            raise ValueError(
                "is_werkgever en is_woningcorporatie zijn allebei true; een woningcorporatie is geen werkgever"
            )
        return self


class Huurder(ContractModel):
    werknemer_ref: Annotated[str, Field(min_length=1, max_length=100), NietAlleenWitruimte] | None = None
    gedetacheerd_vanuit_eu: bool | None = None
    leeftijd: Annotated[int, Field(ge=0, le=120)] | None = None


class Woning(ContractModel):
    soort: WoningSoort | None = None
    oppervlakte_m2: M2 | None = None
    slaapkamers: Annotated[int, Field(ge=1)] | None = None
    bewoners: Annotated[int, Field(ge=1)] | None = None
    kleinste_slaapkamer_m2_per_persoon: M2 | None = None
    toiletten: Annotated[int, Field(ge=0)] | None = None
    douches: Annotated[int, Field(ge=0)] | None = None
    gedeelde_slaapkamer_schriftelijk_gekozen: bool | None = None

    @field_validator("slaapkamers")
    @classmethod
    def _slaapkamers_passen(cls, slaapkamers: int | None, info: ValidationInfo) -> int | None:
        oppervlakte = info.data.get("oppervlakte_m2")
        if (
            slaapkamers is not None
            and oppervlakte is not None
            and slaapkamers * KLEINSTE_DENKBARE_SLAAPKAMER_M2 > oppervlakte
        ):
            raise ValueError(
                f"{slaapkamers} slaapkamers passen niet in {oppervlakte} m2 "
                f"(een slaapkamer is minstens {KLEINSTE_DENKBARE_SLAAPKAMER_M2} m2)"
            )
        return slaapkamers

    @field_validator("kleinste_slaapkamer_m2_per_persoon")
    @classmethod
    def _slaapkamer_past(cls, kleinste: Decimal | None, info: ValidationInfo) -> Decimal | None:
        oppervlakte = info.data.get("oppervlakte_m2")
        if kleinste is not None and oppervlakte is not None and kleinste > oppervlakte:
            raise ValueError(
                f"de kleinste slaapkamer ({kleinste} m2) kan niet groter zijn dan de hele woning ({oppervlakte} m2)"
            )
        return kleinste


class HuurcontractAangeboden(ContractModel):
    contract_referentie: Annotated[str, Field(min_length=1, max_length=100), NietAlleenWitruimte]
    verhuurder: Verhuurder
    werkgever: WerkgeverKvk | None = None
    huurder: Huurder | None = None
    adres: AdresMetGemeente
    contractvorm: Contractvorm | None = None
    ingangsdatum: Datum
    einddatum: Datum | None = None
    opzegtermijn_dagen: Annotated[int, Field(ge=0)] | None = None
    gescheiden_van_arbeidsovereenkomst: bool | None = None
    informatie_in_begrijpelijke_taal: bool | None = None
    huurprijs_per_maand_eur: Bedrag | None = None
    borg_eur: Bedrag | None = None
    servicekosten_gespecificeerd: bool | None = None
    inhouding_op_loon_per_maand_eur: Bedrag | None = None
    schriftelijke_toestemming_inhouding: bool | None = None
    kopie_huurcontract_bij_werkgever: bool | None = None
    gecertificeerd: bool | None = None
    uren_per_week: Annotated[Decimal, Field(gt=0, le=168, allow_inf_nan=False)] | None = None
    woning: Woning | None = None
    verblijf_sinds: Datum | None = None
    brp_ingeschreven: bool | None = None
    brp_inschrijving_gecontroleerd_door_werkgever: bool | None = None

    @field_validator("einddatum")
    @classmethod
    def _einde_na_begin(cls, einddatum: date | None, info: ValidationInfo) -> date | None:
        ingangsdatum = info.data.get("ingangsdatum")
        if einddatum is not None and ingangsdatum is not None and einddatum < ingangsdatum:
            raise ValueError(f"{einddatum} ligt voor de ingangsdatum {ingangsdatum}")
        return einddatum

    @field_validator("verblijf_sinds")
    @classmethod
    def _verblijf_binnen_huur(cls, verblijf_sinds: date | None, info: ValidationInfo) -> date | None:
        einddatum = info.data.get("einddatum")
        if verblijf_sinds is not None and einddatum is not None and verblijf_sinds > einddatum:
            raise ValueError(f"{verblijf_sinds} ligt na de einddatum {einddatum} van de huur")
        return verblijf_sinds

    @field_validator("werkgever")
    @classmethod
    def _werkgever_past_bij_verhuurder(
        cls, werkgever: WerkgeverKvk | None, info: ValidationInfo
    ) -> WerkgeverKvk | None:
        verhuurder = info.data.get("verhuurder")
        if werkgever is None or verhuurder is None or verhuurder.is_werkgever is None:
            return werkgever
        zelfde = werkgever.kvk_nummer == verhuurder.kvk_nummer
        if verhuurder.is_werkgever and not zelfde:
            raise ValueError(
                "verhuurder.is_werkgever is true, maar dit is een ander KvK-nummer dan dat van de verhuurder"
            )
        if not verhuurder.is_werkgever and zelfde:
            raise ValueError("verhuurder.is_werkgever is false, maar dit is het KvK-nummer van de verhuurder")
        return werkgever

    @property
    def werkgever_kvk(self) -> str | None:
        """The employer's KvK number: given directly, or the landlord's when the landlord is the employer."""
        if self.werkgever is not None:
            return self.werkgever.kvk_nummer
        return self.verhuurder.kvk_nummer if self.verhuurder.is_werkgever else None
