from __future__ import annotations

from datetime import UTC, datetime

from services.console.tijdlijn import causale_volgorde, hoort_bij_zaak

T = datetime(2026, 12, 3, 9, tzinfo=UTC)


def ev(id: str, oorzaak: str | None, volgnummer: int, tijd: datetime = T) -> dict[str, object]:
    return {"id": id, "causationid": oorzaak, "tijd": tijd, "volgnummer": volgnummer}


def test_oorzaak_voor_gevolg_ook_als_het_gevolg_eerder_binnenkwam() -> None:
    # same timestamp (test clock); the plan arrived before the acknowledgement that caused it
    events = [
        ev("gepland", "ontvangen", 1),
        ev("status", "gepland", 2),
        ev("ontvangen", "ingediend-extern", 3),
    ]
    regels = causale_volgorde(events)
    assert [(r.event["id"], r.diepte, r.oorzaak_bekend) for r in regels] == [
        ("ontvangen", 0, False),
        ("gepland", 1, True),
        ("status", 2, True),
    ]


def test_broers_op_tijd_en_elke_gebeurtenis_eenmaal() -> None:
    later = datetime(2026, 12, 3, 10, tzinfo=UTC)
    events = [ev("a", None, 1), ev("c", "a", 2, later), ev("b", "a", 3), ev("x", "y", 4), ev("y", "x", 5)]
    ids = [r.event["id"] for r in causale_volgorde(events)]
    assert ids[:3] == ["a", "b", "c"]
    assert sorted(ids) == ["a", "b", "c", "x", "y"]  # a cycle never loses an event


def test_andere_zaak_hoort_er_niet_bij() -> None:
    assert hoort_bij_zaak("Z-1", {"zaak_ids": ["Z-1", "Z-2"]})
    assert hoort_bij_zaak("Z-1", {"zaak_ids": []})
    assert not hoort_bij_zaak("Z-1", {"zaak_ids": ["Z-2"]})
