"""Findings 2-5 and 9 on the console's web app: CSRF, sessions, brute force, security headers, API answers."""

from __future__ import annotations

import asyncio
import base64
import itertools
import re
import time

import httpx
import pytest
from structlog.testing import capture_logs

from services.console import app as console_app
from services.console import gebruikers
from services.console.app import maak_app
from services.console.autorisatie import Rol
from services.console.tests.conftest import BASIS, WACHTWOORD, Console

pytestmark = pytest.mark.stack


def basic(naam: str, wachtwoord: str = WACHTWOORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{naam}:{wachtwoord}".encode()).decode()}


async def csrf_token(client: httpx.AsyncClient) -> str:
    pagina = await client.get("/wachtwoord")
    gevonden = re.search(r'name="csrf" value="([^"]+)"', pagina.text)
    assert gevonden, pagina.text[:300]
    return gevonden.group(1)


# -- 2: CSRF ------------------------------------------------------------------------------------
async def test_a_cross_site_post_is_refused_whatever_the_login(console: Console) -> None:
    await console.account("beheer", Rol.BEHEERDER)
    async with console.client() as client:
        for kop in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            antwoord = await client.post(
                "/api/dode-letters/replay", json={"bevestigd": True}, headers=basic("beheer") | kop
            )
            assert antwoord.status_code == 403, kop
        zonder = await client.get("/api/ik")
    assert zonder.status_code == 401 and "basic" not in zonder.headers.get("www-authenticate", "").lower(), (
        "no Basic challenge: a browser never prompts for credentials it would then send cross-site"
    )
    assert await console.outbox() == []


async def test_a_post_on_a_session_needs_the_sessions_csrf_token(console: Console) -> None:
    client = await console.ingelogd("beheer", Rol.BEHEERDER)
    async with client:
        zonder = await client.post("/dode-letters/replay", data={"topic": "x", "bevestigd": "1"})
        fout = await client.post("/dode-letters/replay", data={"topic": "x", "bevestigd": "1", "csrf": "verzonnen"})
        goed = await client.post(
            "/dode-letters/replay", data={"topic": "x", "bevestigd": "1", "csrf": await csrf_token(client)}
        )
    assert (zonder.status_code, fout.status_code, goed.status_code) == (403, 403, 303)


# -- 3: sessions ---------------------------------------------------------------------------------
async def test_logout_ends_the_session_on_the_server(console: Console) -> None:
    client = await console.ingelogd("op", Rol.OPERATOR)
    async with client:
        cookie = client.cookies.get("waardigwerk_console")
        assert cookie and (await client.get("/api/ik")).status_code == 200
        await client.post("/logout", data={"csrf": await csrf_token(client)})
    async with console.client(cookies={"waardigwerk_console": cookie}) as ander:
        assert (await ander.get("/api/ik")).status_code == 401, "the old cookie is worth nothing after logout"


async def test_an_open_event_stream_ends_when_its_session_does(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open page's stream must not outlive a logout, nor keep an unattended session alive; and
    a municipality's account is not told how many dead letters there are (it may not see them)."""
    monkeypatch.setattr(console_app, "STROOM_CONTROLE_S", 0.2)
    console.app = console_app.maak_app(console.service, console.settings, consument=False)
    client = await console.ingelogd("gm", Rol.GEMEENTE, "GM0363")
    async with client:
        stroom = asyncio.create_task(client.get("/api/stroom"))  # the transport returns it once it ends
        gebruikt = "SELECT laatst_gebruikt FROM sessie WHERE naam = 'gm'"
        await asyncio.sleep(0.3)
        bij_begin = await console.service.pool.fetchval(gebruikt)
        await asyncio.sleep(1.2)
        assert await console.service.pool.fetchval(gebruikt) == bij_begin, "the stream's checks do not use the session"
        token = await csrf_token(client)
        await client.post("/logout", data={"csrf": token})
        antwoord = await asyncio.wait_for(stroom, 20)
    assert antwoord.status_code == 200
    events = re.findall(r"event: (\w+)\r?\ndata: (.*)", antwoord.text)
    assert events[0][0] == "wijziging" and "volgnummer" in events[0][1]
    assert all("dode_letters" not in data for _, data in events)
    assert events[-1][0] == "afgemeld"


async def test_a_nul_in_a_form_field_is_refused_not_a_server_error(console: Console) -> None:
    client = await console.ingelogd("beheer", Rol.BEHEERDER)
    async with client:
        token = await csrf_token(client)
        antwoord = await client.post(
            "/gebruikers", data={"actie": "aanmaken", "naam": "a\x00b", "rol": "operator", "csrf": token}
        )
    assert antwoord.status_code == 400 and "NUL" in antwoord.text
    assert await console.service.pool.fetchval("SELECT count(*) FROM gebruiker WHERE naam LIKE 'a%'") == 0


async def test_a_password_reset_ends_every_session_of_the_account(console: Console) -> None:
    client = await console.ingelogd("op", Rol.OPERATOR)
    async with client:
        assert (await client.get("/api/ik")).status_code == 200
        async with console.service.pool.acquire() as conn:
            await gebruikers.bewaar(conn, "op", Rol.OPERATOR, "een-nieuw-wachtwoord-2")
        assert (await client.get("/api/ik")).status_code == 401


async def test_idle_and_absolute_timeouts(console: Console) -> None:
    client = await console.ingelogd("op", Rol.OPERATOR)
    async with client:
        assert (await client.get("/api/ik")).status_code == 200
        await console.service.pool.execute("UPDATE sessie SET laatst_gebruikt = now() - interval '31 minutes'")
        assert (await client.get("/api/ik")).status_code == 401, "30 minutes without a request"
        await console.service.pool.execute("UPDATE sessie SET laatst_gebruikt = now()")
        assert (await client.get("/api/ik")).status_code == 200
        await console.service.pool.execute("UPDATE sessie SET aangemaakt = now() - interval '13 hours'")
        assert (await client.get("/api/ik")).status_code == 401, "12 hours however active"


async def test_the_cookie_is_secure_over_tls_and_survives_a_second_replica(console: Console) -> None:
    await console.account("op", Rol.OPERATOR)
    tls = httpx.AsyncClient(transport=httpx.ASGITransport(app=console.app), base_url=BASIS.replace("http:", "https:"))
    async with tls:
        antwoord = await tls.post("/login", data={"naam": "op", "wachtwoord": WACHTWOORD})
    kop = antwoord.headers["set-cookie"].lower()
    assert "secure" in kop and "httponly" in kop and "samesite=strict" in kop
    token = antwoord.cookies["waardigwerk_console"]
    # A second console process on the same database (a replica, or this one after a restart).
    tweede = maak_app(console.service, console.settings, consument=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=tweede),
        base_url="https://console.test",
        cookies={"waardigwerk_console": token},
    ) as client:
        assert (await client.get("/api/ik")).json()["naam"] == "op"


# -- 4: brute force -------------------------------------------------------------------------------
async def test_login_limits_per_account_and_per_address_with_audit_lines(console: Console) -> None:
    await console.account("op", Rol.OPERATOR)
    async with console.client() as client:
        with capture_logs() as regels:
            for _ in range(3):  # the account's limit in this test (console_login_max_per_account=3)
                fout = await client.post("/login", data={"naam": "op", "wachtwoord": "fout"})
                assert fout.status_code == 401
            geblokkeerd = await client.post("/login", data={"naam": "op", "wachtwoord": WACHTWOORD})
            assert geblokkeerd.status_code == 429 and int(geblokkeerd.headers["retry-after"]) > 0
            assert (await client.get("/api/ik", headers=basic("op"))).status_code == 429, "HTTP Basic counts too"
            for naam in ("a", "b"):  # the address's limit: 5 failures from here, whatever the name
                assert (await client.post("/login", data={"naam": naam, "wachtwoord": "x"})).status_code == 401
            ander = await client.post("/login", data={"naam": "c", "wachtwoord": "x"})
            assert ander.status_code == 429
    uitkomsten = [(r["event"], r.get("uitkomst"), r.get("gebruiker")) for r in regels if "login" in r["event"]]
    assert uitkomsten.count(("login", "mislukt", "op")) == 3
    assert ("login_geweigerd", "geblokkeerd", "op") in uitkomsten and (
        "login_geweigerd",
        "geblokkeerd",
        "c",
    ) in uitkomsten
    assert all(r.get("adres") for r in regels if "login" in r["event"])
    assert "wachtwoord" not in str(regels).replace("'via'", "")


async def test_a_replay_is_an_audit_line(console: Console) -> None:
    client = await console.ingelogd("beheer", Rol.BEHEERDER)
    async with client:
        token = await csrf_token(client)
        with capture_logs() as regels:
            await client.post("/api/dode-letters/replay", json={"bevestigd": True}, headers={"X-CSRF-Token": token})
    assert [(r["event"], r["door"]) for r in regels if r["event"] == "replay"] == [("replay", "beheer")]


async def test_password_hashing_does_not_block_the_event_loop(console: Console) -> None:
    await console.account("op", Rol.OPERATOR)
    tikken: list[float] = []

    async def tik() -> None:
        while True:
            tikken.append(time.monotonic())
            await asyncio.sleep(0.005)

    teller = asyncio.create_task(tik())
    try:
        async with console.client() as client:
            begin = time.monotonic()
            assert (await client.post("/login", data={"naam": "op", "wachtwoord": WACHTWOORD})).status_code == 303
            duur = time.monotonic() - begin
    finally:
        teller.cancel()
    gaten = [b - a for a, b in itertools.pairwise(tikken)]
    assert max(gaten) < duur / 2, f"the loop stood still for {max(gaten):.2f} s of a {duur:.2f} s login"


# -- 5: security headers ---------------------------------------------------------------------------
async def test_security_headers_and_no_store_on_pages_with_personal_data(console: Console) -> None:
    await console.account("beheer", Rol.BEHEERDER)
    async with console.client() as client:
        login = await client.get("/login")
        zaak = await client.get("/api/zaken/Z-1", headers=basic("beheer"))
        await client.post("/login", data={"naam": "beheer", "wachtwoord": WACHTWOORD})
        pagina = await client.get("/dode-letters")
    for antwoord in (login, zaak, pagina):
        csp = antwoord.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert antwoord.headers["x-content-type-options"] == "nosniff"
        assert antwoord.headers["referrer-policy"] == "same-origin"
        assert antwoord.headers["cache-control"] == "no-store"
    assert pagina.status_code == 200 and "<script>" not in pagina.text and "style=" not in pagina.text


# -- 9: API answers ----------------------------------------------------------------------------------
async def test_api_errors_are_4xx_with_the_right_headers(console: Console) -> None:
    await console.account("beheer", Rol.BEHEERDER)
    async with console.client(headers=basic("beheer")) as client:
        groot = await client.post("/api/dode-letters/99999999999999999999/replay")
        onbekend = await client.post("/api/dode-letters/424242/replay")
        zonder_q = await client.get("/api/zoeken")
        leeg_q = await client.get("/api/zoeken", params={"q": " "})
        verkeerd = await client.delete("/api/ik")
        klaar = await client.get("/health/ready")
        levend = await client.get("/health/live")
    assert (groot.status_code, onbekend.status_code) == (404, 404)
    assert (zonder_q.status_code, leeg_q.status_code) == (400, 400)
    assert verkeerd.status_code == 405 and "GET" in verkeerd.headers["allow"]
    assert (klaar.status_code, levend.status_code) == (200, 204)


async def test_ready_fails_when_the_database_is_gone(console: Console) -> None:
    async with console.client() as client:
        await console.service.pool.close()
        try:
            antwoord = await client.get("/health/ready")
            levend = await client.get("/health/live")
        finally:
            await console.service.open_storage()
    assert antwoord.status_code == 503 and levend.status_code == 204
