"""Canary: a marked personal value in every inbound event type never reaches a partner feed (where
no policy allows it), a DLQ header or a log line. Person identifiers are pseudonymised per
recipient; a BSN stays in loonvordering's vault."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tools.partner import Partner

pytestmark = pytest.mark.stack
DIENSTEN = ["melding", "inspectie", "loonvordering", "huisvesting"]
BSN = "111222333"  # passes the 11-test


async def test_marked_personal_values_never_leak(stack_env: dict[str, str]) -> None:
    mark = f"CANARY{uuid.uuid4().hex[:10].upper()}"
    kvk = "7" + uuid.uuid4().int.__str__()[:7]
    adres = {"postcode": "2671AB", "huisnummer": "41", "gemeentecode": "GM1783"}
    inbound = [
        (
            "waardigwerk.in.meldingen",
            "nl.waardigwerk.melding.ingediend",
            {
                "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": f"R-{kvk}"},
                "werkgever": {"kvk_nummer": kvk, "naam": f"Naam {mark}"},
                "categorieen": ["onderbetaling"],
                "omschrijving": f"Werknemer {mark} met BSN {BSN} meldt onderbetaling.",
            },
        ),
        (
            "waardigwerk.in.gemeente",
            "nl.waardigwerk.gemeente.signaal",
            {
                "signaal": "overbewoning",
                "adres": adres,
                "werkgever": {"kvk_nummer": kvk},
                "aantal_personen": 12,
                "toelichting": f"Bewoner {mark}",
                "vastgesteld_op": "2026-06-10",
            },
        ),
        (
            "waardigwerk.in.belastingdienst",
            "nl.waardigwerk.belastingdienst.loonaangifte",
            {
                "werkgever": {"kvk_nummer": kvk},
                "tijdvak": "2026-05",
                "aantal_werknemers": 10,
                "aantal_onder_minimumloon": 4,
            },
        ),
        (
            "waardigwerk.in.nau",
            "nl.waardigwerk.nau.toelating",
            {
                "uitlener": {"kvk_nummer": kvk},
                "besluit": "ingetrokken",
                "besluit_op": "2026-06-01",
                "toelichting": f"Bestuurder {mark}",
            },
        ),
        (
            "waardigwerk.in.meldloket",
            "nl.waardigwerk.meldloket.detachering",
            {
                "melding_id": f"WAGWEU-{kvk}",
                "dienstverrichter_naam": f"Dienstverrichter {mark}",
                "opdrachtgever": {"kvk_nummer": kvk},
                "aanvang_op": "2026-06-01",
                "gemeld_op": "2026-06-03",
                "werknemers": [{"werknemer_ref": mark, "a1_afgegeven_op": "2024-01-15"}],
            },
        ),
        (
            "waardigwerk.in.loonvorderingen",
            "nl.waardigwerk.loonvordering.ingediend",
            {
                "indiener": {"organisatie": "fnv", "referentie": f"LV-{kvk}"},
                "werknemer": {"werknemer_ref": mark, "bsn": BSN, "leeftijd": 30},
                "werkgever": {"kvk_nummer": kvk},
                "keten": [],
                "periode_van": "2026-03-02",
                "periode_tot": "2026-03-27",
                "gewerkte_uren": 160,
                "betaald_bruto_eur": 1500.00,
            },
        ),
        (
            "waardigwerk.in.huurcontracten",
            "nl.waardigwerk.huurcontract.aangeboden",
            {
                "contract_referentie": f"HC-{uuid.uuid4().hex[:6]}",
                "verhuurder": {"kvk_nummer": kvk, "is_werkgever": True},
                "werkgever": {"kvk_nummer": kvk},
                "huurder": {"werknemer_ref": mark},
                "adres": adres,
                "ingangsdatum": "2026-03-01",
            },
        ),
        (
            "waardigwerk.in.inspectie",
            "nl.waardigwerk.inspectie.uitgevoerd",
            {
                "inspectie_id": f"INS-{kvk}",
                "werkgever": {"kvk_nummer": kvk},
                "uitgevoerd_op": "2026-06-01",
                "bevindingen": [
                    {
                        "wet": "WML",
                        "code": "WML-ONDERBETALING",
                        "omschrijving": f"Loonstrook {mark}",
                        "onderbetaling": [
                            {
                                "werknemer_ref": mark,
                                "periode_van": "2026-03-02",
                                "periode_tot": "2026-03-27",
                                "gewerkte_uren": 160,
                                "betaald_bruto_eur": 1500.00,
                                "leeftijd": 30,
                            }
                        ],
                    }
                ],
            },
        ),
    ]
    # (references are the partners' own identifiers and go back to them: they carry no mark)
    # the same values in records that are rejected: they go to the DLQ, but never into its headers
    bad = [(topic, ce_type, {**data, "onbekend_veld": mark}) for topic, ce_type, data in inbound]
    partner_topics = [
        "waardigwerk.uit.melder.fnv",
        "waardigwerk.uit.arbeidsinspectie",
        "waardigwerk.uit.belastingdienst",
        "waardigwerk.uit.indiener.fnv",
        "waardigwerk.uit.gemeente.GM1783",
    ]
    dlqs = sorted({f"{topic}.dlq" for topic, _, _ in inbound})
    async with Partner(stack_env["KAFKA_BOOTSTRAP_SERVERS"], [*partner_topics, *dlqs, "waardigwerk.test.klok"]) as p:
        await p.set_clock("2026-06-15T10:00:00+02:00", DIENSTEN)
        for topic, ce_type, data in [*inbound, *bad]:
            await p.publish(topic, ce_type, data, key=mark, source="urn:nld:test:canary")
        await p.expect(
            "waardigwerk.uit.indiener.fnv",
            "nl.waardigwerk.loonvordering.vastgesteld",
            lambda d: d.get("indiener_referentie") == f"LV-{kvk}",
        )
        await p.expect(
            "waardigwerk.uit.arbeidsinspectie",
            "nl.waardigwerk.inspectie.boete_opgelegd",
            lambda d: d.get("inspectie_id") == f"INS-{kvk}",
        )
        await p.settle(5)
        partner = [e for e in p.received if e.topic in partner_topics]
        dead = [e for e in p.received if e.topic.endswith(".dlq")]
    assert partner, "the flows ran"
    assert len([e for e in dead if mark.encode() in (e.value or b"")]) >= len(bad), "the raw bad records are kept"
    for e in partner:
        blob = (e.value or b"").decode() + str(e.headers) + (e.key or "")
        assert mark not in blob and BSN not in blob, (e.topic, e.type)
    for e in dead:
        assert mark not in str({k: v for k, v in e.headers.items() if k.startswith("dlq_")}), e.headers
        assert BSN not in str(e.headers)
    logs = Path(stack_env.get("WAARDIGWERK_STACK_DIR", ".stack")) / "logs"
    for log in sorted(logs.glob("*.log")):
        text = log.read_text(errors="replace")
        assert mark not in text and BSN not in text, f"{log.name} logs a personal value"
