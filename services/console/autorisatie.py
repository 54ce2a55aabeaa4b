"""Who may see and do what in the console: roles, object-level checks and the masking of personal data.

Every page and API call asks `mag` (may this user do this action) and, for an object that belongs
to a municipality, `mag_object` (may this user see this particular object). The rules are pure so
the test can try every role against every other role's objects without a server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Rol(StrEnum):
    BEHEERDER = "beheerder"  # administrator: everything, including replay and personal data
    OPERATOR = "operator"  # everything except personal data and replay
    PLANNER = "planner"  # the inspectorate's planning views
    GEMEENTE = "gemeente"  # a municipal officer: cases, findings and addresses of their own municipality


class Actie(StrEnum):
    OVERZICHT = "overzicht"
    PLANNING = "planning"
    ZAAK = "zaak"
    VORDERINGEN = "vorderingen"
    HUISVESTING = "huisvesting"
    DODE_LETTERS = "dode_letters"
    REPLAY = "replay"
    TIMER_OPNIEUW = "timer_opnieuw"  # retry a dead timer (operator and administrator)
    ZOEKEN = "zoeken"
    GEBRUIKERS = "gebruikers"  # account management


RECHTEN: Mapping[Rol, frozenset[Actie]] = {
    Rol.BEHEERDER: frozenset(Actie),
    Rol.OPERATOR: frozenset(Actie) - {Actie.REPLAY, Actie.GEBRUIKERS},
    Rol.PLANNER: frozenset({Actie.OVERZICHT, Actie.PLANNING, Actie.ZAAK, Actie.ZOEKEN}),
    Rol.GEMEENTE: frozenset({Actie.ZAAK, Actie.HUISVESTING, Actie.ZOEKEN}),
}

# Where each role lands after logging in: the first page it may open.
STARTPAGINA: Mapping[Rol, str] = {
    Rol.BEHEERDER: "/",
    Rol.OPERATOR: "/",
    Rol.PLANNER: "/",
    Rol.GEMEENTE: "/huisvesting",
}

# Keys that hold data about a natural person (worker); only the administrator needs them.
PERSOONSGEGEVENS = frozenset({"werknemer_ref", "werknemer_refs", "bsn", "werknemer", "geboortedatum", "naam_werknemer"})
AFGESCHERMD = "[afgeschermd]"


@dataclass(frozen=True)
class Gebruiker:
    naam: str
    rol: Rol
    gemeentecode: str | None = None


def mag(gebruiker: Gebruiker, actie: Actie) -> bool:
    """May this user use this page or API call at all."""
    return actie in RECHTEN[gebruiker.rol]


def mag_object(gebruiker: Gebruiker, actie: Actie, gemeentecode: str | None) -> bool:
    """May this user see this object: a municipal officer only objects in their own municipality.

    An object without a known municipality is never shown to a municipal officer.
    """
    if not mag(gebruiker, actie):
        return False
    if gebruiker.rol is Rol.GEMEENTE:
        return gemeentecode is not None and gemeentecode == gebruiker.gemeentecode
    return True


def ziet_persoonsgegevens(gebruiker: Gebruiker) -> bool:
    return gebruiker.rol is Rol.BEHEERDER


def afschermen(gebruiker: Gebruiker, waarde: Any) -> Any:
    """The value with personal data replaced, unless the user may see it (nested dicts and lists too).

    By meaning, not only by field name: every string held under a personal-data key is a secret,
    and wherever such a value appears inside another value (a claim reference `INS-12:W-7` embeds
    worker `W-7`; a record key `kvk:W-7`) it is replaced there too."""
    if ziet_persoonsgegevens(gebruiker):
        return waarde
    geheimen = persoonswaarden(waarde)
    patroon = _patroon(geheimen) if geheimen else None
    return _masker(waarde, patroon)


def persoonswaarden(waarde: Any, onder_persoonsveld: bool = False) -> set[str]:
    """Every string that is personal data: held (at any depth) under a personal-data key."""
    if isinstance(waarde, Mapping):
        uit: set[str] = set()
        for k, v in waarde.items():
            uit |= persoonswaarden(v, onder_persoonsveld or k in PERSOONSGEGEVENS)
        return uit
    if isinstance(waarde, list | tuple):
        return set().union(*(persoonswaarden(v, onder_persoonsveld) for v in waarde))
    if onder_persoonsveld and isinstance(waarde, str | int) and not isinstance(waarde, bool) and str(waarde).strip():
        return {str(waarde)}
    return set()


def _patroon(geheimen: set[str]) -> re.Pattern[str]:
    """Each secret as a whole token: `W-7` inside `INS-1:W-7`, not inside `W-71`."""
    delen = "|".join(re.escape(g) for g in sorted(geheimen, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{delen})(?![\w-])")


def bevat_persoonsgegevens(tekst: str, geheimen: set[str]) -> bool:
    return bool(geheimen) and _patroon(geheimen).search(tekst) is not None


def _masker(waarde: Any, patroon: re.Pattern[str] | None) -> Any:
    if isinstance(waarde, Mapping):
        return {k: AFGESCHERMD if k in PERSOONSGEGEVENS else _masker(v, patroon) for k, v in waarde.items()}
    if isinstance(waarde, list | tuple):
        return [_masker(v, patroon) for v in waarde]
    if isinstance(waarde, str) and patroon is not None:
        return patroon.sub(AFGESCHERMD, waarde)
    return waarde


def filter_gemeente(gebruiker: Gebruiker, actie: Actie, rijen: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows (each with a `gemeentecode`) this user may see."""
    return [r for r in rijen if mag_object(gebruiker, actie, r.get("gemeentecode"))]


def mag_zaak(gebruiker: Gebruiker, gemeenten: set[str]) -> bool:
    """May this user open a case that concerns these municipalities (a report, housing check or stoppage there)."""
    if not mag(gebruiker, Actie.ZAAK):
        return False
    if gebruiker.rol is Rol.GEMEENTE:
        return gebruiker.gemeentecode in gemeenten
    return True


def _diensten(ce_type: str) -> str:
    delen = ce_type.split(".")
    return delen[2] if len(delen) > 3 else ""


def zaak_voor_gemeente(inhoud: Mapping[str, Any], gemeentecode: str) -> dict[str, Any]:
    """The parts of a case that concern one municipality.

    An event located in another municipality is left out (its report's reference and work location
    too); an event without a place only when it is about the case itself (melding, inspectie), names
    no reporter of another municipality, and holds no computation or worker (fines and claims are the
    inspectorate's)."""
    tijdlijn: list[Mapping[str, Any]] = list(inhoud.get("tijdlijn") or [])
    eigen_refs = {e["referentie"] for e in tijdlijn if e.get("gemeentecode") == gemeentecode and e.get("referentie")}

    def zichtbaar(e: Mapping[str, Any]) -> bool:
        if e.get("gemeentecode") is not None:
            return bool(e["gemeentecode"] == gemeentecode)
        data = e.get("data")
        return (
            _diensten(str(e.get("type"))) in ("melding", "inspectie")
            and (e.get("referentie") is None or e.get("referentie") in eigen_refs)
            and not (isinstance(data, Mapping) and "berekening" in data)
            and not e.get("werknemer_refs")
        )

    zichtbare = [e for e in tijdlijn if zichtbaar(e)]
    inspecties = {e.get("inspectie_id") for e in zichtbare if e.get("inspectie_id")}
    zaak = dict(inhoud.get("zaak") or {})
    eigen_plek = zaak.get("gemeentecode") == gemeentecode
    zaak.update(
        referenties=[r for r in zaak.get("referenties") or [] if r in eigen_refs],
        gemeentecode=gemeentecode,
        postcode=zaak.get("postcode") if eigen_plek else None,
        omschrijving=zaak.get("omschrijving") if eigen_plek else None,
    )
    return {
        **inhoud,
        "zaak": zaak,
        "tijdlijn": zichtbare,
        "risico": [r for r in inhoud.get("risico") or [] if r.get("inspectie_id") in inspecties],
        "berekeningen": [],
        "sancties": [s for s in inhoud.get("sancties") or [] if s.get("gemeentecode") == gemeentecode],
        "beleid": sorted({e["beleid"] for e in zichtbare if e.get("beleid")}),
    }


def zaakrij_voor_gemeente(rij: Mapping[str, Any], gemeentecode: str) -> dict[str, Any]:
    """A case in a list or search result: no reporters' references (they may be another municipality's), its
    place and its first report's description only if that report was made in this municipality."""
    eigen = rij.get("gemeentecode") == gemeentecode
    return {
        **rij,
        "referenties": [],
        "gemeentecode": gemeentecode,
        "postcode": rij.get("postcode") if eigen else None,
        "omschrijving": rij.get("omschrijving") if eigen else None,
    }
