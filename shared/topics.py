"""Topic names: the external contract's (CONTRACT.md §2-4) and the internal domain-event topics."""

from __future__ import annotations

# Inbound, partners -> waardigwerk (contract).
IN_MELDINGEN = "waardigwerk.in.meldingen"
IN_GEMEENTE = "waardigwerk.in.gemeente"
IN_BELASTINGDIENST = "waardigwerk.in.belastingdienst"
IN_INSPECTIE = "waardigwerk.in.inspectie"
IN_LOONVORDERINGEN = "waardigwerk.in.loonvorderingen"
IN_HUURCONTRACTEN = "waardigwerk.in.huurcontracten"
IN_NAU = "waardigwerk.in.nau"  # added: admissions of temporary-work agencies (Wtta)
IN_MELDLOKET = "waardigwerk.in.meldloket"  # added: notifications of posted workers (WagwEU)
INBOUND = (
    IN_MELDINGEN,
    IN_GEMEENTE,
    IN_BELASTINGDIENST,
    IN_INSPECTIE,
    IN_LOONVORDERINGEN,
    IN_HUURCONTRACTEN,
    IN_NAU,
    IN_MELDLOKET,
)

# Test clock (contract §4).
TEST_KLOK = "waardigwerk.test.klok"

# Internal: each domain service publishes its domain events on its own topic, keyed by aggregate.
DOMAIN_SERVICES = ("melding", "inspectie", "loonvordering", "huisvesting")


def intern(service: str) -> str:
    return f"waardigwerk.intern.{service}"


INTERNAL = tuple(intern(s) for s in DOMAIN_SERVICES)

# Internal commands of the console to the services (a dead timer to retry): every service with
# timers reads it and acts only on what is addressed to it. Not a domain-event topic: commands are
# not part of the read model and keep the broker's retention.
CONSOLE_OPDRACHTEN = intern("console")


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


# Outbound, waardigwerk -> partners (contract §3); the parametrised ones are created on first use.
UIT_ARBEIDSINSPECTIE = "waardigwerk.uit.arbeidsinspectie"
UIT_BELASTINGDIENST = "waardigwerk.uit.belastingdienst"


def uit_melder(organisatie: str) -> str:
    return f"waardigwerk.uit.melder.{organisatie}"


def uit_gemeente(gemeentecode: str) -> str:
    return f"waardigwerk.uit.gemeente.{gemeentecode}"


def uit_indiener(organisatie: str) -> str:
    return f"waardigwerk.uit.indiener.{organisatie}"


# A dead letter is the record as it came (up to the broker's 1 MiB) plus its reason headers, so
# a DLQ topic takes records up to this size, and so does the relay's producer.
DLQ_MAX_BYTES = 2 * 1024 * 1024


def bewaren(topic: str) -> dict[str, str]:
    """Topic settings beyond the broker's defaults. The domain events are the record the console's
    read model is rebuilt from, and a dead letter waits for a fix and a replay: both are kept
    without a time limit. Inbound and partner topics keep the broker's retention (7 days)."""
    if topic.endswith(".dlq"):
        return {"retention.ms": "-1", "max.message.bytes": str(DLQ_MAX_BYTES)}
    if topic in INTERNAL:
        return {"retention.ms": "-1"}
    return {}


def precreated() -> list[str]:
    """Topics the stack creates up front (the rest are auto-created by the broker on first use)."""
    fixed = [*INBOUND, TEST_KLOK, *INTERNAL, CONSOLE_OPDRACHTEN, UIT_ARBEIDSINSPECTIE, UIT_BELASTINGDIENST]
    return [*fixed, *(dlq(t) for t in (*INBOUND, *INTERNAL, CONSOLE_OPDRACHTEN))]
