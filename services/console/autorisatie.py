"""Who may see and do what in the console: roles, object-level checks and the masking of personal data.

Every page and API call asks `mag` (may this user do this action) and, for an object that belongs
to a municipality, `mag_object` (may this user see this particular object). The rules are pure so
the test can try every role against every other role's objects without a server.
"""

from __future__ import annotations

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
    ZOEKEN = "zoeken"


RECHTEN: Mapping[Rol, frozenset[Actie]] = {
    Rol.BEHEERDER: frozenset(Actie),
    Rol.OPERATOR: frozenset(Actie) - {Actie.REPLAY},
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
PERSOONSGEGEVENS = frozenset({"werknemer_ref", "bsn", "werknemer", "geboortedatum", "naam_werknemer"})
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
    """The value with personal data replaced, unless the user may see it (nested dicts and lists too)."""
    if ziet_persoonsgegevens(gebruiker):
        return waarde
    return _masker(waarde)


def _masker(waarde: Any) -> Any:
    if isinstance(waarde, Mapping):
        return {k: AFGESCHERMD if k in PERSOONSGEGEVENS else _masker(v) for k, v in waarde.items()}
    if isinstance(waarde, list | tuple):
        return [_masker(v) for v in waarde]
    return waarde


def filter_gemeente(gebruiker: Gebruiker, actie: Actie, rijen: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows (each with a `gemeentecode`) this user may see."""
    return [r for r in rijen if mag_object(gebruiker, actie, r.get("gemeentecode"))]
