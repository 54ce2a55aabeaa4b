"""The operator console: Starlette pages and a JSON API over the read model, live over server-sent events.

The read model's consumer runs inside the web process (started in the lifespan), so one process
is the console. Every page has a JSON twin under /api with the same authorisation (`inzage.py`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic_settings import BaseSettings, SettingsConfigDict
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from services.console import gebruikers, inzage, vragen
from services.console.autorisatie import STARTPAGINA, Actie, Gebruiker, Rol, mag
from services.console.lezer import MIGRATIONS, ConsoleService
from services.console.openapi import OPENAPI
from services.console.opslag import generatie
from shared.envelope import dumps
from shared.service import AMSTERDAM

HIER = Path(__file__).parent
STROOM_INTERVAL_S = 1.0


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    console_admin_user: str = ""
    console_admin_password: str = ""
    console_session_secret: str = ""


settings = ConsoleSettings()
service = ConsoleService("console", migrations=MIGRATIONS)
templates = Jinja2Templates(directory=HIER / "templates")
templates.env.globals["mag"] = mag
templates.env.globals["Actie"] = Actie


class Json(JSONResponse):
    """JSON with dates, decimals and bytes as the services' events write them."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    await service.start()
    async with service.pool.acquire() as conn:
        if settings.console_admin_user and settings.console_admin_password:
            await gebruikers.bewaar(conn, settings.console_admin_user, Rol.BEHEERDER, settings.console_admin_password)
        service.abonneer(await generatie(conn))
    await service.broker.start()
    try:
        yield
    finally:
        await service.broker.stop()
        await service.stop()


# -- who is asking -------------------------------------------------------------------------------
async def gebruiker_van(request: Request) -> Gebruiker | None:
    """The session's user, or for API clients HTTP Basic credentials."""
    async with service.pool.acquire() as conn:
        naam = request.session.get("naam")
        if naam:
            return await gebruikers.laad(conn, naam)
        kop = request.headers.get("authorization", "")
        if kop.lower().startswith("basic "):
            try:
                naam, _, wachtwoord = base64.b64decode(kop[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return await gebruikers.inloggen(conn, naam, wachtwoord)
    return None


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


Weergave = Callable[[Request, Gebruiker], Awaitable[Response]]


def beveiligd(weergave: Weergave) -> Callable[[Request], Awaitable[Response]]:
    """Every route but login and health: an anonymous page visit goes to the login form, an API call gets 401."""

    async def endpoint(request: Request) -> Response:
        gebruiker = await gebruiker_van(request)
        if gebruiker is None:
            if is_api(request):
                return Json({"fout": "niet ingelogd"}, 401, headers={"WWW-Authenticate": 'Basic realm="console"'})
            return RedirectResponse(f"/login?volgende={quote(request.url.path)}", 303)
        request.state.gebruiker = gebruiker
        try:
            return await weergave(request, gebruiker)
        except inzage.Geweigerd as exc:
            return fout(request, 403, str(exc))
        except inzage.NietGevonden as exc:
            return fout(request, 404, str(exc))

    return endpoint


def fout(request: Request, status: int, melding: str) -> Response:
    if is_api(request):
        return Json({"fout": melding}, status)
    return pagina(request, "fout.html", {"status": status, "melding": melding}, status)


def pagina(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A whole page, or only its content when the live-update script asks for the fragment."""
    context = {
        **context,
        "gebruiker": getattr(request.state, "gebruiker", None),
        "fragment": request.headers.get("x-fragment") == "1",
    }
    return templates.TemplateResponse(request, template, context, status_code=status)


def beide(template: str, lees: Callable[[Request, Gebruiker], Awaitable[dict[str, Any]]]) -> tuple[Weergave, Weergave]:
    """A page and its JSON twin from one authorised read."""

    async def html(request: Request, g: Gebruiker) -> Response:
        return pagina(request, template, await lees(request, g))

    async def api(request: Request, g: Gebruiker) -> Response:
        return Json(await lees(request, g))

    return html, api


# -- reads ---------------------------------------------------------------------------------------
def vandaag() -> date:
    """The Dutch calendar date of the console's "now" (it follows the test clock like the services)."""
    return service.clock.now().astimezone(AMSTERDAM).date()


async def lees_overzicht(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.overzicht(conn, g, vandaag(), service.clock.now(), service.policy)


async def lees_planning(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.planning(conn, g)


async def lees_zaak(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.zaak(conn, g, request.path_params["zaak_id"])


async def lees_vorderingen(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.vorderingen(conn, g, vandaag())


async def lees_huisvesting(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.huisvesting(conn, g)


async def lees_dode_letters(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.dode_letters(conn, g)


async def lees_zoeken(request: Request, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn:
        return await inzage.zoeken(conn, g, request.query_params.get("q", ""))


async def ik(request: Request, g: Gebruiker) -> Response:
    return Json({"naam": g.naam, "rol": g.rol.value, "gemeentecode": g.gemeentecode})


# -- actions -------------------------------------------------------------------------------------
async def replay(request: Request, ids: list[int] | None, g: Gebruiker) -> dict[str, Any]:
    async with service.pool.acquire() as conn, conn.transaction():
        return await inzage.replay(conn, g, ids)


async def api_replay_een(request: Request, g: Gebruiker) -> Response:
    return Json(await replay(request, [int(request.path_params["id"])], g))


async def api_replay_alle(request: Request, g: Gebruiker) -> Response:
    return Json(await replay(request, None, g))


async def html_replay(request: Request, g: Gebruiker) -> Response:
    form = await request.form()
    gekozen = form.get("id")
    await replay(request, [int(str(gekozen))] if gekozen else None, g)
    return RedirectResponse("/dode-letters", 303)


async def stroom(request: Request, g: Gebruiker) -> Response:
    """Server-sent events: `wijziging` whenever an event or a dead letter arrived (the pages reload their content)."""

    async def gebeurtenissen() -> AsyncIterator[dict[str, str]]:
        vorige: tuple[int, int] | None = None
        while True:
            async with service.pool.acquire() as conn:
                huidig = await vragen.versie(conn)
            if huidig != vorige:
                data = {"volgnummer": huidig[0], "dode_letters": huidig[1]}
                yield {"event": "wijziging", "data": dumps(data).decode()}
                vorige = huidig
            await asyncio.sleep(STROOM_INTERVAL_S)

    return EventSourceResponse(gebeurtenissen(), ping=15)


# -- login ---------------------------------------------------------------------------------------
async def login(request: Request) -> Response:
    volgende = request.query_params.get("volgende", "")
    if request.method == "GET":
        return pagina(request, "login.html", {"volgende": volgende, "melding": None})
    form = await request.form()
    async with service.pool.acquire() as conn:
        g = await gebruikers.inloggen(conn, str(form.get("naam", "")), str(form.get("wachtwoord", "")))
    if g is None:
        return pagina(request, "login.html", {"volgende": volgende, "melding": "Onjuiste naam of wachtwoord"}, 401)
    request.session.clear()
    request.session["naam"] = g.naam
    doel = str(form.get("volgende") or "")
    return RedirectResponse(doel if doel.startswith("/") and not doel.startswith("//") else STARTPAGINA[g.rol], 303)


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", 303)


async def health(request: Request) -> Response:
    try:
        ok = await service.broker.ping(timeout=2.0)
    except Exception:
        ok = False
    return Response(status_code=204 if ok else 500)


async def openapi(request: Request) -> Response:
    return Json(OPENAPI)


async def niet_gevonden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return fout(request, exc.status_code, str(exc.detail))


overzicht_html, overzicht_api = beide("overzicht.html", lees_overzicht)
planning_html, planning_api = beide("planning.html", lees_planning)
zaak_html, zaak_api = beide("zaak.html", lees_zaak)
vorderingen_html, vorderingen_api = beide("vorderingen.html", lees_vorderingen)
huisvesting_html, huisvesting_api = beide("huisvesting.html", lees_huisvesting)
dode_letters_html, dode_letters_api = beide("dode_letters.html", lees_dode_letters)
zoeken_html, zoeken_api = beide("zoeken.html", lees_zoeken)

routes = [
    Route("/health", health),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/", beveiligd(overzicht_html)),
    Route("/planning", beveiligd(planning_html)),
    Route("/zaken/{zaak_id}", beveiligd(zaak_html)),
    Route("/vorderingen", beveiligd(vorderingen_html)),
    Route("/huisvesting", beveiligd(huisvesting_html)),
    Route("/dode-letters", beveiligd(dode_letters_html)),
    Route("/dode-letters/replay", beveiligd(html_replay), methods=["POST"]),
    Route("/zoeken", beveiligd(zoeken_html)),
    Route("/api/openapi.json", openapi),
    Route("/api/ik", beveiligd(ik)),
    Route("/api/overzicht", beveiligd(overzicht_api)),
    Route("/api/planning", beveiligd(planning_api)),
    Route("/api/zaken/{zaak_id}", beveiligd(zaak_api)),
    Route("/api/vorderingen", beveiligd(vorderingen_api)),
    Route("/api/huisvesting", beveiligd(huisvesting_api)),
    Route("/api/dode-letters", beveiligd(dode_letters_api)),
    Route("/api/dode-letters/replay", beveiligd(api_replay_alle), methods=["POST"]),
    Route("/api/dode-letters/{id:int}/replay", beveiligd(api_replay_een), methods=["POST"]),
    Route("/api/zoeken", beveiligd(zoeken_api)),
    Route("/api/stroom", beveiligd(stroom)),
]

app = Starlette(
    routes=routes,
    lifespan=lifespan,
    middleware=[
        Middleware(
            SessionMiddleware,
            secret_key=settings.console_session_secret or secrets.token_hex(32),
            session_cookie="waardigwerk_console",
            same_site="strict",
            https_only=False,
        )
    ],
    exception_handlers={404: niet_gevonden, 405: niet_gevonden},
)
