"""The case page stays bounded however much history the case and its employer have: the timeline and
the employer's fines and stoppages show the newest rows, count all of them and link to the older ones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from services.console.autorisatie import Rol
from services.console.inzage import ZAAK_RIJEN
from services.console.tests.conftest import Console

pytestmark = pytest.mark.stack
KVK = "41000077"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
MELDINGEN = 2 * ZAAK_RIJEN + 7
BOETES = 2 * ZAAK_RIJEN + 3


def rijen(html: str, tabel: str) -> list[str]:
    """The data-type rows of one table of the page."""
    deel = html.split(f'<table id="{tabel}">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-type="([^"]+)"', deel)


async def test_a_case_with_much_history_shows_the_newest_rows_and_links_to_the_older(console: Console) -> None:
    ids = [
        await console.event(
            "nl.waardigwerk.melding.ontvangen",
            {
                "zaak_id": "Z-1",
                "melder_organisatie": "fnv",
                "melder_referentie": f"FNV-{i}",
                "werkgever": {"kvk_nummer": KVK},
            },
            time=T0 + timedelta(minutes=i),
        )
        for i in range(MELDINGEN)
    ]
    for i in range(BOETES):
        await console.event(
            "nl.waardigwerk.inspectie.boete_opgelegd",
            {"boete_id": f"B-{i}", "inspectie_id": f"I-{i}", "werkgever": {"kvk_nummer": KVK}, "bedrag_eur": 100 + i},
            time=T0 + timedelta(minutes=i),
        )
    operator = await console.ingelogd("op", Rol.OPERATOR)
    async with operator:
        pagina = await operator.get("/zaken/Z-1")
        assert pagina.status_code == 200
        html = pagina.text
        assert 0 < len(rijen(html, "tijdlijn")) <= ZAAK_RIJEN, "the timeline shows at most a page"
        assert 0 < len(rijen(html, "sancties")) <= ZAAK_RIJEN, "the employer's fines show at most a page"
        assert f"van <strong>{MELDINGEN}</strong>" in html and f"van <strong>{BOETES}</strong>" in html, "counted"
        assert f'id="e-{ids[0]}"' not in html and f'id="e-{ids[-1]}"' in html, "the newest first"
        oudste = re.search(r'href="(\?[^"]*tijdlijn=3[^"]*)"', html)
        assert oudste, "a link to the oldest page of the timeline"
        html = (await operator.get("/zaken/Z-1" + oudste.group(1).replace("&amp;", "&"))).text
        assert f'id="e-{ids[0]}"' in html and f'id="e-{ids[-1]}"' not in html
        assert 0 < len(rijen(html, "tijdlijn")) <= ZAAK_RIJEN
        assert (await operator.get("/zaken/Z-1?tijdlijn=x")).status_code == 400
        api = (await operator.get("/api/zaken/Z-1", params={"sancties": 3})).json()
        assert len(api["sancties"]) == BOETES - 2 * ZAAK_RIJEN and api["sancties_pagina"]["totaal"] == BOETES
