"""Every role against every other role's objects: pages, municipal objects, personal data."""

from __future__ import annotations

from typing import Any

import pytest

from services.console.autorisatie import (
    AFGESCHERMD,
    Actie,
    Gebruiker,
    Rol,
    afschermen,
    filter_gemeente,
    mag,
    mag_object,
)

BEHEERDER = Gebruiker("beheer", Rol.BEHEERDER)
OPERATOR = Gebruiker("op", Rol.OPERATOR)
PLANNER = Gebruiker("plan", Rol.PLANNER)
AMSTERDAM = Gebruiker("ams", Rol.GEMEENTE, "GM0363")
ROTTERDAM = Gebruiker("rdam", Rol.GEMEENTE, "GM0599")
ALLEN = [BEHEERDER, OPERATOR, PLANNER, AMSTERDAM, ROTTERDAM]

# Who may use which page / API call (the whole matrix, so a change to RECHTEN shows up here).
VERWACHT = {
    Rol.BEHEERDER: set(Actie),
    Rol.OPERATOR: set(Actie) - {Actie.REPLAY},
    Rol.PLANNER: {Actie.OVERZICHT, Actie.PLANNING, Actie.ZAAK, Actie.ZOEKEN},
    Rol.GEMEENTE: {Actie.ZAAK, Actie.HUISVESTING, Actie.ZOEKEN},
}


@pytest.mark.parametrize("gebruiker", ALLEN, ids=lambda g: g.naam)
@pytest.mark.parametrize("actie", list(Actie), ids=lambda a: a.value)
def test_rechten_per_rol(gebruiker: Gebruiker, actie: Actie) -> None:
    assert mag(gebruiker, actie) is (actie in VERWACHT[gebruiker.rol])


# Each user against a case / housing check in Amsterdam, one in Rotterdam and one without a municipality.
OBJECT_MATRIX = {
    # user: (zaak GM0363, zaak GM0599, zaak None, huisvesting GM0363, huisvesting GM0599, huisvesting None)
    "beheer": (True, True, True, True, True, True),
    "op": (True, True, True, True, True, True),
    "plan": (True, True, True, False, False, False),
    "ams": (True, False, False, True, False, False),
    "rdam": (False, True, False, False, True, False),
}


@pytest.mark.parametrize("gebruiker", ALLEN, ids=lambda g: g.naam)
def test_ieder_tegen_de_objecten_van_ieder(gebruiker: Gebruiker) -> None:
    uitkomst = tuple(
        mag_object(gebruiker, actie, gemeentecode)
        for actie in (Actie.ZAAK, Actie.HUISVESTING)
        for gemeentecode in ("GM0363", "GM0599", None)
    )
    assert uitkomst == OBJECT_MATRIX[gebruiker.naam]


def test_gemeente_ziet_alleen_eigen_rijen() -> None:
    rijen: list[dict[str, Any]] = [
        {"id": 1, "gemeentecode": "GM0363"},
        {"id": 2, "gemeentecode": "GM0599"},
        {"id": 3, "gemeentecode": None},
    ]
    assert [r["id"] for r in filter_gemeente(AMSTERDAM, Actie.HUISVESTING, rijen)] == [1]
    assert [r["id"] for r in filter_gemeente(ROTTERDAM, Actie.HUISVESTING, rijen)] == [2]
    assert [r["id"] for r in filter_gemeente(OPERATOR, Actie.HUISVESTING, rijen)] == [1, 2, 3]
    assert filter_gemeente(PLANNER, Actie.HUISVESTING, rijen) == []


BOETE = {
    "boete_id": "B-1",
    "berekening": [{"stap": "grondslag", "waarde": "741.89", "werknemer_ref": "W-17"}],
    "werknemer": {"werknemer_ref": "W-17", "bsn": "123456782"},
    "bsn": "123456782",
}


@pytest.mark.parametrize("gebruiker", [OPERATOR, PLANNER, AMSTERDAM], ids=lambda g: g.naam)
def test_persoonsgegevens_afgeschermd(gebruiker: Gebruiker) -> None:
    assert afschermen(gebruiker, BOETE) == {
        "boete_id": "B-1",
        "berekening": [{"stap": "grondslag", "waarde": "741.89", "werknemer_ref": AFGESCHERMD}],
        "werknemer": AFGESCHERMD,
        "bsn": AFGESCHERMD,
    }


def test_beheerder_ziet_persoonsgegevens() -> None:
    assert afschermen(BEHEERDER, BOETE) == BOETE
