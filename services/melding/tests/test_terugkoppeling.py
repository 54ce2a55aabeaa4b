"""Feedback to the reporter: what each step tells, and nothing more."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.melding.domain import terugkoppeling as tk
from services.melding.domain.terugkoppeling import MelderRef, Terugkoppeling

FNV = MelderRef(organisatie="fnv", referentie="FNV-2026-000123")
KOP = {"melder_organisatie": "fnv", "melder_referentie": "FNV-2026-000123", "zaak_id": "Z-1"}
STATUS = "nl.waardigwerk.melding.status_gewijzigd"


def test_ontvangen_carries_the_contract_minimum() -> None:
    assert tk.ontvangen(FNV, "Z-1", date(2026, 12, 3), date(2026, 12, 10), gekoppeld=False) == Terugkoppeling(
        "nl.waardigwerk.melding.ontvangen",
        KOP | {"ontvangen_op": "2026-12-03", "uiterlijk_inspectie_op": "2026-12-10", "gekoppeld": False},
    )


def test_each_status_step() -> None:
    assert tk.gekoppeld(FNV, "Z-1") == Terugkoppeling(STATUS, KOP | {"status": "gekoppeld"})
    assert tk.inspectie_gepland(FNV, "Z-1", date(2026, 12, 8)) == Terugkoppeling(
        STATUS, KOP | {"status": "inspectie_gepland", "gepland_op": "2026-12-08"}
    )
    assert tk.geinspecteerd(FNV, "Z-1", date(2026, 12, 9)) == Terugkoppeling(
        STATUS, KOP | {"status": "geinspecteerd", "uitgevoerd_op": "2026-12-09"}
    )
    assert tk.uitkomst(FNV, "Z-1", overtreding_vastgesteld=True) == Terugkoppeling(
        STATUS, KOP | {"status": "uitkomst", "overtreding_vastgesteld": True}
    )
    assert tk.gesloten(FNV, "Z-1") == Terugkoppeling(STATUS, KOP | {"status": "gesloten"})


TOEGESTAAN = {
    "melder_organisatie",
    "melder_referentie",
    "zaak_id",
    "status",
    "ontvangen_op",
    "uiterlijk_inspectie_op",
    "gekoppeld",
    "gepland_op",
    "uitgevoerd_op",
    "overtreding_vastgesteld",
}


@given(
    st.builds(MelderRef, organisatie=st.from_regex(r"[a-z0-9-]{2,40}", fullmatch=True), referentie=st.text(min_size=1)),
    st.text(min_size=1),
    st.dates(),
    st.booleans(),
)
def test_feedback_names_only_this_reporter_and_no_amounts(
    melder: MelderRef, zaak_id: str, dag: date, vlag: bool
) -> None:
    alle = [
        tk.ontvangen(melder, zaak_id, dag, dag, gekoppeld=vlag),
        tk.gekoppeld(melder, zaak_id),
        tk.inspectie_gepland(melder, zaak_id, dag),
        tk.geinspecteerd(melder, zaak_id, dag),
        tk.uitkomst(melder, zaak_id, overtreding_vastgesteld=vlag),
        tk.gesloten(melder, zaak_id),
    ]
    for terugkoppeling in alle:
        assert set(terugkoppeling.data) <= TOEGESTAAN
        assert terugkoppeling.data["melder_organisatie"] == melder.organisatie
        assert terugkoppeling.data["melder_referentie"] == melder.referentie
        assert terugkoppeling.data["zaak_id"] == zaak_id
        assert all(isinstance(v, str | bool) for v in terugkoppeling.data.values())  # JSON-ready, no numbers
