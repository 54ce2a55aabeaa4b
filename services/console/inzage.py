"""What one user gets to see: every page and API call goes through one of these functions, which check
the role, then the object, then mask personal data, before any data leaves the server."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.console import dashboard, lijstvragen, timeropdracht, vragen
from services.console.autorisatie import (
    Actie,
    Gebruiker,
    Rol,
    afschermen,
    filter_gemeente,
    mag,
    mag_zaak,
    zaak_voor_gemeente,
    zaakrij_voor_gemeente,
    ziet_persoonsgegevens,
)
from services.console.lijsten import Pagina, Vraag, zonder_filter
from services.console.opslag import als_tekst
from shared.db import Conn
from shared.envelope import lone_surrogate
from shared.policy import Policy

MAX_JSON = 256 * 1024  # bytes of a dead letter's content parsed as JSON for the page
MAX_DIEPTE = 32  # nesting of that JSON shown as such (the masking and the page recurse into it)
MAX_TEKST = 2_000  # characters of a content that is no JSON shown on the page
# Rows per list on a case page (timeline, the employer's fines and claims, risk scores, computations): an
# employer with years of history has thousands, and a page with all of them took the browser minutes.
ZAAK_RIJEN = 50
ZAAK_LIJSTEN = ("tijdlijn", "sancties")  # the case page's lists with pages of their own (`?tijdlijn=2`)


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
    per_week = await dashboard.capaciteit(conn, vandaag, policy)
    return {
        **o,
        "termijnen": [t.__dict__ for t in o["termijnen"]],
        "capaciteit": [{**c.__dict__, "pct": c.pct} for c in o["capaciteit"]],
        "termijnen_per_week": await dashboard.termijnen_per_week(conn, vandaag),
        "capaciteit_per_week": {
            "labels": per_week["labels"],
            "regios": [[{**c.__dict__, "pct": c.pct} for c in regio] for regio in per_week["regios"]],
        },
        "dode_letters_per_reden": await vragen.dode_letters_per_reden(conn),
        "dode_timers": afschermen(g, await dashboard.dode_timers(conn)),
    }


def _gemeente_van(g: Gebruiker) -> str | None:
    """A municipal officer's municipality (their lists are restricted to it); None for the inspectorate."""
    if g.rol is not Rol.GEMEENTE:
        return None
    if g.gemeentecode is None:
        raise Geweigerd("een gemeente-account zonder gemeentecode ziet niets")
    return g.gemeentecode


def _lijst(g: Gebruiker, naam: str, rijen: list[dict[str, Any]], totaal: int, vraag: Vraag) -> dict[str, Any]:
    return {naam: afschermen(g, rijen), "vraag": vraag, "pagina": Pagina(vraag.pagina, vraag.grootte, totaal)}


async def zaken(conn: Conn, g: Gebruiker, vraag: Vraag, vandaag: date) -> dict[str, Any]:
    """A page of cases; a municipal officer's are the cases they may open, each as their municipality sees it."""
    vereis(g, Actie.ZAAK)
    gemeente = _gemeente_van(g)
    if gemeente is not None:
        vraag = zonder_filter(vraag, "gemeente")
    rijen, totaal = await lijstvragen.zaken(conn, vraag, vandaag, gemeente)
    if gemeente is not None:
        rijen = [zaakrij_voor_gemeente(r, gemeente) for r in rijen]
    return {**_lijst(g, "zaken", rijen, totaal, vraag), "keuzes": await lijstvragen.zaak_keuzes(conn, gemeente)}


async def planning(conn: Conn, g: Gebruiker, vraag: Vraag) -> dict[str, Any]:
    vereis(g, Actie.PLANNING)
    rijen, totaal = await lijstvragen.inspecties(conn, vraag)
    return {**_lijst(g, "inspecties", rijen, totaal, vraag), "keuzes": await lijstvragen.inspectie_keuzes(conn)}


async def zaak(
    conn: Conn, g: Gebruiker, zaak_id: str, vandaag: date, paginas: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """A municipal officer sees a case with a report, housing check or stoppage in their municipality, and only
    the parts of it that concern their municipality; any other case answers 403, also one that does not exist,
    so the answer never tells them whether another municipality has a case with that id."""
    vereis(g, Actie.ZAAK)
    paginas = paginas or {}
    bestaat = await vragen.zaak_bestaat(conn, zaak_id)
    if g.rol is Rol.GEMEENTE:
        gemeenten = (await vragen.zaak_gemeenten(conn, [zaak_id]))[zaak_id] if bestaat else set()
        if not (bestaat and mag_zaak(g, gemeenten)) or g.gemeentecode is None:
            raise Geweigerd(f"zaak {zaak_id} valt niet onder gemeente {g.gemeentecode}")
        inhoud = await _zaakpagina(conn, zaak_id, paginas, g.gemeentecode)
        return dict(afschermen(g, {**inhoud, "vorderingen": [], "vorderingen_totaal": 0, "vandaag": vandaag}))
    if not bestaat:
        raise NietGevonden(f"zaak {zaak_id} bestaat niet")
    inhoud = await _zaakpagina(conn, zaak_id, paginas, None)
    kvk = inhoud["zaak"].get("kvk")
    claims: list[dict[str, Any]] = []
    aantal_claims = 0
    if kvk and mag(g, Actie.VORDERINGEN):
        nieuwste = Vraag(1, ZAAK_RIJEN, "bijgewerkt", False)
        claims, aantal_claims = await lijstvragen.vorderingen(conn, nieuwste, kvk=kvk)
        claims = nu_aansprakelijk(claims, vandaag)
    return dict(
        afschermen(g, {**inhoud, "vorderingen": claims, "vorderingen_totaal": aantal_claims, "vandaag": vandaag})
    )


async def _zaakpagina(conn: Conn, zaak_id: str, paginas: Mapping[str, int], gemeente: str | None) -> dict[str, Any]:
    """The case page's lists, each a page read from the database (for a municipality, the parts that concern
    it); cut from the whole history only if the case's causation has a cycle, whose order needs every event."""
    pagina = await vragen.zaakpagina(conn, zaak_id, paginas, ZAAK_RIJEN, gemeente)
    if pagina is not None:
        return pagina
    inhoud = await vragen.zaak(conn, zaak_id)
    return begrens(inhoud if gemeente is None else zaak_voor_gemeente(inhoud, gemeente), paginas)


def begrens(inhoud: Mapping[str, Any], paginas: Mapping[str, int]) -> dict[str, Any]:
    """The case page's lists cut to `ZAAK_RIJEN` rows, the newest first in pages: page 1 of the timeline
    and of the fines holds their last rows (each list oldest to newest, as read), `?tijdlijn=2` the ones
    before; `<lijst>_pagina` says where a page sits, `<lijst>_vanaf` how many rows come before it. Risk
    scores and computations show their newest rows only (each is also in the timeline with its fields)."""
    uit = dict(inhoud)
    for naam in ZAAK_LIJSTEN:
        rijen = list(inhoud.get(naam) or [])
        pagina = Pagina(min(paginas.get(naam, 1), max(1, -(-len(rijen) // ZAAK_RIJEN))), ZAAK_RIJEN, len(rijen))
        tot = len(rijen) - pagina.eerste_rij + 1 if rijen else 0
        vanaf = max(0, len(rijen) - pagina.laatste_rij)
        uit |= {naam: rijen[vanaf:tot], f"{naam}_pagina": pagina, f"{naam}_vanaf": vanaf}
    for naam in ("risico", "berekeningen"):
        rijen = list(inhoud.get(naam) or [])
        uit |= {naam: rijen[-ZAAK_RIJEN:], f"{naam}_totaal": len(rijen)}
    return uit


def nu_aansprakelijk(rijen: list[dict[str, Any]], vandaag: date) -> list[dict[str, Any]]:
    """Each claim with the parties liable today (a party's liability starts on its `sinds`)."""
    for r in rijen:
        r["nu_aansprakelijk"] = [
            a
            for a in r.get("aansprakelijk") or []
            if isinstance(a, dict) and str(a.get("sinds") or "") <= vandaag.isoformat()
        ]
    return rijen


async def vorderingen(conn: Conn, g: Gebruiker, vraag: Vraag, vandaag: date) -> dict[str, Any]:
    vereis(g, Actie.VORDERINGEN)
    rijen, totaal = await lijstvragen.vorderingen(conn, vraag)
    return {
        **_lijst(g, "vorderingen", nu_aansprakelijk(rijen, vandaag), totaal, vraag),
        "vandaag": vandaag,
        "keuzes": await lijstvragen.vordering_keuzes(conn),
    }


async def huisvesting(conn: Conn, g: Gebruiker, vraag: Vraag) -> dict[str, Any]:
    vereis(g, Actie.HUISVESTING)
    gemeente = _gemeente_van(g)
    if gemeente is not None:
        vraag = zonder_filter(vraag, "gemeente")
    rijen, totaal = await lijstvragen.huisvesting(conn, vraag, gemeente)
    return {
        **_lijst(g, "controles", rijen, totaal, vraag),
        "bevindingen_per_gemeente": await lijstvragen.bevindingen_per_gemeente(conn, gemeente),
        "keuzes": await lijstvragen.huisvesting_keuzes(conn, gemeente),
    }


async def dode_letters(
    conn: Conn, g: Gebruiker, selectie: vragen.Selectie, limiet: int, vanaf: int, batch: str | None = None
) -> dict[str, Any]:
    """Every dead letter with its reason and attempts; the record's content only as far as the user may see it."""
    vereis(g, Actie.DODE_LETTERS)
    items, totaal = await vragen.dode_letters(conn, selectie, limiet, vanaf)
    rijen = []
    for r in items:
        waarde: bytes | None = r.pop("waarde")
        r.pop("sleutel_ruw", None)
        rijen.append(_item(g, r, waarde))
    return {
        "dode_letters": rijen,
        "totaal": totaal,
        "keuzes": await vragen.dode_letter_keuzes(conn),
        "per_reden": await vragen.dode_letters_per_reden(conn),
        "replays": await vragen.replay_audit(conn),
        "voortgang": await vragen.replay_voortgang(conn, batch) if batch else None,
        "mag_replay": mag(g, Actie.REPLAY),
    }


def _item(g: Gebruiker, r: dict[str, Any], waarde: bytes | None) -> dict[str, Any]:
    """One item, masked as a whole: a worker reference in the content is masked in the record key too."""
    inhoud = _inhoud(g, waarde)
    gemaskeerd: dict[str, Any] = afschermen(g, {**r, "headers": None, "inhoud": inhoud})
    gemaskeerd.pop("headers")
    return gemaskeerd


def _toonbaar(waarde: Any) -> bool:
    """Whether parsed JSON can go on the page as it is: nested at most `MAX_DIEPTE` deep (walked
    without recursion: it may nest as deep as the parser went) and no text, keys included, with a
    lone surrogate, which UTF-8 cannot write (`"\\ud800"` is valid JSON)."""
    open_ = [(waarde, 1)]
    while open_:
        w, d = open_.pop()
        if d > MAX_DIEPTE or (isinstance(w, str) and lone_surrogate(w)):
            return False
        if isinstance(w, dict):
            open_.extend((k, d) for k in w)
            open_.extend((v, d + 1) for v in w.values())
        elif isinstance(w, list):
            open_.extend((v, d + 1) for v in w)
    return True


def _inhoud(g: Gebruiker, waarde: bytes | None) -> Any:
    """The record's content as JSON; what is no JSON the page can show (not JSON, nested deeper than
    the parser goes, or larger than `MAX_JSON`) as escaped text cut off after `MAX_TEKST` characters,
    and only to who may see personal data."""
    if waarde is None:
        return None
    if len(waarde) <= MAX_JSON:
        try:
            inhoud = json.loads(waarde)
        except (ValueError, RecursionError):
            inhoud = waarde
        if inhoud is not waarde and _toonbaar(inhoud):
            return inhoud
    if not ziet_persoonsgegevens(g):
        return "[geen JSON; niet getoond]"
    tekst = als_tekst(waarde[: MAX_TEKST * 4])
    return tekst if len(tekst) <= MAX_TEKST else tekst[:MAX_TEKST] + "…"


async def replay(conn: Conn, g: Gebruiker, selectie: vragen.Selectie, batch: str) -> dict[str, Any]:
    vereis(g, Actie.REPLAY)
    if selectie.id is not None and not await conn.fetchval("SELECT true FROM dode_letter WHERE id = $1", selectie.id):
        raise NietGevonden(f"dode letter {selectie.id} bestaat niet")
    aangeboden, overgeslagen = await vragen.replay(conn, selectie, g.naam, batch)
    return {"opnieuw_aangeboden": aangeboden, "al_aangeboden": overgeslagen, "batch": batch}


async def timer_opnieuw(conn: Conn, g: Gebruiker, dood_id: str, opdracht: str) -> dict[str, Any]:
    vereis(g, Actie.TIMER_OPNIEUW)
    uitkomst = await timeropdracht.opnieuw(conn, dood_id, opdracht, g.naam)
    if uitkomst is None:
        raise NietGevonden(f"dode timer {dood_id} bestaat niet")
    return uitkomst


async def zoeken(conn: Conn, g: Gebruiker, q: str) -> dict[str, Any]:
    vereis(g, Actie.ZOEKEN)
    if not q.strip():
        return {"q": q, "zaken": [], "inspecties": [], "vorderingen": [], "huisvesting": []}
    gemeente = g.gemeentecode if g.rol is Rol.GEMEENTE else None
    r = await vragen.zoeken(conn, q, persoonsgegevens=ziet_persoonsgegevens(g), gemeente=gemeente)
    zaken = r["zaken"]
    if gemeente is not None:
        gemeenten = await vragen.zaak_gemeenten(conn, [z["zaak_id"] for z in zaken])
        zaken = [zaakrij_voor_gemeente(z, gemeente) for z in zaken if mag_zaak(g, gemeenten[z["zaak_id"]])]
    gevonden: dict[str, Any] = afschermen(
        g,
        {
            "q": q,
            "zaken": zaken,
            "inspecties": r["inspecties"] if mag(g, Actie.PLANNING) else [],
            "vorderingen": r["vorderingen"] if mag(g, Actie.VORDERINGEN) else [],
            "huisvesting": filter_gemeente(g, Actie.HUISVESTING, r["huisvesting"]),
        },
    )
    return gevonden
