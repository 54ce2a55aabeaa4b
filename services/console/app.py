"""The operator console: Starlette pages and a JSON API over the read model, live over server-sent events.

The read model's consumer runs inside the web process (started in the lifespan), so one process
is the console. Every page has a JSON twin under /api with the same authorisation (`inzage.py`).
`maak_app` builds the app around a service and settings; tests build one without the consumer.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import hashlib
import hmac
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import structlog
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from services.console import gebruikers, inlogbeperking, inzage, lijstvragen, sessies, vragen, weergave
from services.console.autorisatie import STARTPAGINA, Actie, Gebruiker, Rol, mag
from services.console.beveiliging import BeveiligingsKoppen, zelfde_herkomst
from services.console.gezondheid import cijfers, klaar, probe_van
from services.console.instellingen import ConsoleSettings
from services.console.lezer import ConsoleService
from services.console.lijsten import Lijst, OngeldigeLijstvraag, Pagina, Vraag, lees_paginanummer, lees_vraag
from services.console.metrics import LOGINS, REPLAYS
from services.console.openapi import OPENAPI
from services.console.opslag import generatie
from services.console.stroom import Wijzigingen
from shared.envelope import dumps
from shared.service import AMSTERDAM

HIER = Path(__file__).parent
STROOM_INTERVAL_S = 1.0  # one read of the version per interval for all open streams (services/console/stroom.py)
STROOM_CONTROLE_S = 15.0  # how often an open stream checks that its login still holds
BIGINT_MAX = 2**63 - 1
PAGINA_GROOTTE = 50
BASIC_CACHE_S = 300.0  # a verified HTTP Basic login is not hashed again for this long (same stored hash)
log = structlog.get_logger()

templates = Jinja2Templates(directory=HIER / "templates")
templates.env.globals["mag"] = mag
templates.env.globals["Actie"] = Actie
weergave.registreer(templates.env)


class Json(JSONResponse):
    """JSON with dates, decimals and bytes as the services' events write them."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


Weergave = Callable[[Request, Gebruiker], Awaitable[Response]]


def adres_van(request: Request) -> str:
    return request.client.host if request.client else "onbekend"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def fout(request: Request, status: int, melding: str, headers: dict[str, str] | None = None) -> Response:
    if is_api(request):
        return Json({"fout": melding}, status, headers=headers)
    return pagina(request, "fout.html", {"status": status, "melding": melding}, status, headers)


def pagina(
    request: Request, template: str, context: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A whole page, or only its content when the live-update script asks for the fragment."""
    sessie: sessies.Sessie | None = getattr(request.state, "sessie", None)
    context = {
        **context,
        "gebruiker": getattr(request.state, "gebruiker", None),
        "csrf": sessie.csrf if sessie else "",
        "fragment": request.headers.get("x-fragment") == "1",
    }
    return templates.TemplateResponse(request, template, context, status_code=status, headers=headers)


def _int_of_none(waarde: str | None) -> int | None:
    return int(waarde) if waarde and waarde.isdigit() and int(waarde) <= BIGINT_MAX else None


def maak_app(service: ConsoleService, settings: ConsoleSettings, *, consument: bool = True) -> Starlette:
    """The console around one service (its pool, clock, policy) and its settings."""
    inactief = timedelta(minutes=settings.console_sessie_inactief_min)
    maximaal = timedelta(hours=settings.console_sessie_max_uren)
    basic_cache: dict[str, float] = {}
    probe = probe_van(service)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        """The whole console; without the consumer (tests) only the database."""
        await (service.start() if consument else service.open_storage())
        try:
            async with service.pool.acquire() as conn:
                if settings.console_admin_user and settings.console_admin_password:
                    await _admin(conn)
                if consument:
                    service.abonneer(await generatie(conn))
            if consument:
                await service.broker.start()
            yield
        finally:
            if consument:
                await service.broker.stop()
                await service.stop()
            else:
                await service.pool.close()

    async def _admin(conn: Any) -> None:
        """The administrator from the environment; its password only written again when it changed."""
        rij = await conn.fetchrow("SELECT wachtwoord, rol FROM gebruiker WHERE naam = $1", settings.console_admin_user)
        if rij is not None and rij["rol"] == Rol.BEHEERDER.value:
            juist = await asyncio.to_thread(
                gebruikers.controleer_wachtwoord, settings.console_admin_password, rij["wachtwoord"]
            )
            if juist and not gebruikers.verouderd(rij["wachtwoord"]):
                await conn.execute("UPDATE gebruiker SET actief = true WHERE naam = $1", settings.console_admin_user)
                return
        await gebruikers.bewaar(conn, settings.console_admin_user, Rol.BEHEERDER, settings.console_admin_password)

    # -- who is asking ---------------------------------------------------------------------------
    async def aanmelden(naam: str, wachtwoord: str, adres: str, via: str) -> tuple[Gebruiker | None, int]:
        """Check a login within the limits; every attempt is an audit line. Returns (user, seconds to wait)."""
        async with service.pool.acquire() as conn:
            wacht = await inlogbeperking.wachttijd(conn, naam, adres, settings)
            if wacht:
                log.warning("login_geweigerd", uitkomst="geblokkeerd", gebruiker=naam, adres=adres, via=via)
                LOGINS.labels("geblokkeerd").inc()
                return None, wacht
            g = await gebruikers.inloggen(conn, naam, wachtwoord)
            await inlogbeperking.registreer(conn, naam, adres, g is not None)
        uitkomst = "geslaagd" if g else "mislukt"
        (log.info if g else log.warning)("login", uitkomst=uitkomst, gebruiker=naam, adres=adres, via=via)
        LOGINS.labels(uitkomst).inc()
        return g, 0

    async def basic(request: Request, kop: str) -> tuple[Gebruiker | None, int]:
        try:
            naam, _, wachtwoord = base64.b64decode(kop[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, 0
        if "\x00" in naam or "\x00" in wachtwoord:
            return None, 0
        async with service.pool.acquire() as conn:
            rij = await conn.fetchrow(
                "SELECT naam, rol, gemeentecode, wachtwoord FROM gebruiker WHERE naam = $1 AND actief", naam
            )
        if rij is not None:
            sleutel = hashlib.sha256(f"{naam}\x1f{wachtwoord}\x1f{rij['wachtwoord']}".encode()).hexdigest()
            if basic_cache.get(sleutel, 0.0) > time.monotonic():
                return Gebruiker(rij["naam"], Rol(rij["rol"]), rij["gemeentecode"]), 0
        g, wacht = await aanmelden(naam, wachtwoord, adres_van(request), "basic")
        if g is not None and rij is not None:
            if len(basic_cache) > 1000:
                basic_cache.clear()
            basic_cache[sleutel] = time.monotonic() + BASIC_CACHE_S
        return g, wacht

    async def wie(request: Request) -> tuple[Gebruiker | None, sessies.Sessie | None, int]:
        """The session's user, or for API clients HTTP Basic credentials."""
        token = request.cookies.get(sessies.COOKIE)
        if token:
            async with service.pool.acquire() as conn:
                sessie = await sessies.laad(conn, token, inactief, maximaal)
            if sessie is not None:
                return sessie.gebruiker, sessie, 0
        kop = request.headers.get("authorization", "")
        if kop.lower().startswith("basic "):
            g, wacht = await basic(request, kop)
            return g, None, wacht
        return None, None, 0

    async def csrf_juist(request: Request, sessie: sessies.Sessie) -> bool:
        """A request on a session cookie that changes something carries the session's CSRF token."""
        token = request.headers.get("x-csrf-token")
        if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            token = str((await request.form()).get("csrf") or "")
        return token is not None and hmac.compare_digest(token, sessie.csrf)

    def beveiligd(weergave_: Weergave) -> Callable[[Request], Awaitable[Response]]:
        """Every route but login and health: an anonymous page visit goes to the login form, an API call gets 401
        (without a Basic challenge, so a browser never prompts for and then keeps credentials)."""

        async def endpoint(request: Request) -> Response:
            gebruiker, sessie, wacht = await wie(request)
            if wacht:
                return fout(request, 429, "te veel mislukte inlogpogingen", {"Retry-After": str(wacht)})
            if gebruiker is None:
                if is_api(request):
                    return Json({"fout": "niet ingelogd"}, 401)
                return RedirectResponse(f"/login?volgende={quote(request.url.path)}", 303)
            request.state.gebruiker, request.state.sessie = gebruiker, sessie
            if any("\x00" in v for v in [*request.query_params.values(), *map(str, request.path_params.values())]):
                return fout(request, 400, "een parameter bevat een NUL-teken")
            if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                form = await request.form()  # kept by the request: the view reads the same
                if any("\x00" in k or (isinstance(v, str) and "\x00" in v) for k, v in form.multi_items()):
                    return fout(request, 400, "een veld van het formulier bevat een NUL-teken")
            if request.method not in ("GET", "HEAD") and sessie is not None and not await csrf_juist(request, sessie):
                return fout(request, 403, "CSRF-token ontbreekt of klopt niet")
            try:
                return await weergave_(request, gebruiker)
            except inzage.Geweigerd as exc:
                return fout(request, 403, str(exc))
            except inzage.NietGevonden as exc:
                return fout(request, 404, str(exc))
            except (OngeldigeVraag, OngeldigeLijstvraag) as exc:
                return fout(request, 400, str(exc))

        return endpoint

    def beide(
        template: str, lees: Callable[[Request, Gebruiker], Awaitable[dict[str, Any]]]
    ) -> tuple[Weergave, Weergave]:
        """A page and its JSON twin from one authorised read."""

        async def html(request: Request, g: Gebruiker) -> Response:
            return pagina(request, template, await lees(request, g))

        async def api(request: Request, g: Gebruiker) -> Response:
            return Json(als_json(await lees(request, g)))

        return html, api

    # -- reads -------------------------------------------------------------------------------------
    def vandaag() -> date:
        """The Dutch calendar date of the console's "now" (it follows the test clock like the services)."""
        return service.clock.now().astimezone(AMSTERDAM).date()

    async def lees_overzicht(request: Request, g: Gebruiker) -> dict[str, Any]:
        async with service.pool.acquire() as conn:
            return await inzage.overzicht(conn, g, vandaag(), service.clock.now(), service.policy)

    def vraag(request: Request, lijst: Lijst) -> Vraag:
        return lees_vraag(request.query_params, lijst)

    async def lees_zaken(request: Request, g: Gebruiker) -> dict[str, Any]:
        async with service.pool.acquire() as conn:
            return await inzage.zaken(conn, g, vraag(request, lijstvragen.ZAKEN), vandaag())

    async def lees_planning(request: Request, g: Gebruiker) -> dict[str, Any]:
        async with service.pool.acquire() as conn:
            return await inzage.planning(conn, g, vraag(request, lijstvragen.INSPECTIES))

    async def lees_zaak(request: Request, g: Gebruiker) -> dict[str, Any]:
        async with service.pool.acquire() as conn:
            paginas = {naam: lees_paginanummer(request.query_params, naam) for naam in inzage.ZAAK_LIJSTEN}
            return await inzage.zaak(conn, g, request.path_params["zaak_id"], vandaag(), paginas)

    async def lees_vorderingen(request: Request, g: Gebruiker) -> dict[str, Any]:
        async with service.pool.acquire() as conn:
            return await inzage.vorderingen(conn, g, vraag(request, lijstvragen.VORDERINGEN), vandaag())

    async def lees_huisvesting(request: Request, g: Gebruiker) -> dict[str, Any]:
        async with service.pool.acquire() as conn:
            return await inzage.huisvesting(conn, g, vraag(request, lijstvragen.HUISVESTING))

    async def lees_dode_letters(request: Request, g: Gebruiker) -> dict[str, Any]:
        selectie = selectie_uit(request.query_params)
        pagina_nr = _int_of_none(request.query_params.get("pagina", "1")) or 0
        if pagina_nr < 1:
            raise OngeldigeVraag("pagina is een geheel getal vanaf 1")
        async with service.pool.acquire() as conn:
            inhoud = await inzage.dode_letters(
                conn,
                g,
                selectie,
                PAGINA_GROOTTE,
                (pagina_nr - 1) * PAGINA_GROOTTE,
                request.query_params.get("replay") or None,
            )
        return {**inhoud, "selectie": selectie.__dict__, "pagina": pagina_nr, "pagina_grootte": PAGINA_GROOTTE}

    async def lees_zoeken(request: Request, g: Gebruiker) -> dict[str, Any]:
        q = request.query_params.get("q")
        if is_api(request) and not (q or "").strip():
            raise OngeldigeVraag("de parameter q (zoekterm) is verplicht")
        async with service.pool.acquire() as conn:
            return await inzage.zoeken(conn, g, q or "")

    async def ik(request: Request, g: Gebruiker) -> Response:
        return Json({"naam": g.naam, "rol": g.rol.value, "gemeentecode": g.gemeentecode})

    # -- actions -----------------------------------------------------------------------------------
    async def replay(g: Gebruiker, selectie: vragen.Selectie) -> dict[str, Any]:
        batch = uuid.uuid4().hex
        async with service.pool.acquire() as conn, conn.transaction():
            uitkomst = await inzage.replay(conn, g, selectie, batch)
        log.info("replay", door=g.naam, selectie=selectie.__dict__, **uitkomst)
        REPLAYS.inc(uitkomst["opnieuw_aangeboden"])
        return uitkomst

    async def api_replay_een(request: Request, g: Gebruiker) -> Response:
        item = int(request.path_params["id"])
        if not 1 <= item <= BIGINT_MAX:
            raise inzage.NietGevonden(f"dode letter {item} bestaat niet")
        return Json(await replay(g, vragen.Selectie(id=item)))

    async def api_replay_selectie(request: Request, g: Gebruiker) -> Response:
        """A selection (topic, reason, service; all three optional) and an explicit confirmation."""
        try:
            body = await request.json() if await request.body() else {}
        except ValueError:
            raise OngeldigeVraag("de body is geen JSON") from None
        if not isinstance(body, dict) or body.get("bevestigd") is not True:
            raise OngeldigeVraag('bevestig de replay met {"bevestigd": true} (en eventueel topic, reden, dienst)')
        velden = {k: body.get(k) for k in ("topic", "reden", "dienst")}
        if any(v is not None and (not isinstance(v, str) or "\x00" in v) for v in velden.values()):
            raise OngeldigeVraag("topic, reden en dienst zijn teksten")
        return Json(await replay(g, vragen.Selectie(velden["topic"], velden["reden"], velden["dienst"])))

    async def html_replay(request: Request, g: Gebruiker) -> Response:
        """One item at once; a selection first asks for confirmation, then shows its progress."""
        form = await request.form()
        item = _int_of_none(str(form.get("id") or ""))
        selectie = vragen.Selectie(id=item) if item else selectie_uit(form)
        if item is None and form.get("bevestigd") != "1":
            inzage.vereis(g, Actie.REPLAY)
            async with service.pool.acquire() as conn:
                open_ = dataclasses.replace(selectie, alleen_open=True)
                inhoud = await inzage.dode_letters(conn, g, open_, 1, 0)
            return pagina(
                request, "replay_bevestigen.html", {"selectie": selectie.__dict__, "aantal": inhoud["totaal"]}
            )
        uitkomst = await replay(g, selectie)
        terug = {k: v for k, v in selectie.__dict__.items() if k in ("topic", "reden", "dienst") and v}
        return RedirectResponse(f"/dode-letters?{urlencode({**terug, 'replay': uitkomst['batch']})}", 303)

    async def html_timer_opnieuw(request: Request, g: Gebruiker) -> Response:
        """The overview's "Opnieuw proberen": the command to the timer's service, once per command id."""
        form = await request.form()
        dood, opdracht = str(form.get("dood") or ""), str(form.get("opdracht") or "")
        if not dood or not opdracht or len(opdracht) > 64:
            raise OngeldigeVraag("dood (de timer) en opdracht (een id) zijn verplicht")
        async with service.pool.acquire() as conn, conn.transaction():
            uitkomst = await inzage.timer_opnieuw(conn, g, dood, opdracht)
        log.info("timer_opnieuw", door=g.naam, **uitkomst)
        return RedirectResponse("/#dode-timers", 303)

    async def lees_versie() -> tuple[int, int]:
        async with service.pool.acquire() as conn:
            return await vragen.versie(conn)

    wijzigingen = Wijzigingen(lees_versie, STROOM_INTERVAL_S)

    async def stroom(request: Request, g: Gebruiker) -> Response:
        """Server-sent events: `wijziging` whenever an event or a dead letter arrived (pages reload
        their content); the count of dead letters only for whom may see them. The login behind the
        stream is checked again every `STROOM_CONTROLE_S`: after a logout, a disabled account or
        an expired session the stream says `afgemeld` and ends."""
        dode_letters = mag(g, Actie.DODE_LETTERS)

        async def nog_ingelogd() -> bool:
            """Without marking the session used, and without verifying a Basic password again."""
            token = request.cookies.get(sessies.COOKIE)
            async with service.pool.acquire() as conn:
                if request.state.sessie is not None and token:
                    return await sessies.geldig(conn, token, inactief, maximaal) == g.naam
                return bool(
                    await conn.fetchval(
                        "SELECT true FROM gebruiker WHERE naam = $1 AND actief AND rol = $2", g.naam, g.rol.value
                    )
                )

        async def gebeurtenissen() -> AsyncIterator[dict[str, str]]:
            gecontroleerd = time.monotonic()
            async for versie in wijzigingen.volg(STROOM_CONTROLE_S):
                if time.monotonic() - gecontroleerd >= STROOM_CONTROLE_S:
                    if not await nog_ingelogd():
                        yield {"event": "afgemeld", "data": "{}"}
                        return
                    gecontroleerd = time.monotonic()
                if versie is not None:
                    data = {"volgnummer": versie[0], **({"dode_letters": versie[1]} if dode_letters else {})}
                    yield {"event": "wijziging", "data": dumps(data).decode()}

        return EventSourceResponse(gebeurtenissen(), ping=15)

    # -- accounts ----------------------------------------------------------------------------------
    async def gebruikers_pagina(request: Request, g: Gebruiker) -> Response:
        inzage.vereis(g, Actie.GEBRUIKERS)
        async with service.pool.acquire() as conn:
            lijst = await gebruikers.lijst(conn)
        return pagina(
            request, "gebruikers.html", {"gebruikers": lijst, "rollen": [r.value for r in Rol], "nieuw": None}
        )

    async def gebruikers_actie(request: Request, g: Gebruiker) -> Response:
        inzage.vereis(g, Actie.GEBRUIKERS)
        form = await request.form()
        actie, naam = str(form.get("actie") or ""), str(form.get("naam") or "").strip()
        nieuw: dict[str, str] | None = None
        async with service.pool.acquire() as conn:
            if actie == "aanmaken":
                rol = Rol(str(form.get("rol")))
                gemeente = str(form.get("gemeente") or "").strip() or None
                if not naam or (rol is Rol.GEMEENTE) != (gemeente is not None):
                    raise OngeldigeVraag("naam verplicht; een gemeentecode voor (en alleen voor) de rol gemeente")
                wachtwoord = gebruikers.nieuw_wachtwoord()
                await gebruikers.bewaar(conn, naam, rol, wachtwoord, gemeente)
                nieuw = {"naam": naam, "wachtwoord": wachtwoord}
            elif actie in ("uitschakelen", "inschakelen"):
                await gebruikers.zet_actief(conn, naam, actie == "inschakelen")
            elif actie == "verwijderen" and naam != g.naam:
                await gebruikers.verwijder(conn, naam)
            else:
                raise OngeldigeVraag(f"onbekende actie {actie!r}")
            log.info("account_gewijzigd", door=g.naam, actie=actie, gebruiker=naam)
            lijst = await gebruikers.lijst(conn)
        return pagina(
            request, "gebruikers.html", {"gebruikers": lijst, "rollen": [r.value for r in Rol], "nieuw": nieuw}
        )

    async def wachtwoord(request: Request, g: Gebruiker) -> Response:
        if request.method == "GET":
            return pagina(request, "wachtwoord.html", {"melding": None})
        form = await request.form()
        try:
            async with service.pool.acquire() as conn:
                gelukt = await gebruikers.wijzig_wachtwoord(
                    conn, g.naam, str(form.get("oud") or ""), str(form.get("nieuw") or "")
                )
        except gebruikers.OngeldigWachtwoord as exc:
            return pagina(request, "wachtwoord.html", {"melding": str(exc)}, 400)
        if not gelukt:
            return pagina(request, "wachtwoord.html", {"melding": "Het huidige wachtwoord klopt niet"}, 400)
        log.info("wachtwoord_gewijzigd", gebruiker=g.naam)
        antwoord = RedirectResponse("/login?melding=wachtwoord", 303)
        antwoord.delete_cookie(sessies.COOKIE, path="/")
        return antwoord

    # -- login -------------------------------------------------------------------------------------
    def veilig_doel(doel: str, g: Gebruiker) -> str:
        return doel if doel.startswith("/") and not doel.startswith("//") and "\\" not in doel else STARTPAGINA[g.rol]

    def over_tls(request: Request) -> bool:
        if settings.console_cookie_secure == "1":
            return True
        return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"

    async def login(request: Request) -> Response:
        volgende = request.query_params.get("volgende", "")
        if request.method == "GET":
            melding = "Wachtwoord gewijzigd; log opnieuw in" if request.query_params.get("melding") else None
            return pagina(request, "login.html", {"volgende": volgende, "melding": melding})
        form: FormData = await request.form()
        naam = str(form.get("naam", ""))
        if "\x00" in naam or "\x00" in str(form.get("wachtwoord", "")):
            return pagina(request, "login.html", {"volgende": volgende, "melding": "Ongeldige invoer"}, 400)
        g, wacht = await aanmelden(naam, str(form.get("wachtwoord", "")), adres_van(request), "formulier")
        if wacht:
            melding = f"Te veel mislukte pogingen; probeer het over {wacht} seconden opnieuw"
            return pagina(
                request, "login.html", {"volgende": volgende, "melding": melding}, 429, {"Retry-After": str(wacht)}
            )
        if g is None:
            return pagina(request, "login.html", {"volgende": volgende, "melding": "Onjuiste naam of wachtwoord"}, 401)
        async with service.pool.acquire() as conn:
            await sessies.opruimen(conn, inactief, maximaal)
            oud = request.cookies.get(sessies.COOKIE)
            if oud:
                await sessies.beeindig(conn, oud)
            token = await sessies.begin(conn, g.naam, adres_van(request))
        antwoord = RedirectResponse(veilig_doel(str(form.get("volgende") or ""), g), 303)
        antwoord.set_cookie(
            sessies.COOKIE,
            token,
            max_age=int(maximaal.total_seconds()),
            path="/",
            httponly=True,
            samesite="strict",
            secure=over_tls(request),
        )
        return antwoord

    async def logout(request: Request, g: Gebruiker) -> Response:
        token = request.cookies.get(sessies.COOKIE)
        if token:
            async with service.pool.acquire() as conn:
                await sessies.beeindig(conn, token)
        log.info("logout", gebruiker=g.naam)
        antwoord = RedirectResponse("/login", 303)
        antwoord.delete_cookie(sessies.COOKIE, path="/")
        return antwoord

    # -- health, metrics, errors -------------------------------------------------------------------
    async def live(request: Request) -> Response:
        return Response(status_code=204)

    async def ready(request: Request) -> Response:
        """Ready when pages can be served (services.console.gezondheid)."""
        return await klaar(probe)

    async def metrics(request: Request) -> Response:
        return await cijfers(probe)

    async def openapi(request: Request) -> Response:
        return Json(OPENAPI)

    async def http_fout(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return fout(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    # Each page with its JSON twin: (page path, API path, template, authorised read).
    leesbaar = [
        ("/", "/api/overzicht", "overzicht.html", lees_overzicht),
        ("/zaken", "/api/zaken", "zaken.html", lees_zaken),
        ("/planning", "/api/planning", "planning.html", lees_planning),
        ("/zaken/{zaak_id}", "/api/zaken/{zaak_id}", "zaak.html", lees_zaak),
        ("/vorderingen", "/api/vorderingen", "vorderingen.html", lees_vorderingen),
        ("/huisvesting", "/api/huisvesting", "huisvesting.html", lees_huisvesting),
        ("/dode-letters", "/api/dode-letters", "dode_letters.html", lees_dode_letters),
        ("/zoeken", "/api/zoeken", "zoeken.html", lees_zoeken),
    ]
    routes = [
        Route("/health", ready),
        Route("/health/live", live),
        Route("/health/ready", ready),
        Route("/metrics", metrics),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", beveiligd(logout), methods=["POST"]),
        Route("/wachtwoord", beveiligd(wachtwoord), methods=["GET", "POST"]),
        Route("/gebruikers", beveiligd(gebruikers_pagina)),
        Route("/gebruikers", beveiligd(gebruikers_actie), methods=["POST"]),
        Route("/dode-letters/replay", beveiligd(html_replay), methods=["POST"]),
        Route("/timers/opnieuw", beveiligd(html_timer_opnieuw), methods=["POST"]),
        Route("/api/openapi.json", openapi),
        Route("/api/ik", beveiligd(ik)),
        Route("/api/dode-letters/replay", beveiligd(api_replay_selectie), methods=["POST"]),
        Route("/api/dode-letters/{id:int}/replay", beveiligd(api_replay_een), methods=["POST"]),
        Route("/api/stroom", beveiligd(stroom)),
        Mount("/static", StaticFiles(directory=HIER / "static"), name="static"),
    ]
    for pad, api_pad, template, lees in leesbaar:
        html, api = beide(template, lees)
        routes += [Route(pad, beveiligd(html)), Route(api_pad, beveiligd(api))]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(BeveiligingsKoppen, toegestaan=settings.origins())],
        exception_handlers={HTTPException: http_fout},
    )


class OngeldigeVraag(Exception):
    """400: the request is malformed (a missing parameter, a body that is not what the API takes)."""


def als_json(inhoud: dict[str, Any]) -> dict[str, Any]:
    """A page's read for its JSON twin: the list question as its query parameters, the page as numbers."""

    def waarde(v: Any) -> Any:
        if isinstance(v, Vraag):
            return v.parameters()
        if isinstance(v, Pagina):
            return {"nummer": v.nummer, "grootte": v.grootte, "totaal": v.totaal, "paginas": v.paginas}
        return v

    return {k: waarde(v) for k, v in inhoud.items()}


def selectie_uit(bron: Any) -> vragen.Selectie:
    """A dead-letter selection from query parameters or a form (empty values: no filter)."""

    def waarde(naam: str) -> str | None:
        v = bron.get(naam)
        return str(v) if v else None

    return vragen.Selectie(topic=waarde("topic"), reden=waarde("reden"), dienst=waarde("dienst"))


__all__ = ["maak_app", "zelfde_herkomst"]
