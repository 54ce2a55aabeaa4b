"""How values read on a page: times in Europe/Amsterdam without microseconds, dates and amounts the Dutch way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jinja2 import Environment

from services.console import grafiek, keten
from shared.service import AMSTERDAM


def tijd(waarde: Any) -> str:
    """`2026-12-03T09:00:00.123456+00:00` -> `03-12-2026 10:00:00` (Amsterdam)."""
    if isinstance(waarde, str):
        try:
            waarde = datetime.fromisoformat(waarde.replace("Z", "+00:00"))
        except ValueError:
            return str(waarde)
    if isinstance(waarde, datetime):
        if waarde.tzinfo is not None:
            waarde = waarde.astimezone(AMSTERDAM)
        return str(waarde.strftime("%d-%m-%Y %H:%M:%S"))
    return datum(waarde)


def datum(waarde: Any) -> str:
    if isinstance(waarde, str):
        try:
            waarde = date.fromisoformat(waarde[:10])
        except ValueError:
            return str(waarde)
    if isinstance(waarde, datetime):
        waarde = waarde.astimezone(AMSTERDAM).date() if waarde.tzinfo else waarde.date()
    if isinstance(waarde, date):
        return waarde.strftime("%d-%m-%Y")
    return "-" if waarde is None else str(waarde)


def bedrag(waarde: Any) -> str:
    """`12345.6` -> `€ 12.345,60`."""
    if waarde is None or waarde == "":
        return "-"
    try:
        d = Decimal(str(waarde)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(waarde)
    teken = "-" if d < 0 else ""
    heel, _, cent = f"{abs(d):.2f}".partition(".")
    groepen = f"{int(heel):,}".replace(",", ".")
    return f"€ {teken}{groepen},{cent}"


def getal(waarde: Any) -> str:
    """Numbers with a decimal comma and a thousands dot."""
    if isinstance(waarde, bool) or waarde is None:
        return "-" if waarde is None else ("ja" if waarde else "nee")
    if isinstance(waarde, int):
        return f"{waarde:,}".replace(",", ".")
    try:
        d = Decimal(str(waarde))
    except InvalidOperation:
        return str(waarde)
    heel, _, frac = f"{d:f}".partition(".")
    return f"{int(heel):,}".replace(",", ".") + (f",{frac}" if frac else "")


def _naam(ce_type: str) -> tuple[str, str]:
    delen = ce_type.split(".")
    return (delen[2], delen[-1]) if len(delen) > 3 else ("", ce_type)


def _ref(d: dict[str, Any], *sleutels: str) -> str:
    for s in sleutels:
        v = d.get(s)
        if isinstance(v, dict):
            v = v.get("kvk_nummer")
        if v not in (None, ""):
            return str(v)
    return "-"


def beschrijf(e: dict[str, Any]) -> str:
    """One timeline line in words: what happened and why."""
    dienst, naam = _naam(str(e.get("type", "")))
    ruw = e.get("data")
    d: dict[str, Any] = ruw if isinstance(ruw, dict) else {}
    ruw_risico = d.get("risico")
    risico: dict[str, Any] = ruw_risico if isinstance(ruw_risico, dict) else {}
    teksten: dict[tuple[str, str], Callable[[], str]] = {
        ("melding", "ontvangen"): lambda: (
            f"Melding ontvangen van {_ref(d, 'melder_organisatie')} (referentie {_ref(d, 'melder_referentie')})"
            + ("; gekoppeld aan deze bestaande zaak" if d.get("gekoppeld") else "")
            + f"; uiterlijk inspecteren op {datum(d.get('uiterlijk_inspectie_op'))}"
        ),
        ("melding", "status_gewijzigd"): lambda: (
            f"Status van de zaak: {str(d.get('status', '-')).replace('_', ' ')}"
            + (f" (inspectie op {datum(d.get('gepland_op'))})" if d.get("gepland_op") else "")
            + f"; bericht aan {_ref(d, 'melder_organisatie')}"
        ),
        ("melding", "termijn_overschreden"): lambda: (
            f"Termijn overschreden: uiterlijk {datum(d.get('uiterlijk_inspectie_op'))} verstreken zonder inspectie"
        ),
        ("melding", "huisvestingssignaal"): lambda: "Signaal aan huisvesting: de melding gaat ook over huisvesting",
        ("melding", "afgewezen"): lambda: (
            "Melding afgewezen: "
            + "; ".join(str(f.get("melding")) for f in d.get("fouten") or [] if isinstance(f, dict))
        ),
        ("inspectie", "gepland"): lambda: (
            f"Inspectie {_ref(d, 'inspectie_id')} gepland op {datum(d.get('gepland_op'))} in regio "
            f"{_ref(d, 'regio')} ({_ref(d, 'soort')}), risicoscore {getal(risico.get('score'))}"
        ),
        ("inspectie", "herpland"): lambda: (
            f"Inspectie {_ref(d, 'inspectie_id')} verplaatst van {datum(d.get('vorige_gepland_op'))} naar "
            f"{datum(d.get('gepland_op'))}: {_ref(d, 'reden')}"
        ),
        ("inspectie", "capaciteitstekort"): lambda: (
            f"Te weinig inspectiecapaciteit in {_ref(d, 'regio')}: uiterlijk {datum(d.get('uiterlijk_op'))}, "
            f"eerst mogelijk {datum(d.get('eerst_mogelijk_op'))}"
        ),
        ("inspectie", "afgerond"): lambda: (
            f"Inspectie {_ref(d, 'inspectie_id')} uitgevoerd op {datum(d.get('uitgevoerd_op'))}: "
            + ("overtreding vastgesteld" if d.get("overtreding_vastgesteld") else "geen overtreding")
        ),
        ("inspectie", "boete_opgelegd"): lambda: (
            f"Boete {_ref(d, 'boete_id')} opgelegd: {bedrag(d.get('bedrag_eur'))} ({_ref(d, 'wet')} {_ref(d, 'code')})"
        ),
        ("inspectie", "stillegging_bevolen"): lambda: (
            f"Stillegging bevolen vanaf {datum(d.get('bevolen_op'))} tot en met "
            f"{datum(d.get('uiterlijk_tot_en_met'))} ({_ref(d, 'wet')}, {_ref(d, 'grond')})"
        ),
        ("inspectie", "onderbetaling_vastgesteld"): lambda: (
            f"Onderbetaling vastgesteld ({datum(d.get('periode_van'))} t/m {datum(d.get('periode_tot'))})"
        ),
        ("huisvesting", "gecontroleerd"): lambda: (
            f"Huurcontract {_ref(d, 'contract_referentie')} gecontroleerd: {_ref(d, 'oordeel')}"
        ),
        ("timer", "dood"): lambda: (
            f"Termijnbewaking {_ref(d, 'soort')} van {_ref(d, 'dienst')} opgegeven na {getal(d.get('pogingen'))} "
            f"pogingen (laatste fout: {_ref(d, 'laatste_fout')})"
        ),
        ("loonvordering", "aansprakelijke_gewijzigd"): lambda: (
            f"Loonvordering {_ref(d, 'vordering_id')}: aansprakelijkheid gewijzigd ({_ref(d, 'reden')}); nu "
            + (
                ", ".join(
                    f"{a.get('rol')} {a.get('kvk_nummer')} ({a.get('grond')})" for a in _lijst(d, "aansprakelijk")
                )
                or "niemand"
            )
        ),
    }
    tekst = teksten.get((dienst, naam))
    if tekst is not None:
        return tekst()
    omschrijving = naam.replace("_", " ")
    if dienst == "loonvordering":
        return f"Loonvordering {_ref(d, 'vordering_id')}: {omschrijving}" + (
            f", {bedrag(d.get('bedrag_eur'))}" if d.get("bedrag_eur") is not None else ""
        )
    return f"{dienst or 'onbekend'}: {omschrijving}"


def _lijst(d: dict[str, Any], sleutel: str) -> list[dict[str, Any]]:
    return [v for v in d.get(sleutel) or [] if isinstance(v, dict)]


def oorzaak_in_woorden(ce_type: str) -> str:
    """`nl.waardigwerk.inspectie.gepland` -> `inspectie gepland`."""
    dienst, naam = _naam(ce_type)
    return f"{dienst} {naam}".strip().replace("_", " ")


def waarde_in_woorden(waarde: Any) -> str:
    """A value in a computation line: yes/no, a Dutch number, a date, or the text."""
    if isinstance(waarde, bool) or waarde is None:
        return getal(waarde)
    if isinstance(waarde, int | float | Decimal):
        return getal(waarde)
    if isinstance(waarde, str) and len(waarde) == 10 and waarde[4] == "-" and waarde[7] == "-":
        return datum(waarde)
    return str(waarde)


def risico_rij(onderdeel: Any) -> tuple[str, Any, str]:
    """One contribution to a risk score as a chart row: its signal, its contribution, its source event."""
    o: dict[str, Any] = onderdeel if isinstance(onderdeel, dict) else {}
    label = str(o.get("signaal") or o.get("soort") or o.get("naam") or "onderdeel").replace("_", " ")
    try:
        bijdrage = Decimal(str(o.get("bijdrage") or 0))
    except InvalidOperation:
        bijdrage = Decimal(0)
    return label, bijdrage, f"{label} (bron {o.get('bron_event_id') or 'onbekend'})"


def registreer(env: Environment) -> None:
    env.filters.update(tijd=tijd, datum=datum, bedrag=bedrag, getal=getal, risico_rij=risico_rij)
    env.globals.update(
        beschrijf=beschrijf,
        oorzaak_in_woorden=oorzaak_in_woorden,
        waarde_in_woorden=waarde_in_woorden,
        horizontaal=grafiek.horizontaal,
        gestapeld=grafiek.gestapeld,
        teken_keten=keten.teken,
    )
