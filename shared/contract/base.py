"""Building blocks of the strict inbound contract models (CONTRACT.md §1-2).

Every inbound `data` object is validated from its JSON bytes (`Model.model_validate_json`) by a
pydantic model that forbids unknown fields and never coerces types silently (a number sent as a
string is an error the sender should fix; JSON strings `YYYY-MM-DD` are dates).
`fouten_van` turns pydantic's errors into the contract's `fouten: [{veld, melding}]`: every
problem, with the field's dotted path and a sentence a person can act on.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

KVK_PATTERN = r"^[0-9]{8}$"
GEMEENTECODE_PATTERN = r"^GM[0-9]{4}$"
POSTCODE_PATTERN = r"^[1-9][0-9]{3}[A-Z]{2}$"
ORGANISATIE_PATTERN = r"^[a-z0-9-]{2,40}$"

KvkNummer = Annotated[str, Field(pattern=KVK_PATTERN, description="KvK number, 8 digits")]
Gemeentecode = Annotated[str, Field(pattern=GEMEENTECODE_PATTERN, description="GM + 4 digits")]
Postcode = Annotated[str, Field(pattern=POSTCODE_PATTERN, description="Dutch postcode 9999XX")]
Organisatie = Annotated[str, Field(pattern=ORGANISATIE_PATTERN, description="lower-case slug")]
REFERENTIE_MAX = 100  # a sender's own reference (a report's, a claim's, a contract's)


# What a rejection may take from a payload that failed validation: a value only in its contract
# form (an organisation or gemeentecode names the reply topic), else None.
def organisatie_of(waarde: object) -> str | None:
    return waarde if isinstance(waarde, str) and re.fullmatch(ORGANISATIE_PATTERN, waarde) else None


def gemeentecode_of(waarde: object) -> str | None:
    return waarde if isinstance(waarde, str) and re.fullmatch(GEMEENTECODE_PATTERN, waarde) else None


def referentie_of(waarde: object) -> str | None:
    return waarde if isinstance(waarde, str) and 1 <= len(waarde) <= REFERENTIE_MAX else None


def _at_most_two_decimals(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError("an amount in euros has at most 2 decimals")
    return value


HOOGSTE_BEDRAG = Decimal(10**12)
"""Plausibility bound, not a legal one: no wage, rent, deposit, fine or company turnover comes near
a trillion euros, and a larger number is a typo. Bounded, every amount also stays well inside the
28 digits of decimal arithmetic, so a computation on it cannot overflow after it was accepted."""

Bedrag = Annotated[Decimal, Field(ge=0, le=HOOGSTE_BEDRAG, allow_inf_nan=False), AfterValidator(_at_most_two_decimals)]


class ContractModel(BaseModel):
    """Strict: unknown fields are errors, no silent type coercion, immutable once parsed."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _niet_alleen_witruimte(tekst: str) -> str:
    if tekst and not tekst.strip():
        raise ValueError("bestaat alleen uit witruimte (spaties, tabs, regeleinden); vul een tekst in")
    return tekst


NietAlleenWitruimte = AfterValidator(_niet_alleen_witruimte)
"""For a free text, name or reference: one of only spaces, tabs or line breaks says nothing and names
nothing (a reference of spaces cannot be told apart from another in a list), so it is refused with a
reason. The text is kept as sent; an empty text is left to the field's own length limits. Every inbound
model uses it."""


class Adres(ContractModel):
    postcode: Postcode
    huisnummer: Annotated[str, Field(min_length=1, max_length=10), NietAlleenWitruimte]
    gemeentecode: Gemeentecode | None = None


class WerkgeverKvk(ContractModel):
    kvk_nummer: KvkNummer


class WerkgeverRef(ContractModel):
    kvk_nummer: KvkNummer
    naam: Annotated[str, Field(max_length=200), NietAlleenWitruimte] | None = None


_MESSAGES: dict[str, str] = {
    "missing": "is verplicht maar ontbreekt",
    "extra_forbidden": "is geen veld van dit bericht; verwijder het of controleer de spelling",
    "string_pattern_mismatch": "heeft niet de juiste vorm",
    "string_too_short": "is te kort",
    "string_too_long": "is te lang",
    "too_short": "bevat te weinig elementen",
    "too_long": "bevat te veel elementen",
    "literal_error": "heeft een waarde die niet is toegestaan",
    "enum": "heeft een waarde die niet is toegestaan",
    "date_from_datetime_parsing": "moet een datum zijn in de vorm JJJJ-MM-DD",
    "date_parsing": "moet een datum zijn in de vorm JJJJ-MM-DD",
    "date_type": "moet een datum zijn in de vorm JJJJ-MM-DD",
    "int_type": "moet een geheel getal zijn",
    "decimal_type": "moet een getal zijn",
    "string_type": "moet tekst zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "model_type": "moet een object zijn",
    "dict_type": "moet een object zijn",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "greater_than": "is te klein",
    "less_than": "is te groot",
}


def _veld(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "data"


def fouten_van(exc: ValidationError) -> list[dict[str, str]]:
    """Every validation problem as {veld, melding}, in Dutch a reporter can act on."""
    result: list[dict[str, str]] = []
    for error in exc.errors(include_url=False):
        veld = _veld(tuple(error["loc"]))
        kind = error["type"]
        base = _MESSAGES.get(kind)
        ctx = error.get("ctx") or {}
        if kind in {"literal_error", "enum"} and "expected" in ctx:
            keuzes = str(ctx["expected"]).replace(" or ", " of ")
            tekst = f"{veld} heeft een waarde die niet is toegestaan; kies uit {keuzes}"
        elif kind == "string_pattern_mismatch":
            tekst = f"{veld} heeft niet de juiste vorm (verwacht patroon {ctx.get('pattern')})"
        elif kind in {"greater_than_equal", "greater_than"}:
            tekst = f"{veld} moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
        elif kind in {"less_than_equal", "less_than"}:
            tekst = f"{veld} mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
        elif kind == "value_error":
            tekst = f"{veld}: {str(error['msg']).removeprefix('Value error, ')}"
        elif base is not None:
            tekst = f"{veld} {base}"
        else:
            tekst = f"{veld}: {error['msg']}"
        result.append({"veld": veld, "melding": tekst})
    return result
