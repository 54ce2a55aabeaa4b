"""The console in a real browser: live updates, municipal isolation, replay of a dead letter."""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from shared.service import REPLAY_HEADER
from tests.browser.conftest import gebruiker_toevoegen, login, screenshot
from tools.partner import Ontvangen, Partner

pytestmark = pytest.mark.stack

IN = "waardigwerk.in.meldingen"
INGEDIEND = "nl.waardigwerk.melding.ingediend"
MELDER = "waardigwerk.uit.melder.fnv"
LIVE_S = 30_000  # ms: how long the page may take to show a published event without reloading


def melding(ref: str, kvk: str, **extra: Any) -> dict[str, Any]:
    return {
        "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref},
        "werkgever": {"kvk_nummer": kvk, "naam": "Kas Westland BV"},
        "werklocatie": {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"},
        "categorieen": ["onderbetaling"],
        "aantal_betrokkenen": 14,
        "omschrijving": "Uitzendkrachten krijgen minder dan het minimumloon.",
        **extra,
    }


def diensten(stack_env: dict[str, str]) -> list[str]:
    """The services that follow the test clock in this stack (CONTRACT §4)."""
    return [d for d in stack_env.get("WAARDIGWERK_DIENSTEN", "melding").split(",") if d]


async def markeer(page: Page) -> None:
    """A mark that a reload would wipe: its survival proves an update came without one."""
    await page.evaluate("window.__zonderHerladen = true")


async def wacht_tot(page: Page, uitdrukking: str, timeout_ms: int = LIVE_S) -> None:
    """Poll a condition from outside the page (the console's CSP forbids the eval behind wait_for_function)."""
    for _ in range(timeout_ms // 250):
        if await page.evaluate(uitdrukking):
            return
        await page.wait_for_timeout(250)
    raise AssertionError(f"not within {timeout_ms} ms: {uitdrukking}")


async def niet_herladen(page: Page) -> bool:
    return bool(await page.evaluate("window.__zonderHerladen === true"))


async def test_scenario_verschijnt_live_op_overzicht_en_in_tijdlijn(page: Page, stack_env: dict[str, str]) -> None:
    url = stack_env["CONSOLE_URL"]
    ref, kvk = f"FNV-{uuid.uuid4().hex[:8]}", f"{random.randrange(10_000_000, 99_999_999)}"
    await login(page, url, stack_env["CONSOLE_ADMIN_USER"], stack_env["CONSOLE_ADMIN_PASSWORD"])
    await page.goto(f"{url}/")
    await page.wait_for_selector("#live:has-text('●')")  # the event stream is connected
    voor = int(await page.inner_text("#aantal-gebeurtenissen"))
    await markeer(page)
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [MELDER, "waardigwerk.test.klok"]) as partner:
        await partner.set_clock("2026-12-03T10:00:00+01:00", diensten(stack_env))
        await partner.publish(IN, INGEDIEND, melding(ref, kvk), key=ref)
        ontvangen = await partner.expect(
            MELDER, "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
        zaak_id = ontvangen.data["zaak_id"]
        await wacht_tot(page, f"Number(document.getElementById('aantal-gebeurtenissen').textContent) > {voor}")
        assert await niet_herladen(page)
        await screenshot(page, "overzicht")

        await page.goto(f"{url}/zaken/{zaak_id}")
        ontvangen_regels = "#tijdlijn tr[data-type='nl.waardigwerk.melding.ontvangen']"
        await page.wait_for_selector(ontvangen_regels)
        assert await page.locator(ontvangen_regels).count() == 1
        await page.wait_for_selector("#live:has-text('●')")
        await markeer(page)
        # The same report again (same reference and content): melding acknowledges it once more, for this case.
        await partner.publish(IN, INGEDIEND, melding(ref, kvk), key=ref)
        await wacht_tot(page, f'document.querySelectorAll("{ontvangen_regels}").length === 2')
        assert await niet_herladen(page)
        await page.wait_for_selector("#tijdlijn tr[data-type='nl.waardigwerk.inspectie.gepland']", timeout=LIVE_S)
        assert "huidig@" in await page.inner_text("#beleid")
        tijdlijn = await page.locator("#tijdlijn tr[data-type]").evaluate_all("rs => rs.map(r => r.dataset.type)")
        assert tijdlijn.index("nl.waardigwerk.melding.ontvangen") < tijdlijn.index("nl.waardigwerk.inspectie.gepland")
        await screenshot(page, "zaak")


async def test_gemeente_kan_zaak_van_andere_gemeente_niet_openen(page: Page, stack_env: dict[str, str]) -> None:
    url = stack_env["CONSOLE_URL"]
    ref, kvk = f"FNV-{uuid.uuid4().hex[:8]}", f"{random.randrange(10_000_000, 99_999_999)}"
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [MELDER, "waardigwerk.test.klok"]) as partner:
        await partner.set_clock("2026-12-03T10:00:00+01:00", diensten(stack_env))
        await partner.publish(IN, INGEDIEND, melding(ref, kvk), key=ref)  # a case in GM1783 (Westland)
        ontvangen = await partner.expect(
            MELDER, "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
    zaak_id = ontvangen.data["zaak_id"]
    suffix = uuid.uuid4().hex[:6]
    amsterdam = f"ams-{suffix}"
    wachtwoord = gebruiker_toevoegen(stack_env, amsterdam, "gemeente", "GM0363")
    await login(page, url, amsterdam, wachtwoord)
    antwoord = await page.goto(f"{url}/zaken/{zaak_id}")
    assert antwoord is not None and antwoord.status == 403
    assert "GM0363" in await page.inner_text("#fout")
    api = await page.request.get(f"{url}/api/zaken/{zaak_id}")
    assert api.status == 403
    gezocht = await page.request.get(f"{url}/api/zoeken", params={"q": zaak_id})
    assert gezocht.status == 200 and (await gezocht.json())["zaken"] == []
    assert (await page.request.get(f"{url}/api/dode-letters")).status == 403
    await screenshot(page, "gemeente-geweigerd")

    westland = f"westland-{suffix}"
    wachtwoord = gebruiker_toevoegen(stack_env, westland, "gemeente", "GM1783")
    await page.context.clear_cookies()
    await login(page, url, westland, wachtwoord)
    for _ in range(60):  # the console may still be reading the case
        antwoord = await page.goto(f"{url}/zaken/{zaak_id}")
        if antwoord is not None and antwoord.status == 200:
            break
        await page.wait_for_timeout(500)
    assert antwoord is not None and antwoord.status == 200
    assert zaak_id in await page.inner_text("h1")


async def test_replay_van_een_dode_letter(page: Page, stack_env: dict[str, str]) -> None:
    url = stack_env["CONSOLE_URL"]
    ref = f"FNV-{uuid.uuid4().hex[:8]}"
    slecht = {"melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": ref}, "categorieen": ["overig"]}
    await login(page, url, stack_env["CONSOLE_ADMIN_USER"], stack_env["CONSOLE_ADMIN_PASSWORD"])
    await page.goto(f"{url}/dode-letters")
    await page.wait_for_selector("#live:has-text('●')")
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [IN, "waardigwerk.test.klok"]) as partner:
        await partner.set_clock("2026-12-03T10:00:00+01:00", diensten(stack_env))
        event_id = await partner.publish(IN, INGEDIEND, slecht, key=ref)
        rij = f"#dode-letters tr[data-ce-id='{event_id}']"
        await page.wait_for_selector(rij, timeout=LIVE_S)  # live, without reloading
        assert "schema" in await page.inner_text(rij)
        origineel = await partner.expect(IN, INGEDIEND, lambda d: d.get("melder", {}).get("referentie") == ref)
        await page.click(f"{rij} button.replay")
        await page.wait_for_selector(f"{rij} .gereplayed")

        def kopieen() -> list[Ontvangen]:
            return partner.matching(IN, INGEDIEND, lambda d: d.get("melder", {}).get("referentie") == ref)

        for _ in range(100):
            if len(kopieen()) >= 2:
                break
            await partner.settle(0.1)
        assert len(kopieen()) == 2, "the replay was not re-published to the original topic"
        herhaald = kopieen()[1]
        marker = herhaald.headers.pop(REPLAY_HEADER, None)
        assert marker, "a replay is marked, so the service processes it again instead of ignoring a duplicate"
        assert (herhaald.key, herhaald.value, herhaald.headers) == (origineel.key, origineel.value, origineel.headers)
    audit = await page.inner_text("#replay-audit")
    assert stack_env["CONSOLE_ADMIN_USER"] in audit and event_id in audit
    await screenshot(page, "dode-letters")


PAGINAS = [
    "/",
    "/zaken",
    "/zaken?termijn=risico&sorteer=uiterlijk&richting=op",
    "/planning",
    "/vorderingen",
    "/huisvesting",
    "/dode-letters",
    "/zoeken?q=GM1783",
    "/gebruikers",
]


def _naam(pad: str) -> str:
    """A screenshot's name for a path: `/zaken?termijn=risico&...` -> `zaken-termijn-risico`."""
    pad_, _, vraag = pad.partition("?")
    delen = [pad_.strip("/") or "overzicht", *(v for kv in vraag.split("&")[:1] if kv for v in kv.split("="))]
    return "-".join(delen)


async def _bezoek(page: Page, url: str, pad: str, naam: str, fouten: list[str]) -> int:
    antwoord = await page.goto(f"{url}{pad}")
    assert antwoord is not None
    if antwoord.status == 200:
        tekst = await page.inner_text("main")
        assert '{"' not in tekst and "':" not in tekst and '":' not in tekst, f"raw JSON on {pad}"
        await screenshot(page, naam)
    return antwoord.status


async def test_every_page_as_operator_and_as_municipal_officer(page: Page, stack_env: dict[str, str]) -> None:
    """Each page renders without raw JSON and without a script or style the CSP would block."""
    url = stack_env["CONSOLE_URL"]
    fouten: list[str] = []
    page.on("console", lambda m: fouten.append(m.text) if m.type == "error" else None)
    suffix = uuid.uuid4().hex[:6]
    operator = f"op-{suffix}"
    await login(page, url, operator, gebruiker_toevoegen(stack_env, operator, "operator"))
    statussen = {pad: await _bezoek(page, url, pad, f"operator-{_naam(pad)}", fouten) for pad in PAGINAS}
    assert statussen == {**dict.fromkeys(PAGINAS, 200), "/gebruikers": 403}, statussen
    await page.context.clear_cookies()
    gemeente = f"westland-{suffix}"
    await login(page, url, gemeente, gebruiker_toevoegen(stack_env, gemeente, "gemeente", "GM1783"))
    for pad in ("/zaken", "/huisvesting", "/zoeken?q=GM1783"):
        assert await _bezoek(page, url, pad, f"gemeente-{_naam(pad)}", fouten) == 200
    for pad in ("/", "/planning", "/vorderingen"):
        assert await _bezoek(page, url, pad, f"gemeente-geen-{_naam(pad)}", fouten) == 403
    assert await _bezoek(page, url, "/dode-letters", "gemeente-geen-dode-letters", fouten) == 403
    assert not [f for f in fouten if "Content Security Policy" in f], fouten


AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"  # `npm ci` in tests/browser


async def test_no_serious_accessibility_violation(browser: Browser, stack_env: dict[str, str]) -> None:
    """axe-core (WCAG 2.1 A/AA rules) on every page an operator opens: nothing serious or critical."""
    assert AXE.is_file(), "axe-core is missing: run `npm ci` in tests/browser (make setup does)"
    url = stack_env["CONSOLE_URL"]
    # axe is injected as a script of its own: this context alone lets it past the console's CSP.
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = await context.new_page()
    try:
        naam = f"axe-{uuid.uuid4().hex[:6]}"
        await login(page, url, naam, gebruiker_toevoegen(stack_env, naam, "operator"))
        ernstig: dict[str, list[str]] = {}
        zaken = (await (await page.request.get(f"{url}/api/zaken?per_pagina=10&sorteer=gepland")).json())["zaken"]
        zaakpagina = [f"/zaken/{zaken[0]['zaak_id']}"] if zaken else []
        for pad in [*PAGINAS[:-1], *zaakpagina, "/wachtwoord"]:
            # a list page of 10 rows has every element a page of 50 has; axe on 1 000 cells only takes longer
            klein = (
                f"{pad}{'&' if '?' in pad else '?'}per_pagina=10"
                if pad.startswith("/zaken?") or pad == "/zaken"
                else pad
            )
            await page.goto(f"{url}{klein}")
            await page.add_script_tag(path=str(AXE))
            uitkomst = await page.evaluate(
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            assert uitkomst["passes"], f"axe checked nothing on {pad}"
            fout = [f"{v['id']}: {v['help']}" for v in uitkomst["violations"] if v["impact"] in ("serious", "critical")]
            if fout:
                ernstig[pad] = fout
        assert ernstig == {}, ernstig
    finally:
        await context.close()
