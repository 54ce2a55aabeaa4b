from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from services.console.gebruikers import controleer_wachtwoord, hash_wachtwoord
from services.console.opslag import splits_headers
from services.console.overzicht import (
    capaciteitsgebruik,
    doorvoer_per_minuut,
    termijn_oordeel,
)
from services.console.projectie import aggregaat_status, sleutels, zaak_status


def test_sleutels_van_een_plan_en_een_vordering() -> None:
    plan = sleutels(
        {
            "inspectie_id": "I-1",
            "werkgever": {"kvk_nummer": "56815433"},
            "werklocatie": {"postcode": "2671 ab", "gemeentecode": "GM1783"},
            "aanleidingen": [{"soort": "melding", "id": "Z-1"}, {"soort": "signaal", "id": "S-9"}],
            "beleid": "huidig@x",
        }
    )
    assert (plan.zaak_ids, plan.inspectie_id, plan.kvk) == (("Z-1",), "I-1", ("56815433",))
    assert (plan.gemeentecode, plan.postcode, plan.beleid) == ("GM1783", "2671AB", "huidig@x")
    vordering = sleutels(
        {
            "vordering_id": "V-1",
            "indiener_referentie": "FNV-7",
            "aansprakelijk": [{"kvk_nummer": "111"}, {"kvk_nummer": "222"}],
        }
    )
    assert (vordering.vordering_id, vordering.referentie, vordering.kvk) == ("V-1", "FNV-7", ("111", "222"))
    assert sleutels({"werkgever": "geen object", "aanleidingen": None}).kvk == ()


def test_statussen() -> None:
    assert zaak_status("nl.waardigwerk.melding.ontvangen", {}) == "ontvangen"
    assert zaak_status("nl.waardigwerk.melding.status_gewijzigd", {"status": "gesloten"}) == "gesloten"
    assert zaak_status("nl.waardigwerk.melding.huisvesting_signaal", {}) is None
    assert aggregaat_status("nl.waardigwerk.loonvordering.voldaan", {}) == "voldaan"
    assert (
        aggregaat_status("nl.waardigwerk.huisvesting.gecontroleerd", {"status": "tekortkomingen"}) == "tekortkomingen"
    )


VANDAAG = date(2026, 12, 3)


def zaak(**kw: object) -> dict[str, object]:
    return {"zaak_id": "Z-1", "status": "ontvangen", "uiterlijk_inspectie_op": date(2026, 12, 10), **kw}


def test_termijnen() -> None:
    assert termijn_oordeel(zaak(gepland_op=date(2026, 12, 4)), VANDAAG) is None
    risico = termijn_oordeel(zaak(gepland_op=date(2026, 12, 11)), VANDAAG)
    assert risico is not None and risico.oordeel == "risico"
    geen_plan = termijn_oordeel(zaak(), VANDAAG)
    assert geen_plan is not None and geen_plan.reden == "nog geen inspectie gepland"
    verstreken = termijn_oordeel(zaak(), date(2026, 12, 11))
    assert verstreken is not None and verstreken.oordeel == "overschreden"
    gemeld = termijn_oordeel(zaak(termijn_overschreden=True, gepland_op=date(2026, 12, 4)), VANDAAG)
    assert gemeld is not None and gemeld.oordeel == "overschreden"
    assert termijn_oordeel(zaak(status="gesloten"), date(2027, 1, 1)) is None


def test_capaciteit_en_doorvoer() -> None:
    gebruik = capaciteitsgebruik({"West": 3, "Elders": 1}, {"West": 4, "Midden": 3}, 40)
    assert [(c.regio, c.gepland, c.beschikbaar, c.pct) for c in gebruik] == [
        ("Elders", 1, 0, Decimal(0)),
        ("Midden", 0, 120, Decimal(0)),
        ("West", 3, 160, Decimal(2)),  # 1.875 % rounds half up to 2
    ]
    nu = datetime(2026, 11, 28, 15, 30, 20, tzinfo=UTC)
    bakken = doorvoer_per_minuut(
        [
            (datetime(2026, 11, 28, 15, 30, tzinfo=UTC), 7),
            (datetime(2026, 11, 28, 14, 31, tzinfo=UTC), 2),
            (datetime(2026, 11, 28, 14, 30, tzinfo=UTC), 99),
        ],
        nu,
        60,
    )
    assert (len(bakken), bakken[-1], bakken[0], sum(bakken)) == (60, 7, 2, 9)


def test_dlq_headers_gescheiden_van_het_origineel() -> None:
    origineel, reden = splits_headers(
        [("ce_id", b"e-1"), ("dlq_reden", b"schema"), ("content-type", b"application/json")]
    )
    assert origineel == [["ce_id", "e-1"], ["content-type", "application/json"]]
    assert reden == {"dlq_reden": "schema"}


def test_wachtwoord_hash() -> None:
    """Finding 4: scrypt at OWASP's cost (N = 2^17, r = 8), not 2^14."""
    opgeslagen = hash_wachtwoord("geheim", zout=b"0" * 16)
    soort, n, r, p, _, _ = opgeslagen.split("$")
    assert (soort, int(n) >= 2**17, r, p) == ("scrypt", True, "8", "1")
    assert controleer_wachtwoord("geheim", opgeslagen)
    assert not controleer_wachtwoord("Geheim", opgeslagen)
    assert not controleer_wachtwoord("geheim", "md5$abc")
