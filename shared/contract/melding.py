"""`nl.waardigwerk.melding.ingediend`: a report from a union or works council (CONTRACT §2)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator

from shared.contract.base import (
    REFERENTIE_MAX,
    Adres,
    ContractModel,
    NietAlleenWitruimte,
    Organisatie,
    WerkgeverRef,
    organisatie_of,
    referentie_of,
)

VROEGSTE_WAARNEMING = date(1900, 1, 1)
"""Plausibility bound, not a legal one: an observation dated before 1900 is a typo (year 1, 0202),
not something a reporter saw. The upper bound is the later of the Dutch day of receipt and the
sender's own day in its `ce_time`, which only the service can judge (`services.melding.domain.waarneming`)."""

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
    # Unique per organisation; it is the Kafka key and the reporter's handle on every answer.
    referentie: Annotated[str, Field(min_length=1, max_length=REFERENTIE_MAX), NietAlleenWitruimte]


class MeldingIngediend(ContractModel):
    """The data of `nl.waardigwerk.melding.ingediend`; parse with `model_validate_json(raw_bytes)`."""

    melder: Melder
    werkgever: WerkgeverRef
    inlener: WerkgeverRef | None = None
    werklocatie: Adres | None = None
    sector: Annotated[str, Field(min_length=1, max_length=100), NietAlleenWitruimte] | None = None
    categorieen: Annotated[list[Categorie], Field(min_length=1)]
    aantal_betrokkenen: Annotated[int, Field(ge=1)] | None = None
    omschrijving: Annotated[str, Field(min_length=1, max_length=10_000), NietAlleenWitruimte]
    waargenomen_op: Annotated[date, Field(ge=VROEGSTE_WAARNEMING)] | None = None

    @field_validator("categorieen")
    @classmethod
    def _unique(cls, categorieen: list[str]) -> list[str]:
        dubbel = sorted({c for c in categorieen if categorieen.count(c) > 1})
        if dubbel:
            raise ValueError(f"noem elke categorie maar één keer (dubbel: {', '.join(dubbel)})")
        return categorieen


def melder_referentie_uit(raw: bytes) -> tuple[str | None, str | None]:
    """Best effort: (melder.organisatie, melder.referentie) of a report that failed validation.

    The rejection can only reach a reporter whose organisation is a valid slug (it names the
    reply topic); the reference is returned whenever it is a usable string, so the reporter can
    match the rejection to what they sent. Each is None when missing or unusable; this never raises.
    """
    try:
        melder = json.loads(raw).get("melder")
    except (ValueError, AttributeError, RecursionError):  # not JSON, not UTF-8, not an object, too deep
        return None, None
    if not isinstance(melder, dict):
        return None, None
    return organisatie_of(melder.get("organisatie")), referentie_of(melder.get("referentie"))
