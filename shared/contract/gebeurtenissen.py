"""The data of every event waardigwerk emits (CONTRACT §3 and the internal domain events).

A service emits its domain events on its own topic (`waardigwerk.intern.<context>`, the context
being the second part of the type); `deling` forwards the fields its data-sharing policy allows
to the partner topics (`waardigwerk.uit.*`). These models describe that data for the AsyncAPI
documents and for whoever reads the topics; the services build the data themselves. Unlike the
inbound models they are not strict about extra fields: a reader must accept fields added later.
Amounts are JSON numbers in euros, dates `YYYY-MM-DD`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from shared.contract.base import Adres, KvkNummer, Organisatie, WerkgeverKvk
from shared.contract.inspectie import Wet
from shared.contract.loonvordering import Rol

Euro = Annotated[Decimal, WithJsonSchema({"type": "number", "description": "amount in euros"})]
Getal = Annotated[Decimal, WithJsonSchema({"type": "number"})]
Beleid = Annotated[str, Field(description="the policy variant and version whose parameters produced this event")]


class Gebeurtenis(BaseModel):
    """The data of an emitted event: what is listed here is always there (or null where optional)."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Fout(Gebeurtenis):
    veld: str
    melding: str


class Stap(Gebeurtenis):
    """One line of a computation: the rule or step, what it did, its value."""

    stap: str
    omschrijving: str
    waarde: Getal | str | int | bool | None


class Aanleiding(Gebeurtenis):
    soort: str = Field(description="what led to it: melding, signaal, eerdere_inspectie, ...")
    id: str


class WerknemerRef(Gebeurtenis):
    werknemer_ref: str = Field(description="the worker's reference (a pseudonym on a partner topic)")
    bsn: str | None = Field(default=None, description="only to a recipient with a legal basis for it")


class Termijn(Gebeurtenis):
    datum: date
    soort: str = Field(description="the article at stake")


class Aansprakelijke(Gebeurtenis):
    kvk_nummer: KvkNummer
    rol: Rol | Literal["werkgever"]
    sinds: date
    grond: str = Field(description="the article, e.g. BW 7:616a, BW 7:616b lid 5, BW 7:616e")


# -- melding --------------------------------------------------------------------------------------
class MeldingOntvangen(Gebeurtenis):
    """`nl.waardigwerk.melding.ontvangen`: the acknowledgement of a report (and, internally, what
    inspectie needs to plan)."""

    melder_organisatie: Organisatie
    melder_referentie: str
    zaak_id: str
    ontvangen_op: date
    uiterlijk_inspectie_op: date = Field(description="the date by which an inspection must have taken place")
    gekoppeld: bool = Field(description="the report joined an existing case")
    melder_soort: str | None = None
    werkgever: WerkgeverKvk | None = None
    werklocatie: Adres | None = None
    categorieen: list[str] | None = None
    aantal_betrokkenen: int | None = None
    melding_id: str | None = None
    scope: list[str] | None = None
    herhaald: bool | None = None
    beleid: Beleid | None = None


class MeldingAfgewezen(Gebeurtenis):
    """`nl.waardigwerk.melding.afgewezen`: every problem of a refused report, for its reporter."""

    melder_organisatie: Organisatie
    melder_referentie: str | None = Field(description="when readable")
    fouten: list[Fout]


class MeldingStatusGewijzigd(Gebeurtenis):
    """`nl.waardigwerk.melding.status_gewijzigd`: a step of the case, as the reporter may see it."""

    melder_organisatie: Organisatie
    melder_referentie: str
    zaak_id: str
    status: Literal["gekoppeld", "inspectie_gepland", "geinspecteerd", "uitkomst", "gesloten"]
    gepland_op: date | None = None
    uitgevoerd_op: date | None = None
    overtreding_vastgesteld: bool | None = None
    resultaat: str | None = None


class MeldingTermijnOverschreden(Gebeurtenis):
    """`nl.waardigwerk.melding.termijn_overschreden`: no inspection took place within the term."""

    zaak_id: str
    melding_id: str
    werkgever: WerkgeverKvk
    ontvangen_op: date
    uiterlijk_inspectie_op: date
    scope: list[str]
    gemeentecode: str | None
    vastgesteld_op: date
    beleid: str


class MeldingHuisvestingssignaal(Gebeurtenis):
    """`nl.waardigwerk.melding.huisvestingssignaal`: a report about housing, for huisvesting."""

    zaak_id: str
    werkgever: WerkgeverKvk
    adres: Adres


# -- inspectie ------------------------------------------------------------------------------------
class Risicoonderdeel(Gebeurtenis):
    signaal: str
    gewicht: Getal
    bijdrage: Getal
    bron_event_id: str
    sterkte: Getal
    dagen_oud: int


class Risico(Gebeurtenis):
    score: Getal
    onderdelen: list[Risicoonderdeel]
    model: str


class InspectieGepland(Gebeurtenis):
    """`nl.waardigwerk.inspectie.gepland`: an inspection on a day, with why and how risky."""

    inspectie_id: str
    werkgever: WerkgeverKvk
    werklocatie: Adres | None
    gepland_op: date
    regio: str
    scope: list[str]
    aanleidingen: list[Aanleiding]
    risico: Risico | None
    uiterlijk_op: date | None
    soort: Literal["melding", "risico", "steekproef"]
    beleid: Beleid


class InspectieHerpland(InspectieGepland):
    """`nl.waardigwerk.inspectie.herpland`: a planned inspection moved to another day."""

    vorige_gepland_op: date | None
    reden: str | None


class InspectieCapaciteitstekort(Gebeurtenis):
    """`nl.waardigwerk.inspectie.capaciteitstekort`: the region cannot meet the deadline."""

    inspectie_id: str
    werkgever: WerkgeverKvk
    regio: str
    uiterlijk_op: date
    eerst_mogelijk_op: date | None
    beleid: Beleid


class NietBeoordeeldeRegel(Gebeurtenis):
    wet: str
    code: str
    regel: str
    reden: str


class InspectieAfgerond(Gebeurtenis):
    """`nl.waardigwerk.inspectie.afgerond`: a visit was carried out and judged."""

    inspectie_id: str
    werkgever: WerkgeverKvk
    uitgevoerd_op: date
    overtreding_vastgesteld: bool
    wetten: list[Wet]
    niet_beoordeeld: list[NietBeoordeeldeRegel]
    beleid: Beleid


class BoeteOpgelegd(Gebeurtenis):
    """`nl.waardigwerk.inspectie.boete_opgelegd`: a fine with its computation."""

    boete_id: str
    inspectie_id: str
    werkgever: WerkgeverKvk
    wet: Wet
    code: str
    regel: str
    bedrag_eur: Euro
    berekening: list[Stap]
    status: Literal["in_afwachting_herstel", "onherroepelijk"]
    herstel_uiterlijk_op: date | None
    herstel_reden: str | None
    beleid: Beleid


class BoeteAfgelopen(Gebeurtenis):
    """`nl.waardigwerk.inspectie.boete_vervallen` / `.boete_definitief`: a held fine lapsed or stands."""

    boete_id: str
    inspectie_id: str
    werkgever: WerkgeverKvk
    wet: Wet
    bedrag_eur: Euro
    reden: str
    berekening: list[Stap]
    beleid: Beleid


class StilleggingBevolen(Gebeurtenis):
    """`nl.waardigwerk.inspectie.stillegging_bevolen`: work at the location is to stop."""

    inspectie_id: str
    werkgever: WerkgeverKvk
    werklocatie: Adres | None
    wet: Wet
    code: str
    grond: str
    regel: str
    bevolen_op: date
    uiterlijk_tot_en_met: date | None
    berekening: list[Stap]
    beleid: Beleid


class OnderbetalingVastgesteld(Gebeurtenis):
    """`nl.waardigwerk.inspectie.onderbetaling_vastgesteld`: one worker's underpayment (internal:
    it opens a back-pay claim)."""

    inspectie_id: str
    werkgever: WerkgeverKvk
    werknemer_ref: str
    periode_van: date
    periode_tot: date
    gewerkte_uren: Getal
    betaald_bruto_eur: Euro
    vakantiebijslag_betaald_eur: Euro | None
    leeftijd: int | None
    beleid: Beleid


# -- loonvordering --------------------------------------------------------------------------------
class Vorderingkop(Gebeurtenis):
    """What every event about a claim starts with."""

    vordering_id: str
    indiener_organisatie: str | None = Field(description="routes the event to the filer's topic")
    indiener_referentie: str | None
    werkgever: WerkgeverKvk
    werknemer: WerknemerRef


class LoonvorderingVastgesteld(Vorderingkop):
    """`nl.waardigwerk.loonvordering.vastgesteld`: the claim, its computation and who is liable."""

    periode_van: date
    periode_tot: date
    bedrag_eur: Euro
    berekening: list[Stap]
    inkomensgarantie: bool = Field(description="the income guarantee window applied")
    snelle_route: bool
    aansprakelijk: list[Aansprakelijke] = Field(description="every party liable at that moment")
    volgende_termijn: Termijn | None
    beleid: Beleid


class AansprakelijkeGewijzigd(Vorderingkop):
    """`nl.waardigwerk.loonvordering.aansprakelijke_gewijzigd`: liability or the next term moved."""

    aansprakelijk: list[Aansprakelijke]
    reden: str
    volgende_termijn: Termijn | None
    beleid: Beleid


class KeteninformatieTeLaat(Vorderingkop):
    """`nl.waardigwerk.loonvordering.keteninformatie_te_laat`: a party did not name the chain in time
    and is liable itself (BW 7:616e)."""

    partij: WerkgeverKvk
    sinds: date
    beleid: str


class BetalingVerwerkt(Vorderingkop):
    """`nl.waardigwerk.loonvordering.betaling_verwerkt`: a payment on the claim and what is left."""

    betaald_door: WerkgeverKvk
    bedrag_eur: Euro
    openstaand_eur: Euro
    overbetaald_eur: Euro
    beleid: Beleid


class LoonvorderingVoldaan(Vorderingkop):
    """`nl.waardigwerk.loonvordering.voldaan`: the claim is paid in full."""

    bedrag_eur: Euro
    betaald_eur: Euro
    overbetaald_eur: Euro
    voldaan_op: date
    beleid: Beleid


class LoonvorderingAfgewezen(Gebeurtenis):
    """`nl.waardigwerk.loonvordering.afgewezen`: every problem of a refused claim, for its filer."""

    indiener_organisatie: str
    indiener_referentie: str | None
    vordering_id: str | None = Field(default=None, description="when the refused input named a claim")
    fouten: list[Fout]


# -- huisvesting ----------------------------------------------------------------------------------
class HuisvestingBevinding(Gebeurtenis):
    code: str
    ernst: Literal["H", "M", "S"] = Field(description="H and M are breaches, S a signal")
    grondslag: str
    toelichting: str


class NietBeoordeeld(Gebeurtenis):
    code: str
    ontbrekend: list[str] = Field(description="the data the rule needs and the contract lacks")


class HuisvestingGecontroleerd(Gebeurtenis):
    """`nl.waardigwerk.huisvesting.gecontroleerd`: the verdict on a housing contract."""

    contract_referentie: str
    adres: Adres
    oordeel: Literal["in_orde", "tekortkomingen"]
    bevindingen: list[HuisvestingBevinding]
    niet_beoordeeld: list[NietBeoordeeld]
    peildatum: date
    berekening: list[Stap]
    werkgever: WerkgeverKvk | None = None
    onrechtmatige_inhouding: dict[str, Any] | None = None
    aanleiding: dict[str, str] = Field(description="what led to the check: the contract, a signal, a date")
    beleid: Beleid


class Gemeente(Gebeurtenis):
    gemeentecode: str


class HuisvestingAfgewezen(Gebeurtenis):
    """`nl.waardigwerk.huisvesting.afgewezen`: every problem of a contract that cannot be judged."""

    contract_referentie: str | None
    adres: Gemeente
    fouten: list[Fout]


# -- the runtime ----------------------------------------------------------------------------------
class TimerDood(Gebeurtenis):
    """`nl.waardigwerk.timer.dood`: a timer gave up after its attempts; kept until it is retried."""

    dienst: str
    timer_id: int
    soort: str
    sleutel: str
    due_at: datetime
    pogingen: int
    laatste_fout: str


class TimerOpnieuw(Gebeurtenis):
    """`nl.waardigwerk.timer.opnieuw`: the console asks the service that owns a dead timer to try it
    again (on `waardigwerk.intern.console`; every other service leaves it alone)."""

    dienst: str = Field(description="the service whose timer it is")
    soort: str
    sleutel: str
    opdracht: str = Field(description="the command's id, also its ce_id: one effect however often it arrives")
    door: str = Field(description="the operator who asked for it")


class TimerHersteld(Gebeurtenis):
    """`nl.waardigwerk.timer.hersteld`: a dead timer is live again, with fresh attempts; it fires
    at the service's next scheduler round."""

    dienst: str
    timer_id: int
    soort: str
    sleutel: str
    opdracht: str


class TimerNietHersteld(Gebeurtenis):
    """`nl.waardigwerk.timer.niet_hersteld`: a retry command changed nothing, and why."""

    dienst: str
    soort: str
    sleutel: str
    opdracht: str
    reden: Literal["onbekend", "al_afgegaan", "niet_dood"] = Field(
        description="onbekend: the service has no such timer; al_afgegaan: it fired already; "
        "niet_dood: it is live (e.g. an earlier command revived it)"
    )


class KlokGezet(Gebeurtenis):
    """`nl.waardigwerk.test.klok_gezet` (CONTRACT §4): the test clock's new "now"."""

    nu: datetime = Field(description="RFC 3339 timestamp with a time zone")


class KlokBevestigd(Gebeurtenis):
    """`nl.waardigwerk.test.klok_bevestigd`: a service applied the clock and fired what fell due."""

    dienst: str
    nu: datetime


GEBEURTENISSEN: dict[str, type[BaseModel]] = {
    "nl.waardigwerk.melding.ontvangen": MeldingOntvangen,
    "nl.waardigwerk.melding.afgewezen": MeldingAfgewezen,
    "nl.waardigwerk.melding.status_gewijzigd": MeldingStatusGewijzigd,
    "nl.waardigwerk.melding.termijn_overschreden": MeldingTermijnOverschreden,
    "nl.waardigwerk.melding.huisvestingssignaal": MeldingHuisvestingssignaal,
    "nl.waardigwerk.inspectie.gepland": InspectieGepland,
    "nl.waardigwerk.inspectie.herpland": InspectieHerpland,
    "nl.waardigwerk.inspectie.capaciteitstekort": InspectieCapaciteitstekort,
    "nl.waardigwerk.inspectie.afgerond": InspectieAfgerond,
    "nl.waardigwerk.inspectie.boete_opgelegd": BoeteOpgelegd,
    "nl.waardigwerk.inspectie.boete_vervallen": BoeteAfgelopen,
    "nl.waardigwerk.inspectie.boete_definitief": BoeteAfgelopen,
    "nl.waardigwerk.inspectie.stillegging_bevolen": StilleggingBevolen,
    "nl.waardigwerk.inspectie.onderbetaling_vastgesteld": OnderbetalingVastgesteld,
    "nl.waardigwerk.loonvordering.vastgesteld": LoonvorderingVastgesteld,
    "nl.waardigwerk.loonvordering.aansprakelijke_gewijzigd": AansprakelijkeGewijzigd,
    "nl.waardigwerk.loonvordering.keteninformatie_te_laat": KeteninformatieTeLaat,
    "nl.waardigwerk.loonvordering.betaling_verwerkt": BetalingVerwerkt,
    "nl.waardigwerk.loonvordering.voldaan": LoonvorderingVoldaan,
    "nl.waardigwerk.loonvordering.afgewezen": LoonvorderingAfgewezen,
    "nl.waardigwerk.huisvesting.gecontroleerd": HuisvestingGecontroleerd,
    "nl.waardigwerk.huisvesting.afgewezen": HuisvestingAfgewezen,
}
"""Every domain event by type; its context (`nl.waardigwerk.<context>.…`) names the service and topic."""
