"""What the console reads out of a domain event: the keys to find it by, and the status it implies.

The services' event shapes are still growing, so everything here is tolerant: a missing field is
simply not a key. Pure functions; the SQL that stores the result is in `opslag.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SOORT_MELDING = "melding"


@dataclass(frozen=True)
class Sleutels:
    """Every way to find an event: the case(s) it concerns, its aggregates, employers and place."""

    zaak_ids: tuple[str, ...]
    inspectie_id: str | None
    vordering_id: str | None
    contract_referentie: str | None
    boete_id: str | None
    kvk: tuple[str, ...]
    gemeentecode: str | None
    postcode: str | None
    referentie: str | None
    beleid: str | None
    werknemer_refs: tuple[str, ...] = ()


def _str(waarde: Any) -> str | None:
    return str(waarde) if isinstance(waarde, str | int) and str(waarde) else None


def _dict(waarde: Any) -> Mapping[str, Any]:
    return waarde if isinstance(waarde, Mapping) else {}


def _list(waarde: Any) -> list[Any]:
    return waarde if isinstance(waarde, list) else []


def normaliseer_postcode(postcode: str | None) -> str | None:
    """1234 ab, 1234AB and 1234 AB are one postcode."""
    if not postcode:
        return None
    return postcode.replace(" ", "").upper() or None


def adres_van(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The address an event is about: a housing address or a work location."""
    return _dict(data.get("adres")) or _dict(data.get("werklocatie"))


def sleutels(data: Mapping[str, Any]) -> Sleutels:
    zaken = [_str(data.get("zaak_id"))]
    aanleidingen = [*map(_dict, _list(data.get("aanleidingen"))), _dict(data.get("aanleiding"))]
    zaken += [_str(a.get("id")) for a in aanleidingen if a.get("soort") == SOORT_MELDING]
    kvk = [_str(_dict(data.get("werkgever")).get("kvk_nummer")), _str(data.get("kvk_nummer"))]
    kvk += [_str(_dict(a).get("kvk_nummer")) for a in _list(data.get("aansprakelijk"))]
    kvk += [_str(_dict(a).get("kvk_nummer")) for a in _list(data.get("keten"))]
    adres = adres_van(data)
    return Sleutels(
        zaak_ids=tuple(dict.fromkeys(z for z in zaken if z)),
        inspectie_id=_str(data.get("inspectie_id")),
        vordering_id=_str(data.get("vordering_id")),
        contract_referentie=_str(data.get("contract_referentie")),
        boete_id=_str(data.get("boete_id")),
        kvk=tuple(dict.fromkeys(k for k in kvk if k)),
        gemeentecode=_str(data.get("gemeentecode")) or _str(adres.get("gemeentecode")),
        postcode=normaliseer_postcode(_str(adres.get("postcode"))),
        referentie=_str(data.get("melder_referentie")) or _str(data.get("indiener_referentie")),
        beleid=_str(data.get("beleid")),
        werknemer_refs=tuple(sorted(werknemer_refs(data))),
    )


def werknemer_refs(waarde: Any) -> set[str]:
    """Every worker reference in an event, at any depth (`werknemer_ref`, also inside `werknemer`)."""
    if isinstance(waarde, Mapping):
        uit = {r for k, v in waarde.items() if k == "werknemer_ref" and (r := _str(v))}
        for v in waarde.values():
            uit |= werknemer_refs(v)
        return uit
    if isinstance(waarde, list):
        return set().union(*(werknemer_refs(v) for v in waarde))
    return set()


def dienst_van(ce_type: str) -> str:
    """`nl.waardigwerk.inspectie.gepland` -> `inspectie`."""
    delen = ce_type.split(".")
    return delen[2] if len(delen) > 3 else ce_type


def gebeurtenis_naam(ce_type: str) -> str:
    """`nl.waardigwerk.inspectie.gepland` -> `gepland`."""
    return ce_type.rsplit(".", 1)[-1]


def zaak_status(ce_type: str, data: Mapping[str, Any]) -> str | None:
    """The case status a melding event sets (None: the event does not change the status)."""
    naam = gebeurtenis_naam(ce_type)
    if naam == "ontvangen":
        return "ontvangen"
    if naam == "status_gewijzigd":
        return _str(data.get("status"))
    return None


INSPECTIE_STATUS = {
    "gepland": "gepland",
    "herpland": "gepland",
    "capaciteitstekort": "capaciteitstekort",
    "afgerond": "uitgevoerd",
    "stillegging_bevolen": "stillegging",
}


def inspectie_status(ce_type: str) -> str | None:
    return INSPECTIE_STATUS.get(gebeurtenis_naam(ce_type))


def aggregaat_status(ce_type: str, data: Mapping[str, Any]) -> str:
    """Claims and housing checks: an explicit `status`/`oordeel` if given, else what the event says happened."""
    return _str(data.get("status")) or gebeurtenis_naam(ce_type)
