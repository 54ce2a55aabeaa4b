"""The list question read from a query string, its links and the SVG geometry and chain drawing (pure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from services.console import grafiek, keten
from services.console.dashboard import capaciteit_per_week, per_week, weken
from services.console.lijsten import Lijst, OngeldigeLijstvraag, Pagina, lees_vraag, order_by, prefix_patroon
from services.console.weergave import oorzaak_in_woorden, risico_rij, waarde_in_woorden

LIJST = Lijst({"bijgewerkt": "z.bijgewerkt", "naam": "lower(z.naam)"}, "bijgewerkt", False, ("status", "regio"), "z.id")


def test_zonder_parameters_de_standaard_van_de_lijst() -> None:
    v = lees_vraag({}, LIJST)
    assert (v.pagina, v.grootte, v.sorteer, v.oplopend, dict(v.filters), v.zoek) == (
        1,
        50,
        "bijgewerkt",
        False,
        {},
        None,
    )
    assert order_by(v, LIJST) == "ORDER BY z.bijgewerkt DESC NULLS LAST, z.id DESC"


@pytest.mark.parametrize(
    "params",
    [
        {"sorteer": "z.id; DROP TABLE zaak"},
        {"richting": "omhoog"},
        {"pagina": "0"},
        {"pagina": "-1"},
        {"pagina": "1e3"},
        {"per_pagina": "7"},
        {"q": "x" * 101},
        {"pagina": "9" * 12},
        {"sorteer": ""},  # empty is no column (the API's document has none); absent is the default
        {"pagina": ""},
        {"per_pagina": ""},
    ],
)
def test_wat_de_lijst_niet_heeft_is_een_fout(params: dict[str, str]) -> None:
    with pytest.raises(OngeldigeLijstvraag):
        lees_vraag(params, LIJST)


def test_onbekende_filters_worden_genegeerd_lege_ook() -> None:
    v = lees_vraag({"status": " open ", "regio": "", "wachtwoord": "x"}, LIJST)
    assert dict(v.filters) == {"status": "open"}


def test_links_houden_de_filters_en_een_nieuwe_filter_begint_op_pagina_1() -> None:
    v = lees_vraag({"status": "open", "q": "kas", "pagina": "3", "sorteer": "naam", "richting": "op"}, LIJST)
    volgende = parse_qs(v.link(pagina=4)[1:])
    assert volgende == {"status": ["open"], "q": ["kas"], "sorteer": ["naam"], "richting": ["op"], "pagina": ["4"]}
    ander = parse_qs(v.link(regio="West")[1:])
    assert "pagina" not in ander and ander["regio"] == ["West"] and ander["status"] == ["open"]
    assert "status" not in parse_qs(v.link(status=None)[1:])


def test_sorteren_op_de_gesorteerde_kolom_keert_de_richting_om() -> None:
    v = lees_vraag({"sorteer": "naam", "richting": "op"}, LIJST)
    assert parse_qs(v.sorteerlink("naam")[1:])["richting"] == ["af"]
    assert parse_qs(v.sorteerlink("bijgewerkt")[1:])["richting"] == ["op"]
    assert (v.aria_sort("naam"), v.aria_sort("bijgewerkt")) == ("ascending", "none")


def test_zoeken_op_een_begin_neemt_procent_en_liggend_streepje_letterlijk() -> None:
    assert prefix_patroon("50%_a\\b") == "50\\%\\_a\\\\b%"
    assert prefix_patroon(None) is None


def test_pagina_telt_rijen_en_paginas() -> None:
    assert (Pagina(2, 50, 1005).paginas, Pagina(2, 50, 1005).eerste_rij, Pagina(2, 50, 1005).laatste_rij) == (
        21,
        51,
        100,
    )
    assert (Pagina(1, 50, 0).paginas, Pagina(1, 50, 0).eerste_rij) == (1, 0)
    assert Pagina(21, 50, 1005).laatste_rij == 1005


def test_horizontale_staven_naar_de_grootste_waarde_geschaald() -> None:
    g = grafiek.horizontaal([("a", 10, ""), ("b", Decimal("2.5"), ""), ("c", 0, "")], lengte=400, label_breedte=100)
    assert [s.breedte for s in g.staven] == [400.0, 100.0, 0.0]
    assert [s.y for s in g.staven] == [4, 28, 52] and all(s.x == 100 for s in g.staven)
    assert g.schaal == 10.0


def test_een_referentielijn_past_in_de_schaal() -> None:
    g = grafiek.horizontaal([("dekking", 2, "")], lengte=300, label_breedte=0, referenties={"doel": 5})
    assert g.staven[0].breedte == 120.0 and g.markeringen == (("doel", 300.0),)


def test_negatieve_bijdrage_wordt_niet_als_positieve_staaf_getekend() -> None:
    (s,) = grafiek.horizontaal([("korting", -3, "")]).staven
    assert (s.breedte, s.klasse) == (0.0, "staaf-neg")


def test_gestapelde_kolommen_van_onder_naar_boven() -> None:
    g = grafiek.gestapeld(["wk 1", "wk 2"], {"overschreden": [2, 0], "risico": [2, 1]}, hoogte=100)
    staven = [(s.label, s.klasse, s.y, s.hoogte) for s in g.staven]
    assert staven == [
        ("wk 1", "reeks-overschreden", 60.0, 50.0),  # bottom: 100 - 50 + 10 (top margin)
        ("wk 1", "reeks-risico", 10.0, 50.0),  # on top of it, up to the full height
        ("wk 2", "reeks-risico", 85.0, 25.0),
    ]


VORDERING = {
    "vordering_id": "LV-1",
    "kvk": "11111111",
    "keten": [{"kvk_nummer": "22222222", "rol": "inlener"}, {"kvk_nummer": "33333333", "rol": "hoofdopdrachtgever"}],
    "aansprakelijk": [
        {"kvk_nummer": "11111111", "rol": "werkgever", "sinds": "2026-04-07", "grond": "BW 7:616a"},
        {"kvk_nummer": "22222222", "rol": "inlener", "sinds": "2026-04-07", "grond": "BW 7:616a"},
        {"kvk_nummer": "44444444", "rol": "opdrachtgever", "sinds": "2026-05-01", "grond": "BW 7:616e"},
    ],
    "volgende_termijn": {"datum": "2026-11-03", "soort": "BW 7:616b lid 5"},
}


def test_keten_van_werkgever_omhoog_met_wie_nu_en_later_aansprakelijk_is() -> None:
    t = keten.teken(VORDERING, date(2026, 4, 20), {"11111111": "Uitzendbureau E BV"})
    partijen = [(p.kvk_nummer, p.naam, p.rol, p.staat, p.grond) for p in t.partijen]
    assert partijen == [
        ("11111111", "Uitzendbureau E BV", "werkgever", "aansprakelijk", "BW 7:616a"),
        ("22222222", None, "inlener", "aansprakelijk", "BW 7:616a"),
        ("33333333", None, "hoofdopdrachtgever", "niet aansprakelijk", None),
        ("44444444", None, "opdrachtgever", "later aansprakelijk", "BW 7:616e"),  # liable, not in the chain
    ]
    assert len(t.pijlen) == 3 and all(x2 > x1 for x1, _, x2, _ in t.pijlen)
    assert t.termijn is not None and t.termijn["datum"] == "2026-11-03"
    assert "hoogste opdrachtgever" in t.termijn["gevolg"]


def test_keten_zonder_termijn_en_zonder_keten() -> None:
    t = keten.teken({"kvk": "11111111", "aansprakelijk": []}, date(2026, 4, 20))
    assert [p.staat for p in t.partijen] == ["niet aansprakelijk"] and t.termijn is None and t.pijlen == ()


def test_termijnen_per_week_vullen_lege_weken_met_nul() -> None:
    kolommen = weken(date(2026, 12, 3), 3)
    assert kolommen == [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)]
    uit = per_week(kolommen, [(date(2026, 12, 7), "risico", 4), (date(2026, 12, 7), "geen_termijn", 9)])
    assert uit["reeksen"] == {"overschreden": [0, 0, 0], "risico": [0, 4, 0], "op_schema": [0, 0, 0]}
    assert uit["labels"] == ["wk 49", "wk 50", "wk 51"]


def test_capaciteit_per_week_telt_feestdagen_niet_mee() -> None:
    kerst, gewoon = date(2026, 12, 21), date(2026, 12, 7)  # 25 December 2026 is a Friday
    (regio,) = capaciteit_per_week({("West", kerst): 9}, {"West": 2}, [gewoon, kerst])
    assert [(c.beschikbaar, c.gepland, c.pct) for c in regio] == [(10, 0, 0), (8, 9, 112)]


def test_woorden_voor_oorzaak_en_waarde_en_risicoregel() -> None:
    assert oorzaak_in_woorden("nl.waardigwerk.inspectie.boete_opgelegd") == "inspectie boete opgelegd"
    assert [waarde_in_woorden(w) for w in (True, 1234.5, "2026-12-03", "WML")] == ["ja", "1.234,5", "03-12-2026", "WML"]
    assert risico_rij({"signaal": "melding_vakbond", "bijdrage": 40, "bron_event_id": "e1"}) == (
        "melding vakbond",
        Decimal(40),
        "melding vakbond (bron e1)",
    )
