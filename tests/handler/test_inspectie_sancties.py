"""Handler tier: what inspectie decides after a visit from the facts it stored before, on a real
PostgreSQL (legal review defects 6, 7, 9 and 12, and the SER §4.1 agency line).

- defect 7: the payroll return's headcount is stored and scales an Arbowet fine;
- defect 9: a WML line into a month whose minimum wage is not set leaves only the WML fine
  undecided (`niet_beoordeeld` in `afgerond`); the Arbowet stoppage of the same visit is ordered;
- defect 6: under ser2025 a fine that lapses in the back-pay window takes its warning with it, so a
  repeat of the violation grounds no stoppage;
- defect 12: a housing deduction that breaks HUIS-005 (from `huisvesting.gecontroleerd`) does not
  count as wage paid in the WML fine for the same worker and months;
- SER §4.1: an agency (payroll return) gets the explained risk line and so crosses the threshold;
- SER rec. 5 and 7: an NAU withdrawal, an agency without admission, and a late posting
  notification are stored as risk signals of the employer they concern.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from services.inspectie import handlers as h
from services.inspectie import handlers_uitlening as uitlening
from services.inspectie.domain.planning import regio_voor
from shared.contract.belastingdienst import Loonaangifte
from shared.contract.inspectie import Betaalbewijs, InspectieUitgevoerd
from shared.contract.meldloket import Detachering
from shared.contract.nau import Toelating
from shared.policy import load_policy
from shared.service import AMSTERDAM, Service
from shared.settings import Settings
from shared.topics import IN_BELASTINGDIENST, IN_INSPECTIE, IN_MELDLOKET, IN_NAU, intern

pytestmark = pytest.mark.stack
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "inspectie" / "migrations"
NU = datetime(2026, 5, 12, 9, 0, tzinfo=AMSTERDAM)


async def _service(stack_env: dict[str, str], variant: str) -> Service:
    svc = Service("inspectie", migrations=MIGRATIONS, settings=Settings(database_url=stack_env["DATABASE_URL"]))
    svc.policy = load_policy(variant)
    svc.schema = f"test_{uuid.uuid4().hex[:10]}"
    svc.handles(IN_BELASTINGDIENST, "nl.waardigwerk.belastingdienst.loonaangifte", model=Loonaangifte)(
        uitlening.loonaangifte
    )
    svc.handles(IN_NAU, "nl.waardigwerk.nau.toelating", model=Toelating)(uitlening.toelating)
    svc.handles(IN_MELDLOKET, "nl.waardigwerk.meldloket.detachering", model=Detachering)(uitlening.detachering_gemeld)
    svc.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.uitgevoerd", model=InspectieUitgevoerd)(h.inspectie_uitgevoerd)
    svc.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.betaalbewijs", model=Betaalbewijs)(h.betaalbewijs)
    svc.handles(intern("huisvesting"), "nl.waardigwerk.huisvesting.gecontroleerd")(h.huisvesting_gecontroleerd)
    svc.app()
    svc.clock.apply(NU)
    await svc.open_storage()
    return svc


@pytest.fixture(params=["huidig"])
async def service(stack_env: dict[str, str], request: pytest.FixtureRequest) -> AsyncIterator[Service]:
    svc = await _service(stack_env, request.param)
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


@pytest.fixture
async def ser2025(stack_env: dict[str, str]) -> AsyncIterator[Service]:
    svc = await _service(stack_env, "ser2025")
    yield svc
    await svc.pool.execute(f'DROP SCHEMA "{svc.schema}" CASCADE')
    await svc.pool.close()


async def stuur(broker: TestKafkaBroker, topic: str, ce_type: str, data: dict[str, Any], source: str) -> None:
    headers = {
        "ce_specversion": "1.0",
        "ce_id": str(uuid.uuid4()),
        "ce_source": source,
        "ce_type": ce_type,
        "ce_time": NU.isoformat(),
        "content-type": "application/json",
    }
    await broker.publish(json.dumps(data).encode(), topic, key=b"k", headers=headers)


async def loonaangifte(broker: TestKafkaBroker, kvk: str, werknemers: int, onder: int, **extra: Any) -> None:
    data = {
        "werkgever": {"kvk_nummer": kvk},
        "tijdvak": "2026-04",
        "aantal_werknemers": werknemers,
        "aantal_onder_minimumloon": onder,
        **extra,
    }
    await stuur(
        broker, IN_BELASTINGDIENST, "nl.waardigwerk.belastingdienst.loonaangifte", data, "urn:nld:belastingdienst:lh"
    )


async def huisvesting_gecontroleerd(broker: TestKafkaBroker, data: dict[str, Any]) -> None:
    await stuur(
        broker,
        intern("huisvesting"),
        "nl.waardigwerk.huisvesting.gecontroleerd",
        data,
        "urn:nld:waardigwerk:huisvesting",
    )


async def inspectie(
    broker: TestKafkaBroker, inspectie_id: str, kvk: str, op: str, *bevindingen: dict[str, Any]
) -> None:
    data = {
        "inspectie_id": inspectie_id,
        "werkgever": {"kvk_nummer": kvk},
        "uitgevoerd_op": op,
        "bevindingen": bevindingen,
    }
    await stuur(broker, IN_INSPECTIE, "nl.waardigwerk.inspectie.uitgevoerd", data, "urn:nld:arbeidsinspectie:veld")


def wml_bevinding(betaald: str, van: str = "2026-03-01", tot: str = "2026-04-30", uren: str = "352") -> dict[str, Any]:
    regel = {
        "werknemer_ref": "W-001",
        "periode_van": van,
        "periode_tot": tot,
        "gewerkte_uren": uren,
        "betaald_bruto_eur": betaald,
        "leeftijd": 34,
    }
    return {"wet": "WML", "code": "WML-ONDERBETALING", "onderbetaling": [regel]}


async def uitgaand(service: Service) -> list[tuple[str, dict[str, Any]]]:
    rows = await service.pool.fetch("SELECT event_type, value FROM outbox ORDER BY id")
    return [(r["event_type"], json.loads(r["value"])) for r in rows]


@pytest.mark.parametrize(
    ("werknemers", "verwacht"),
    [(None, "150.00"), (4, "150.00"), (299, "1275.00"), (500, "1500.00")],
)
async def test_defect_7_the_payroll_headcount_scales_the_arbowet_fine(
    service: Service, werknemers: int | None, verwacht: str
) -> None:
    """Defect 7: 2 involved at a 300-employee firm is 1500 x 85 % = 1275, not the 10 % of 2 people (BWBR0032326)."""
    async with TestKafkaBroker(service.broker) as broker:
        if werknemers is not None:
            await loonaangifte(broker, "70000001", werknemers, 0)
            await loonaangifte(broker, "70000001", 3, 0, tijdvak="2026-01")  # an older month sent late: ignored
        await inspectie(
            broker, "INS-7", "70000001", "2026-05-12", {"wet": "Arbowet", "code": "ARBO-X", "aantal_betrokkenen": 2}
        )
    boetes = [d for t, d in await uitgaand(service) if t == h.BOETE_OPGELEGD]
    assert [b["bedrag_eur"] for b in boetes] == [float(verwacht)]  # amounts are JSON numbers


async def test_defect_9_an_unknown_wml_rate_leaves_only_the_wml_fine_undecided(service: Service) -> None:
    """Defect 9: the inspection is decided (afgerond, Arbowet stoppage and fine); the WML fine is niet_beoordeeld."""
    async with TestKafkaBroker(service.broker) as broker:
        await inspectie(
            broker,
            "INS-9",
            "70000009",
            "2026-07-20",
            wml_bevinding("1000.00", van="2026-06-01", tot="2026-07-10", uren="200"),
            {"wet": "Arbowet", "code": "ARBO-VALGEVAAR", "ernstig_gevaar": True},
        )
    events = await uitgaand(service)
    afgerond = [d for t, d in events if t == h.AFGEROND]
    assert len(afgerond) == 1, [t for t, _ in events]
    [niet] = afgerond[0]["niet_beoordeeld"]
    assert (niet["wet"], niet["code"], niet["regel"]) == ("WML", "WML-ONDERBETALING", "BOETE-WML")
    assert "2026-07-01" in niet["reden"]
    assert [d["wet"] for t, d in events if t == h.STILLEGGING] == ["Arbowet"]
    assert [d["wet"] for t, d in events if t == h.BOETE_OPGELEGD] == ["Arbowet"]


async def test_a_marked_wml_finding_without_a_known_rate_lists_the_stoppage_as_not_judged(ser2025: Service) -> None:
    """ser2025: June-July 2026, 352 h, EUR 500 paid, marked ernstig_gevaar. July's minimum wage is
    not published, so the stoppage test cannot be applied either: it was left out silently (no
    stoppage, only the fine in niet_beoordeeld); now `afgerond` lists the stoppage rule too."""
    bevinding = {**wml_bevinding("500.00", van="2026-06-01", tot="2026-07-31"), "ernstig_gevaar": True}
    async with TestKafkaBroker(ser2025.broker) as broker:
        await inspectie(broker, "INS-4", "70000004", "2026-08-12", bevinding)
    events = await uitgaand(ser2025)
    [afgerond] = [d for t, d in events if t == h.AFGEROND]
    regels = [(n["wet"], n["code"], n["regel"]) for n in afgerond["niet_beoordeeld"]]
    assert regels == [("WML", "WML-ONDERBETALING", "BOETE-WML"), ("WML", "WML-ONDERBETALING", "STIL-ERNSTIG-GEVAAR")]
    assert all("2026-07-01" in n["reden"] for n in afgerond["niet_beoordeeld"])
    assert [t for t, _ in events if t in (h.STILLEGGING, h.BOETE_OPGELEGD)] == []


async def test_defect_6_a_lapsed_fine_takes_its_warning_and_grounds_no_stoppage(ser2025: Service) -> None:
    """Defect 6 (ser2025): fine held, back pay proven in time, fine lapses; a repeat later is no repeat offence."""
    async with TestKafkaBroker(ser2025.broker) as broker:
        await inspectie(broker, "INS-6A", "70000006", "2026-05-12", wml_bevinding("3800.00"))
        proof = {
            "inspectie_id": "INS-6A",
            "werkgever": {"kvk_nummer": "70000006"},
            "bedrag_eur": "1792.15",
            "betaald_op": "2026-05-12",  # the day it is received
        }
        await stuur(
            broker, IN_INSPECTIE, "nl.waardigwerk.inspectie.betaalbewijs", proof, "urn:nld:arbeidsinspectie:veld"
        )
        await inspectie(broker, "INS-6B", "70000006", "2026-06-01", wml_bevinding("3800.00"))
    events = await uitgaand(ser2025)
    assert [d["boete_id"] for t, d in events if t == h.BOETE_VERVALLEN] == ["B-INS-6A-1"]
    ingetrokken = await ser2025.pool.fetchval("SELECT ingetrokken_op FROM waarschuwing WHERE boete_id = 'B-INS-6A-1'")
    assert ingetrokken == date(2026, 5, 12)
    assert [d for t, d in events if t == h.STILLEGGING and d["grond"] == "herhaling"] == []


async def test_defect_12_an_unlawful_housing_deduction_is_not_counted_as_paid(service: Service) -> None:
    """Defect 12: HUIS-005 broken (no authorisation), EUR 300 a month for W-001 from 2026-03-01: 600 of the
    4000 paid does not count, so 34.3 % instead of 22.7 % underpaid: EUR 3000 instead of 2000."""
    gecontroleerd = {
        "contract_referentie": "HC-12",
        "werkgever": {"kvk_nummer": "70000012"},
        "oordeel": "tekortkomingen",
        "peildatum": "2026-05-01",
        "onrechtmatige_inhouding": {
            "werknemer_ref": "W-001",
            "van": "2026-03-01",
            "tot": None,
            "per_maand_eur": 300,
            "voorwaarden_voldaan": False,
            "uren_per_week": 40,
            "leeftijd": None,
        },
    }
    async with TestKafkaBroker(service.broker) as broker:
        await huisvesting_gecontroleerd(broker, gecontroleerd)
        await inspectie(broker, "INS-12", "70000012", "2026-05-12", wml_bevinding("4000.00"))
    [boete] = [d for t, d in await uitgaand(service) if t == h.BOETE_OPGELEGD]
    stappen = {s["stap"]: s["waarde"] for s in boete["berekening"]}
    assert (stappen["BOETE-WML-INHOUDING"], boete["bedrag_eur"]) == (600.0, 3000.0)


async def test_a_stoppage_after_an_inspection_planned_on_housing_signals_names_no_housing_address(
    service: Service,
) -> None:
    """A payroll return below the WML (25) and housing checks with shortcomings (15 each) plan an
    inspection. The housing address chooses the region, but it is where the workers live, not where
    they work: it is no werklocatie, so a stoppage after a visit that reports none names none (the
    contract sends a stoppage to the municipality of its work location)."""
    kvk = next(k for k in (f"7500{n:04d}" for n in range(100)) if not h.steekproef(k, NU.date(), 10))
    woning = {"postcode": "2671AB", "huisnummer": "40", "gemeentecode": "GM1783"}
    async with TestKafkaBroker(service.broker) as broker:
        await loonaangifte(broker, kvk, 8, 2)
        for referentie in ("HC-51", "HC-52"):  # the second crosses the threshold
            gecontroleerd = {
                "contract_referentie": referentie,
                "werkgever": {"kvk_nummer": kvk},
                "adres": woning,
                "oordeel": "tekortkomingen",
                "peildatum": "2026-05-01",
            }
            await huisvesting_gecontroleerd(broker, gecontroleerd)
        [gepland] = [d for t, d in await uitgaand(service) if t == h.GEPLAND]
        assert (gepland["werklocatie"], gepland["regio"]) == (None, regio_voor("GM1783", NU.date(), service.policy))
        arbo = {"wet": "Arbowet", "code": "ARBO-VALGEVAAR", "ernstig_gevaar": True}
        await inspectie(broker, gepland["inspectie_id"], kvk, "2026-05-14", arbo)
    [stil] = [d for t, d in await uitgaand(service) if t == h.STILLEGGING]
    assert stil["werklocatie"] is None


@pytest.mark.parametrize(("uitzend", "gepland"), [(None, False), (False, False), (True, True)])
async def test_ser_4_1_an_agency_crosses_the_threshold_with_its_explained_line(
    service: Service, uitzend: bool | None, gepland: bool
) -> None:
    """SER §4.1: 2 of 8 below the WML is a full-strength signal of 25 (< 45); doubled for an agency: 50."""
    kvk = next(k for k in (f"7100{n:04d}" for n in range(100)) if not h.steekproef(k, NU.date(), 10))
    extra = {} if uitzend is None else {"is_uitzendonderneming": uitzend}
    async with TestKafkaBroker(service.broker) as broker:
        await loonaangifte(broker, kvk, 8, 2, **extra)
    plannen = [d for t, d in await uitgaand(service) if t == h.GEPLAND]
    assert bool(plannen) == gepland
    if plannen:
        onderdelen = {o["signaal"]: o for o in plannen[0]["risico"]["onderdelen"]}
        assert (onderdelen["uitzendonderneming"]["bijdrage"], plannen[0]["risico"]["score"]) == (25.0, 50.0)


async def signalen(service: Service, kvk: str) -> list[str]:
    rows = await service.pool.fetch("SELECT soort FROM signaal WHERE werkgever_kvk = $1 ORDER BY soort", kvk)
    return [r["soort"] for r in rows]


async def test_rec_5_and_7_admissions_and_postings_become_signals_of_the_employer(service: Service) -> None:
    """Rec. 5: withdrawn admission (2027) and an agency with none known; rec. 7: a notice after the work started."""
    service.clock.apply(datetime(2027, 3, 1, 9, 0, tzinfo=AMSTERDAM))
    async with TestKafkaBroker(service.broker) as broker:
        ingetrokken = {"uitlener": {"kvk_nummer": "72000001"}, "besluit": "ingetrokken", "besluit_op": "2027-02-01"}
        await stuur(broker, IN_NAU, "nl.waardigwerk.nau.toelating", ingetrokken, "urn:nld:nau:toelating")
        oud = {"uitlener": {"kvk_nummer": "72000001"}, "besluit": "verleend", "besluit_op": "2027-01-10"}
        await stuur(broker, IN_NAU, "nl.waardigwerk.nau.toelating", oud, "urn:nld:nau:toelating")  # older: no effect
        await loonaangifte(broker, "72000002", 8, 0, is_uitzendonderneming=True)
        await loonaangifte(broker, "72000003", 8, 0, is_uitzendonderneming=False)
        detachering = {
            "melding_id": "WAGWEU-1",
            "opdrachtgever": {"kvk_nummer": "72000004"},
            "aanvang_op": "2027-02-01",
            "gemeld_op": "2027-02-03",
            "werknemers": [{"werknemer_ref": "P-1", "a1_afgegeven_op": "2026-09-01"}],
        }
        await stuur(
            broker, IN_MELDLOKET, "nl.waardigwerk.meldloket.detachering", detachering, "urn:nld:meldloket:wagweu"
        )
    assert await signalen(service, "72000001") == ["wtta_zonder_toelating"]
    assert (await service.pool.fetchval("SELECT besluit FROM wtta_toelating WHERE uitlener_kvk = '72000001'")) == (
        "ingetrokken"
    )
    assert await signalen(service, "72000002") == ["wtta_zonder_toelating"]
    assert await signalen(service, "72000003") == []
    assert await signalen(service, "72000004") == ["detachering_te_laat_gemeld"]
