"""After reports flow through the running stack, each service's /metrics shows what happened (records
by type and outcome, handler time, consumer lag, outbox, timers, database pool; the console's
logins and replays), and every line every service process wrote is JSON with the service's name,
with no trace of a BSN that travelled in a report and in a rejected one."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families

from deploy.local.layout import BASE_PORTS
from tests.e2e.stappen import kvk
from tests.e2e.test_melding_flow import melding as report
from tools.partner import Partner

pytestmark = pytest.mark.stack
DOMAIN_SERVICES = ["melding", "inspectie", "loonvordering", "huisvesting", "deling"]
IN = "waardigwerk.in.meldingen"
INGEDIEND = "nl.waardigwerk.melding.ingediend"


def canary_bsn() -> str:
    """Nine digits that pass the elfproef, new for each run (so old log lines cannot answer)."""
    while True:
        digits = [random.randint(1, 9)] + [random.randint(0, 9) for _ in range(7)]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last <= 9:
            return "".join(map(str, [*digits, last]))


def url_of(stack_env: dict[str, str], part: str) -> str:
    offset = (urlsplit(stack_env["CONSOLE_URL"]).port or 0) - BASE_PORTS["console"]
    return f"http://127.0.0.1:{BASE_PORTS[part] + offset}"


def request(url: str, body: Any = None, headers: dict[str, str] | None = None, form: bool = False) -> tuple[int, bytes]:
    data = None
    if body is not None:
        data = "&".join(f"{k}={v}" for k, v in body.items()).encode() if form else json.dumps(body).encode()
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    req = urllib.request.Request(
        url, data=data, headers={**({"Content-Type": kind} if data else {}), **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # a loaded machine: a first login is slow
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def samples(stack_env: dict[str, str], part: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    status, body = request(f"{url_of(stack_env, part)}/metrics")
    assert status == 200, part
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def value(figures: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """The sum over the series of `name` that carry `labels` (0 when there is none)."""
    wanted = set(labels.items())
    return sum(v for (n, lbl), v in figures.items() if n == name and wanted <= lbl)


def series(figures: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str) -> int:
    return sum(1 for n, _ in figures if n == name)


def melding(ref: str, werkgever: str, bsn: str) -> dict[str, Any]:
    return report("fnv", ref, werkgever, omschrijving=f"Werknemer met BSN {bsn} krijgt minder dan het minimumloon.")


async def test_metrics_show_the_flow_and_logs_are_json_without_bsn(stack_env: dict[str, str]) -> None:
    bsn, ref, werkgever = canary_bsn(), f"FNV-{uuid.uuid4().hex[:8]}", kvk()
    before = {part: samples(stack_env, part) for part in [*DOMAIN_SERVICES, "console"]}
    topics = ["waardigwerk.uit.melder.fnv", "waardigwerk.uit.arbeidsinspectie", "waardigwerk.test.klok"]
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics) as partner:
        await partner.set_clock("2026-12-03T10:00:00+01:00", DOMAIN_SERVICES[:4])
        await partner.publish(IN, INGEDIEND, melding(ref, werkgever, bsn), key=ref)
        bad = {**melding(f"{ref}-x", werkgever, bsn), "aantal_betrokkenen": bsn, "werkgever": {"kvk_nummer": bsn}}
        await partner.publish(IN, INGEDIEND, bad, key=f"{ref}-x")
        await partner.expect(
            "waardigwerk.uit.melder.fnv", "nl.waardigwerk.melding.ontvangen", lambda d: d["melder_referentie"] == ref
        )
        await partner.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.gepland",
            lambda d: d["werkgever"]["kvk_nummer"] == werkgever,
        )

    console, naam = stack_env["CONSOLE_URL"].rstrip("/"), stack_env["CONSOLE_ADMIN_USER"]
    wachtwoord = stack_env["CONSOLE_ADMIN_PASSWORD"]
    admin = {"Authorization": "Basic " + base64.b64encode(f"{naam}:{wachtwoord}".encode()).decode()}
    for attempt in ("fout", wachtwoord):  # one failed login, one that succeeds (counted below)
        request(f"{console}/login", {"naam": naam, "wachtwoord": attempt}, form=True)
    replayed = 0
    for _ in range(60):  # the dead letter reaches the console's read model, then it is offered again
        status, body = request(f"{console}/api/dode-letters/replay", {"bevestigd": True, "topic": IN}, admin)
        assert status == 200, body[:300]
        replayed = json.loads(body)["opnieuw_aangeboden"]
        if replayed:
            break
        await asyncio.sleep(0.5)
    assert replayed >= 1
    after = {part: samples(stack_env, part) for part in [*DOMAIN_SERVICES, "console"]}

    def grew(part: str, name: str, **labels: str) -> bool:
        return value(after[part], name, **labels) > value(before[part], name, **labels)

    m = "melding"
    assert grew(m, "waardigwerk_records_consumed_total", ce_type=INGEDIEND)
    assert grew(m, "waardigwerk_records_handled_total", ce_type=INGEDIEND)
    assert grew(m, "waardigwerk_records_dead_lettered_total", ce_type=INGEDIEND, reason="schema")
    assert grew(m, "waardigwerk_handler_seconds_count", ce_type=INGEDIEND)
    assert grew(m, "waardigwerk_outbox_published_total")
    assert grew(m, "faststream_received_messages_total")
    assert grew("inspectie", "waardigwerk_records_handled_total", ce_type="nl.waardigwerk.melding.ontvangen")
    assert grew("console", "console_logins_total", uitkomst="mislukt")
    assert grew("console", "console_logins_total", uitkomst="geslaagd")
    assert grew("console", "console_replays_total")
    for part in [*DOMAIN_SERVICES, "console"]:
        figures = after[part]
        # A scrape leaves lag out when the broker does not answer its offset requests in time (a busy
        # machine), rather than show stale figures: a later scrape has them.
        for _ in range(20):
            if series(figures, "waardigwerk_consumer_lag") >= 3:
                break
            await asyncio.sleep(0.5)
            figures = samples(stack_env, part)
        assert value(figures, "waardigwerk_ready") == 1, part
        assert series(figures, "waardigwerk_consumer_lag") >= 3, f"{part}: a lag per assigned partition"
        for name in (
            "waardigwerk_outbox_unsent",
            "waardigwerk_outbox_oldest_unsent_age_seconds",
            "waardigwerk_timers_due",
            "waardigwerk_timers_overdue",
            "waardigwerk_db_pool_max",
        ):
            assert series(figures, name) == 1, f"{part}: {name}"
        assert value(figures, "waardigwerk_db_pool_connections", state="in_use") >= 1, f"{part}: the relay's listener"
    assert value(after["melding"], "waardigwerk_consumer_lag", topic=IN) >= 0

    logs = Path(stack_env["WAARDIGWERK_STACK_DIR"]) / "logs"
    for part in [*DOMAIN_SERVICES, "console"]:
        text = (logs / f"{part}.log").read_text(errors="replace")
        assert bsn not in text, f"{part}: the canary BSN is in its log"
        current = text.rsplit("\n=== ", 1)[-1].split("\n", 1)[1]  # the lines of the running process
        for line in filter(None, current.splitlines()):
            assert json.loads(line)["service"] == part, line[:200]
