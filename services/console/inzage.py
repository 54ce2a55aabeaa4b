"""What one user gets to see: every page and API call goes through one of these functions, which check
the role, then the object, then mask personal data, before any data leaves the server."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from services.console import vragen
from services.console.autorisatie import (
    Actie,
    Gebruiker,
    afschermen,
    filter_gemeente,
    mag,
    mag_object,
    ziet_persoonsgegevens,
)
from services.console.overzicht import bevindingen_per_gemeente
from shared.db import Conn
from shared.policy import Policy


class Geweigerd(Exception):
    """403: the user may not see this (the message says what, never whether the object exists)."""


class NietGevonden(Exception):
    """404."""


def vereis(gebruiker: Gebruiker, actie: Actie) -> None:
    if not mag(gebruiker, actie):
        raise Geweigerd(f"de rol {gebruiker.rol.value} mag '{actie.value}' niet gebruiken")


async def overzicht(conn: Conn, g: Gebruiker, vandaag: date, nu: datetime, policy: Policy) -> dict[str, Any]:
    vereis(g, Actie.OVERZICHT)
    o = await vragen.overzicht(conn, vandaag, nu, policy)
    return {
        **o,
        "termijnen": [t.__dict__ for t in o["termijnen"]],
        "capaciteit": [{**c.__dict__, "pct": c.pct} for c in o["capaciteit"]],
    }


async def planning(conn: Conn, g: Gebruiker) -> dict[str, Any]:
    vereis(g, Actie.PLANNING)
    return {"inspecties": await vragen.planning(conn)}


async def zaak(conn: Conn, g: Gebruiker, zaak_id: str) -> dict[str, Any]:
    """A municipal officer gets 403 for a case that is not theirs and for one that does not exist, so the
    answer never tells them whether another municipality has a case with that id."""
    vereis(g, Actie.ZAAK)
    bestaat, gemeentecode = await vragen.zaak_gemeente(conn, zaak_id)
    if bestaat and mag_object(g, Actie.ZAAK, gemeentecode):
        return dict(afschermen(g, await vragen.zaak(conn, zaak_id)))
    if not bestaat and mag_object(g, Actie.ZAAK, None):
        raise NietGevonden(f"zaak {zaak_id} bestaat niet")
    raise Geweigerd(f"zaak {zaak_id} valt niet onder gemeente {g.gemeentecode}")


async def vorderingen(conn: Conn, g: Gebruiker, vandaag: date) -> dict[str, Any]:
    vereis(g, Actie.VORDERINGEN)
    rijen = await vragen.vorderingen(conn)
    for r in rijen:
        r["nu_aansprakelijk"] = [
            a for a in r["aansprakelijk"] if isinstance(a, dict) and str(a.get("sinds") or "") <= vandaag.isoformat()
        ]
    return {"vorderingen": afschermen(g, rijen), "vandaag": vandaag}


async def huisvesting(conn: Conn, g: Gebruiker) -> dict[str, Any]:
    vereis(g, Actie.HUISVESTING)
    controles = filter_gemeente(g, Actie.HUISVESTING, await vragen.huisvesting(conn))
    return {"controles": afschermen(g, controles), "bevindingen_per_gemeente": bevindingen_per_gemeente(controles)}


async def dode_letters(conn: Conn, g: Gebruiker) -> dict[str, Any]:
    """Every dead letter with its reason; the record's content only as far as the user may see it."""
    vereis(g, Actie.DODE_LETTERS)
    rijen = []
    for r in await vragen.dode_letters(conn):
        waarde: bytes | None = r.pop("waarde")
        rijen.append({**r, "inhoud": _inhoud(g, waarde)})
    audit = await vragen.replay_audit(conn)
    return {"dode_letters": rijen, "replays": audit, "mag_replay": mag(g, Actie.REPLAY)}


def _inhoud(g: Gebruiker, waarde: bytes | None) -> Any:
    if waarde is None:
        return None
    try:
        return afschermen(g, json.loads(waarde))
    except (ValueError, UnicodeDecodeError):
        return waarde.decode("utf-8", "replace") if ziet_persoonsgegevens(g) else "[geen JSON; niet getoond]"


async def replay(conn: Conn, g: Gebruiker, ids: list[int] | None) -> dict[str, Any]:
    vereis(g, Actie.REPLAY)
    return {"opnieuw_aangeboden": await vragen.replay(conn, ids, g.naam)}


async def zoeken(conn: Conn, g: Gebruiker, q: str) -> dict[str, Any]:
    vereis(g, Actie.ZOEKEN)
    if not q.strip():
        return {"q": q, "zaken": [], "inspecties": [], "vorderingen": [], "huisvesting": []}
    r = await vragen.zoeken(conn, q)
    gevonden: dict[str, Any] = afschermen(
        g,
        {
            "q": q,
            "zaken": filter_gemeente(g, Actie.ZAAK, r["zaken"]),
            "inspecties": r["inspecties"] if mag(g, Actie.PLANNING) else [],
            "vorderingen": r["vorderingen"] if mag(g, Actie.VORDERINGEN) else [],
            "huisvesting": filter_gemeente(g, Actie.HUISVESTING, r["huisvesting"]),
        },
    )
    return gevonden
