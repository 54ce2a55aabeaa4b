"""Back-pay claims and the chain of parties (CONTRACT §2, topic `waardigwerk.in.loonvorderingen`).

`LoonvorderingIngediend` is the claim itself; the other models are the facts that arrive later
about a claim (`vordering_id`): a written notice or claim to a party (`.aanzegging`), a ground on
which the claim against a party failed or a court's exculpation (`.partij_status`), the worker's
request to a party to name the chain (`.keteninformatie_gevraagd`), a party naming its part of the
chain (`.keteninformatie`) and a payment (`.betaling`).

The worker's BSN is optional. When given it must be a real BSN: 9 digits passing the elfproef.
It is never echoed in an error message, and the models hide input values in their errors, so a
rejection or a log line cannot leak it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, model_validator
from pydantic_core import PydanticKnownError

from shared.contract.base import HOOGSTE_BEDRAG, Bedrag, ContractModel, KvkNummer, Organisatie, _at_most_two_decimals
from shared.maanden import maand_van

Rol = Literal["opdrachtgever", "inlener", "aannemer", "hoofdaannemer", "hoofdopdrachtgever"]
StatusSoort = Literal["onvindbaar", "niet_ingeschreven", "failliet", "onverhaalbaar", "gedisculpeerd"]

Referentie = Annotated[str, Field(min_length=1, max_length=100)]
VorderingId = Annotated[str, Field(min_length=1, max_length=100)]
Naam = Annotated[str, Field(max_length=200)]
HOOGSTE_UREN = Decimal(100_000)
"""Plausibility bound: more than eleven years of every hour. The exact check is the period's own
(`_UREN_PER_DAG`); this one refuses an absurd number before the months are added up."""
_OPGESLAGEN = "opgeslagen"
"""Validation context key: input stored when it was accepted is read without the plausibility
bounds added since (`LoonvorderingIngediend.uit_opslag`)."""


def _opgeslagen(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get(_OPGESLAGEN))


def _hoogstens(grens: Decimal) -> AfterValidator:
    """A plausibility bound as pydantic's own `le` error; stored input (accepted before the bound)
    is read as it is. With `Field(json_schema_extra={"maximum": ...})` it is published in the schema."""

    def binnen(waarde: Decimal, info: ValidationInfo) -> Decimal:
        if waarde > grens and not _opgeslagen(info):
            raise PydanticKnownError("less_than_equal", {"le": grens})
        return waarde

    return AfterValidator(binnen)


# Checked by the validator (stored input skips it) before the model's own checks add the months up.
Uren = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False, json_schema_extra={"maximum": float(HOOGSTE_UREN)}),
    _hoogstens(HOOGSTE_UREN),
]
# A claim's amounts: `Bedrag` with its bound checked by the validator (stored input skips it), in the
# same order (bound, then decimals).
VorderingBedrag = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False, json_schema_extra={"maximum": float(HOOGSTE_BEDRAG)}),
    _hoogstens(HOOGSTE_BEDRAG),
    AfterValidator(_at_most_two_decimals),
]
Maand = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="calendar month JJJJ-MM")]

_UREN_PER_DAG = 24  # a physical limit, not a legal one: more hours than the period holds is a typo


def _elfproef(bsn: str) -> str:
    """A BSN is 9 digits d0..d8 with sum(d_i * (9 - i), i = 0..7) - d8 divisible by 11."""
    if len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit():
        raise ValueError("een BSN bestaat uit precies 9 cijfers")
    cijfers = [int(c) for c in bsn]
    if (sum(c * (9 - i) for i, c in enumerate(cijfers[:8])) - cijfers[8]) % 11:
        raise ValueError("is geen geldig BSN: de elfproef klopt niet; controleer de cijfers")
    return bsn


Bsn = Annotated[str, AfterValidator(_elfproef)]


class _Vertrouwelijk(ContractModel):
    """A model that may carry a BSN: pydantic leaves input values out of its error texts."""

    model_config = ConfigDict(hide_input_in_errors=True)


class Indiener(ContractModel):
    organisatie: Organisatie
    referentie: Referentie


class Werknemer(_Vertrouwelijk):
    werknemer_ref: Annotated[str, Field(min_length=1, max_length=64)]
    bsn: Annotated[Bsn | None, Field(repr=False)] = None
    # Required: the youth minimum wage depends on it, and guessing an age could under- or overclaim.
    leeftijd: Annotated[int, Field(ge=0, le=120)]
    eerste_tewerkstelling_in_nl: bool = False
    # Optional: the first day of work for this employer; the ser2025 income guarantee's window starts
    # there (without it, at periode_van, and the computation says so).
    eerste_werkdag: date | None = None
    # Optional: on a work-study track (beroepsbegeleidende leerweg); ages 18-20 then have the lower BBL
    # youth rates.
    bbl: bool = False


class Werkgever(ContractModel):
    kvk_nummer: KvkNummer
    naam: Naam | None = None
    is_uitzendonderneming: bool = False


class Ketenpartij(ContractModel):
    kvk_nummer: KvkNummer
    naam: Naam | None = None
    rol: Rol
    keurmerk: bool = False


HOOGSTE_KETEN = 100
"""Plausibility bound on the parties a chain names (in a claim, in one answer, and in all of a
claim's chain together: the handler refuses an answer that would take it past): no real chain of
clients comes near, and an unbounded list only makes ordering the chain slow."""


def _niet_te_lang(keten: tuple[Ketenpartij, ...], info: ValidationInfo) -> tuple[Ketenpartij, ...]:
    if len(keten) > HOOGSTE_KETEN and not _opgeslagen(info):
        raise ValueError(f"bevat te veel elementen (hoogstens {HOOGSTE_KETEN})")
    return keten


# The bound is checked by the validator (its reason names the bound) and published in the schema.
Keten = Annotated[
    tuple[Ketenpartij, ...], AfterValidator(_niet_te_lang), Field(json_schema_extra={"maxItems": HOOGSTE_KETEN})
]


class Partij(ContractModel):
    kvk_nummer: KvkNummer


class MaandLoon(ContractModel):
    """One calendar month of the claim. `inhouding_huisvesting_eur` (optional) is the part of
    `betaald_bruto_eur` withheld for housing; what exceeds the HUIS-005 cap does not count as paid."""

    maand: Maand
    gewerkte_uren: Uren
    betaald_bruto_eur: VorderingBedrag
    inhouding_huisvesting_eur: VorderingBedrag | None = None

    @property
    def eerste_dag(self) -> date:
        jaar, maand = self.maand.split("-")
        return date(int(jaar), int(maand), 1)

    @property
    def laatste_dag(self) -> date:
        return maand_van(self.eerste_dag)[1]


def _dubbel(waarden: list[str]) -> list[str]:
    return sorted({w for w in waarden if waarden.count(w) > 1})


class LoonvorderingIngediend(_Vertrouwelijk):
    """The data of `nl.waardigwerk.loonvordering.ingediend`; parse with `model_validate_json(raw_bytes)`.

    `keten` runs from the direct client upward and may be empty or incomplete.
    """

    indiener: Indiener
    werknemer: Werknemer
    werkgever: Werkgever
    keten: Keten = ()
    periode_van: date
    periode_tot: date
    gewerkte_uren: Uren
    betaald_bruto_eur: VorderingBedrag
    seizoenswerk: bool = False
    contract_duur_dagen: Annotated[int, Field(ge=1)] | None = None
    per_maand: tuple[MaandLoon, ...] | None = None

    @model_validator(mode="after")
    def _samenhang(self) -> LoonvorderingIngediend:
        """Cross-field checks; every problem in one message so the sender can fix them at once."""
        problemen: list[str] = []
        if self.periode_tot < self.periode_van:
            problemen.append("periode_tot ligt voor periode_van")
        else:
            dagen = (self.periode_tot - self.periode_van).days + 1
            if self.gewerkte_uren > dagen * _UREN_PER_DAG:
                problemen.append(f"gewerkte_uren ({self.gewerkte_uren}) is meer dan er in {dagen} dagen passen")
        if self.werknemer.eerste_werkdag is not None and self.werknemer.eerste_werkdag > self.periode_van:
            problemen.append("werknemer.eerste_werkdag ligt na periode_van")
        kvks = [self.werkgever.kvk_nummer, *(p.kvk_nummer for p in self.keten)]
        if dubbel := _dubbel(kvks):
            problemen.append(f"keten noemt kvk_nummer {', '.join(dubbel)} meer dan eens (of ook als werkgever)")
        if self.per_maand is not None:
            problemen.extend(self._per_maand_problemen(self.per_maand))
        if problemen:
            raise ValueError("; ".join(problemen))
        return self

    @classmethod
    def uit_opslag(cls, invoer: dict[str, object]) -> LoonvorderingIngediend:
        """A claim as stored when it was accepted (`model_dump(mode="json")`), read back without the
        plausibility bounds added since (HOOGSTE_KETEN, HOOGSTE_UREN, HOOGSTE_BEDRAG): a claim
        accepted before them stays one that later facts can be applied to."""
        return cls.model_validate(invoer, strict=False, context={_OPGESLAGEN: True})

    def _per_maand_problemen(self, per_maand: tuple[MaandLoon, ...]) -> list[str]:
        problemen: list[str] = []
        if dubbel := _dubbel([m.maand for m in per_maand]):
            problemen.append(f"per_maand noemt maand {', '.join(dubbel)} meer dan eens")
        buiten = [m.maand for m in per_maand if m.laatste_dag < self.periode_van or m.eerste_dag > self.periode_tot]
        te_veel = [
            m.maand
            for m in per_maand
            if m.inhouding_huisvesting_eur is not None and m.inhouding_huisvesting_eur > m.betaald_bruto_eur
        ]
        if te_veel:
            problemen.append(f"per_maand maand {', '.join(te_veel)}: inhouding_huisvesting_eur is meer dan betaald")
        if buiten:
            problemen.append(f"per_maand maand {', '.join(buiten)} valt buiten periode_van..periode_tot")
        uren = sum((m.gewerkte_uren for m in per_maand), Decimal(0))
        if uren != self.gewerkte_uren:
            problemen.append(f"per_maand telt op tot {uren} uur, maar gewerkte_uren is {self.gewerkte_uren}")
        betaald = sum((m.betaald_bruto_eur for m in per_maand), Decimal(0))
        if betaald != self.betaald_bruto_eur:
            totaal = self.betaald_bruto_eur
            problemen.append(f"per_maand telt op tot € {betaald:.2f} betaald, maar betaald_bruto_eur is € {totaal:.2f}")
        return problemen

    def maand_dagen(self, maand: MaandLoon) -> tuple[date, date]:
        """The part of `maand` that lies inside the claim period."""
        return max(maand.eerste_dag, self.periode_van), min(maand.laatste_dag, self.periode_tot)


class Aanzegging(ContractModel):
    """The worker (or the union) notified or claimed `aan` in writing on `op`. For the top client this
    starts the waiting term of BW 7:616b lid 4/5; for a client between the direct client and the top
    it is the claim on that level that lid 4 requires before the top client is liable."""

    vordering_id: VorderingId
    aan: Partij
    op: date


class PartijStatus(ContractModel):
    """A ground on which the claim against `partij` failed (BW 7:616b lid 2) or a court's exculpation."""

    vordering_id: VorderingId
    partij: Partij
    status: StatusSoort
    vastgesteld_op: date


class KeteninformatieGevraagd(ContractModel):
    """`gevraagd_door` (the worker, or the union on the worker's behalf) asked `aan` on `gevraagd_op` to
    name its contract partner and the top client (BW 7:616e). A party other than the employer that
    does not answer (`.keteninformatie`) within two weeks is liable out of turn from the day after."""

    vordering_id: VorderingId
    gevraagd_door: Literal["werknemer", "vakbond"]
    aan: Partij
    gevraagd_op: date


class Keteninformatie(ContractModel):
    """`verstrekt_door` answers its duty (BW 7:616e) to name its contract partner and the top client.

    `keten` runs upward from its contract partner. What says nothing about the chain is left out,
    not refused (a refused answer would leave the party liable for not answering): the parties up to
    and including `verstrekt_door`'s own last mention, the claim's employer (the debtor, never a
    client) and a party named again; when nothing is left of a non-empty `keten`, the filer hears so.
    An answer whose new parties would take the claim's chain past HOOGSTE_KETEN parties is refused to
    the filer and adds none; it still counts as answered, and its order up to its first new party
    counts. An answer naming only parties the claim holds is never refused for the bound."""

    vordering_id: VorderingId
    verstrekt_door: Partij
    keten: Keten


class Betaling(ContractModel):
    """A payment is one fact per (claim, betaald_door, betaald_op, referentie): sent again it counts
    once; under that key with another amount it is rejected. `referentie` (added, optional) is the
    payer's own reference of the payment; it tells two payments by one party on one day apart."""

    vordering_id: VorderingId
    betaald_door: Partij
    bedrag_eur: Annotated[Bedrag, Field(gt=0)]
    betaald_op: date
    referentie: Referentie | None = None
