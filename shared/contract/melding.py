"""`nl.waardigwerk.melding.ingediend`: a report from a union or works council (CONTRACT §2)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator

from shared.contract.base import ORGANISATIE_PATTERN, Adres, ContractModel, Organisatie, WerkgeverRef

Categorie = Literal[
    "onderbetaling",
    "arbeidstijden",
    "onveilig_werk",
    "huisvesting",
    "illegale_tewerkstelling",
    "schijnconstructie",
    "intimidatie",
    "overig",
]


class Melder(ContractModel):
    soort: Literal["vakbond", "ondernemingsraad", "personeelsvertegenwoordiging"]
    organisatie: Organisatie
    referentie: Annotated[str, Field(min_length=1, max_length=100)]


class MeldingIngediend(ContractModel):
    melder: Melder
    werkgever: WerkgeverRef
    inlener: WerkgeverRef | None = None
    werklocatie: Adres | None = None
    sector: Annotated[str, Field(max_length=100)] | None = None
    categorieen: Annotated[list[Categorie], Field(min_length=1)]
    aantal_betrokkenen: Annotated[int, Field(ge=1)] | None = None
    omschrijving: Annotated[str, Field(min_length=1, max_length=10_000)]
    waargenomen_op: date | None = None

    @field_validator("categorieen")
    @classmethod
    def _unique(cls, categorieen: list[str]) -> list[str]:
        if len(set(categorieen)) != len(categorieen):
            raise ValueError("noem elke categorie maar één keer")
        return categorieen


def melder_referentie_uit(raw: bytes) -> tuple[str | None, str | None]:
    """Best effort: who sent a report that failed validation, so the rejection can reach them."""
    try:
        melder = json.loads(raw).get("melder")
    except (ValueError, AttributeError):
        return None, None
    if not isinstance(melder, dict):
        return None, None
    organisatie, referentie = melder.get("organisatie"), melder.get("referentie")
    if not (isinstance(organisatie, str) and re.fullmatch(ORGANISATIE_PATTERN, organisatie)):
        return None, None
    return organisatie, referentie if isinstance(referentie, str) and referentie else None
