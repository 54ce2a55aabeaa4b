"""Headless Chromium (Debian's, driven by Playwright) against the console of a running stack.

In a session with other tiers the browser tier runs last, so that it meets the console as an
operator would: after the end-to-end tier's traffic, hostile records and dead letters included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTEN = ROOT / "test-artifacts"
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tier after every other test of the session, each tier in its own order."""
    items.sort(key=lambda item: Path(str(item.path)).is_relative_to(HERE))


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    yield await context.new_page()
    await context.close()


async def login(page: Page, url: str, naam: str, wachtwoord: str) -> None:
    await page.goto(f"{url}/login")
    await page.fill("input[name=naam]", naam)
    await page.fill("input[name=wachtwoord]", wachtwoord)
    async with page.expect_navigation(timeout=60_000):  # a password hash takes a moment by design
        await page.click("button[type=submit]")
    assert "/login" not in page.url, f"login as {naam} failed"


def gebruiker_toevoegen(stack_env: dict[str, str], naam: str, rol: str, gemeente: str | None = None) -> str:
    """Create an account with the console's own CLI; returns the password it printed."""
    args = [sys.executable, "-m", "services.console.gebruiker", "add", naam, "--rol", rol]
    if gemeente:
        args += ["--gemeente", gemeente]
    uit = subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": stack_env["DATABASE_URL"]},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return uit.rsplit("wachtwoord: ", 1)[1].strip()


async def screenshot(page: Page, naam: str) -> None:
    ARTEFACTEN.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTEFACTEN / f"console-{naam}.png"), full_page=True)
