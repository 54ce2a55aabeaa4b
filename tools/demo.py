"""`make demo`: replay a realistic morning of partner traffic through the contract and summarise
what waardigwerk made of it (cases, deadlines, plans, claims, housing checks, fines).

Everything goes in through the inbound topics and is read back from the partner topics, exactly
as the partner systems would see it. The stack keeps running afterwards for exploration.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tools.partner import Partner
from tools.stackenv import client_options, stack_env
from tools.voorbeelden import goed_huurcontract, huurcontract

FNV, CNV = "urn:nld:vakbond:fnv:meldpunt", "urn:nld:vakbond:cnv:meldpunt"
WESTLAND = {"postcode": "2671AB", "huisnummer": "12", "gemeentecode": "GM1783"}
ROTTERDAM = {"postcode": "3011AA", "huisnummer": "5", "gemeentecode": "GM0599"}
AMSTERDAM = {"postcode": "1012AB", "huisnummer": "20", "gemeentecode": "GM0363"}
DEN_HAAG = {"postcode": "2511AA", "huisnummer": "7", "gemeentecode": "GM0518"}
WERKGEVERS = {
    "Kas Westland BV": ("31000001", WESTLAND),
    "Flex Staffing BV": ("31000002", ROTTERDAM),
    "Distributiecentrum Noord BV": ("31000003", AMSTERDAM),
    "Vleesverwerking Zuid BV": ("31000004", DEN_HAAG),
    "Bouwcombinatie Haven BV": ("31000005", ROTTERDAM),
    "Champignonkwekerij Oost BV": ("31000006", WESTLAND),
}
PARTNER_TOPICS = [
    "waardigwerk.uit.melder.fnv",
    "waardigwerk.uit.melder.cnv",
    "waardigwerk.uit.melder.or-31000003",
    "waardigwerk.uit.arbeidsinspectie",
    "waardigwerk.uit.belastingdienst",
    "waardigwerk.uit.indiener.fnv",
    "waardigwerk.uit.gemeente.GM1783",
    "waardigwerk.uit.gemeente.GM0599",
    "waardigwerk.uit.gemeente.GM0363",
    "waardigwerk.uit.gemeente.GM0518",
]


def melding(
    org: str, soort: str, ref: str, werkgever: str, categorieen: list[str], tekst: str, n: int
) -> dict[str, Any]:
    kvk, locatie = WERKGEVERS[werkgever]
    return {
        "melder": {"soort": soort, "organisatie": org, "referentie": ref},
        "werkgever": {"kvk_nummer": kvk, "naam": werkgever},
        "werklocatie": locatie,
        "categorieen": categorieen,
        "aantal_betrokkenen": n,
        "omschrijving": tekst,
    }


def events() -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(topic, type, source, key, data) in the order partners send them."""
    m = "waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend"
    out: list[tuple[str, str, str, str, dict[str, Any]]] = []
    meldingen = [
        (
            "fnv",
            "vakbond",
            FNV,
            "FNV-DEMO-001",
            "Kas Westland BV",
            ["onderbetaling", "arbeidstijden"],
            "Uitzendkrachten werken 60 uur per week onder het minimumloon.",
            14,
        ),
        (
            "cnv",
            "vakbond",
            CNV,
            "CNV-DEMO-001",
            "Kas Westland BV",
            ["onderbetaling"],
            "Loonstroken tonen inhoudingen voor huisvesting boven wat mag.",
            9,
        ),
        (
            "fnv",
            "vakbond",
            FNV,
            "FNV-DEMO-002",
            "Flex Staffing BV",
            ["huisvesting", "schijnconstructie"],
            "Acht mensen in een woning van 60 m2, huur ingehouden op het loon.",
            8,
        ),
        (
            "or-31000003",
            "ondernemingsraad",
            "urn:nld:ondernemingsraad:kvk-31000003",
            "OR-DEMO-001",
            "Distributiecentrum Noord BV",
            ["arbeidstijden", "onveilig_werk"],
            "Nachtdiensten van 12 uur zonder pauze.",
            40,
        ),
        (
            "cnv",
            "vakbond",
            CNV,
            "CNV-DEMO-002",
            "Vleesverwerking Zuid BV",
            ["onveilig_werk", "intimidatie"],
            "Snijlijn zonder afscherming; klagers worden bedreigd met ontslag.",
            25,
        ),
        (
            "fnv",
            "vakbond",
            FNV,
            "FNV-DEMO-003",
            "Bouwcombinatie Haven BV",
            ["illegale_tewerkstelling"],
            "Werknemers zonder tewerkstellingsvergunning op de bouwplaats.",
            6,
        ),
        (
            "fnv",
            "vakbond",
            FNV,
            "FNV-DEMO-004",
            "Champignonkwekerij Oost BV",
            ["onderbetaling"],
            "Stukloon dat ver onder het minimumloon uitkomt.",
            18,
        ),
    ]
    for org, soort, source, ref, werkgever, cats, tekst, n in meldingen:
        out.append((*m, source, ref, melding(org, soort, ref, werkgever, cats, tekst, n)))
    out.append(
        (
            *m,
            FNV,
            "FNV-DEMO-005",
            {
                "melder": {"soort": "vakbond", "organisatie": "fnv", "referentie": "FNV-DEMO-005"},
                "categorieen": ["onbekend"],
                "omschrijving": "Werkgever onbekend.",
            },
        )
    )
    gemeente = "waardigwerk.in.gemeente", "nl.waardigwerk.gemeente.signaal"
    for code, signaal, werkgever, n in [
        ("GM1783", "overbewoning", "Kas Westland BV", 11),
        ("GM0599", "niet_ingeschreven_brp", "Flex Staffing BV", 8),
        ("GM0599", "huisvestingsklacht", "Flex Staffing BV", 3),
        ("GM0518", "overbewoning", "Vleesverwerking Zuid BV", 9),
    ]:
        kvk, locatie = WERKGEVERS[werkgever]
        out.append(
            (
                *gemeente,
                f"urn:nld:gemeente:{code}:toezicht",
                locatie["postcode"],
                {
                    "signaal": signaal,
                    "adres": {**locatie, "huisnummer": "40"},
                    "werkgever": {"kvk_nummer": kvk},
                    "aantal_personen": n,
                    "vastgesteld_op": "2026-11-20",
                },
            )
        )
    bd = "waardigwerk.in.belastingdienst"
    for werkgever, onder in [("Kas Westland BV", 12), ("Champignonkwekerij Oost BV", 15), ("Flex Staffing BV", 4)]:
        kvk = WERKGEVERS[werkgever][0]
        out.append(
            (
                bd,
                "nl.waardigwerk.belastingdienst.loonaangifte",
                "urn:nld:belastingdienst:loonaangifte",
                kvk,
                {
                    "werkgever": {"kvk_nummer": kvk},
                    "tijdvak": "2026-10",
                    "aantal_werknemers": 40,
                    "aantal_onder_minimumloon": onder,
                },
            )
        )
    for werkgever, omzet in [("Kas Westland BV", 8_500_000), ("Vleesverwerking Zuid BV", 62_000_000)]:
        kvk = WERKGEVERS[werkgever][0]
        out.append(
            (
                bd,
                "nl.waardigwerk.belastingdienst.omzet",
                "urn:nld:belastingdienst:omzet",
                kvk,
                {"werkgever": {"kvk_nummer": kvk}, "boekjaar": 2025, "omzet_eur": omzet},
            )
        )
    claim = "waardigwerk.in.loonvorderingen", "nl.waardigwerk.loonvordering.ingediend"
    out.append(
        (
            *claim,
            "urn:nld:vakbond:fnv:loonclaims",
            "FNV-LV-DEMO-01",
            {
                "indiener": {"organisatie": "fnv", "referentie": "FNV-LV-DEMO-01"},
                "werknemer": {"werknemer_ref": "W-DEMO-01", "leeftijd": 27, "eerste_tewerkstelling_in_nl": True},
                "werkgever": {"kvk_nummer": "31000002", "naam": "Flex Staffing BV", "is_uitzendonderneming": True},
                "keten": [
                    {"kvk_nummer": "31000001", "naam": "Kas Westland BV", "rol": "inlener", "keurmerk": False},
                    {
                        "kvk_nummer": "31000099",
                        "naam": "Retail Fresh NV",
                        "rol": "hoofdopdrachtgever",
                        "keurmerk": True,
                    },
                ],
                "periode_van": "2026-03-01",
                "periode_tot": "2026-04-30",
                "gewerkte_uren": 300,
                "betaald_bruto_eur": 2500.00,
                "seizoenswerk": False,
                "contract_duur_dagen": 61,
            },
        )
    )
    out.append(
        (
            *claim,
            "urn:nld:vakbond:fnv:loonclaims",
            "FNV-LV-DEMO-02",
            {
                "indiener": {"organisatie": "fnv", "referentie": "FNV-LV-DEMO-02"},
                "werknemer": {"werknemer_ref": "W-DEMO-02", "leeftijd": 34, "eerste_tewerkstelling_in_nl": False},
                "werkgever": {
                    "kvk_nummer": "31000006",
                    "naam": "Champignonkwekerij Oost BV",
                    "is_uitzendonderneming": False,
                },
                "keten": [],
                "periode_van": "2026-01-05",
                "periode_tot": "2026-01-30",
                "gewerkte_uren": 160,
                "betaald_bruto_eur": 1800.00,
                "seizoenswerk": False,
            },
        )
    )
    hc = "waardigwerk.in.huurcontracten", "nl.waardigwerk.huurcontract.aangeboden"
    out.append(
        (
            *hc,
            "urn:nld:gemeente:GM0599:huisvesting",
            "GM0599-HC-DEMO-1",
            huurcontract("GM0599-HC-DEMO-1", "31000002", {**ROTTERDAM, "huisnummer": "40"}),
        )
    )
    out.append(
        (
            *hc,
            "urn:nld:gemeente:GM0363:huisvesting",
            "GM0363-HC-DEMO-2",
            goed_huurcontract("GM0363-HC-DEMO-2", "31000003", {**AMSTERDAM, "huisnummer": "22"}),
        )
    )
    ins = "waardigwerk.in.inspectie"
    out.append(
        (
            ins,
            "nl.waardigwerk.inspectie.uitgevoerd",
            "urn:nld:arbeidsinspectie:veld",
            "INS-DEMO-VELD-1",
            {
                "inspectie_id": "INS-DEMO-VELD-1",
                "werkgever": {"kvk_nummer": "31000004"},
                "werklocatie": DEN_HAAG,
                "uitgevoerd_op": "2026-11-27",
                "bevindingen": [
                    {
                        "wet": "Arbowet",
                        "code": "ARBO-MACHINEVEILIGHEID",
                        "omschrijving": "Snijlijn zonder afscherming",
                        "aantal_betrokkenen": 25,
                        "ernstig_gevaar": True,
                    }
                ],
            },
        )
    )
    out.append(
        (
            ins,
            "nl.waardigwerk.inspectie.uitgevoerd",
            "urn:nld:arbeidsinspectie:veld",
            "INS-DEMO-VELD-2",
            {
                "inspectie_id": "INS-DEMO-VELD-2",
                "werkgever": {"kvk_nummer": "31000006"},
                "werklocatie": WESTLAND,
                "uitgevoerd_op": "2026-05-12",
                "bevindingen": [
                    {
                        "wet": "WML",
                        "code": "WML-ONDERBETALING",
                        "omschrijving": "Stukloon onder WML",
                        "aantal_betrokkenen": 1,
                        "ernstig_gevaar": False,
                        "onderbetaling": [
                            {
                                "werknemer_ref": "W-DEMO-06",
                                "periode_van": "2026-03-01",
                                "periode_tot": "2026-04-30",
                                "gewerkte_uren": 352,
                                "betaald_bruto_eur": 3800.00,
                                "leeftijd": 34,
                            }
                        ],
                    }
                ],
            },
        )
    )
    lv = "waardigwerk.in.loonvorderingen"
    vakbond = "urn:nld:vakbond:fnv:loonclaims"
    out += [
        (
            lv,
            "nl.waardigwerk.loonvordering.aanzegging",
            vakbond,
            "FNV-LV-DEMO-01",
            {"vordering_id": "FNV-LV-DEMO-01", "aan": {"kvk_nummer": "31000099"}, "op": "2026-05-02"},
        ),
        (
            lv,
            "nl.waardigwerk.loonvordering.keteninformatie_gevraagd",
            vakbond,
            "FNV-LV-DEMO-01",
            {
                "vordering_id": "FNV-LV-DEMO-01",
                "gevraagd_door": "vakbond",
                "aan": {"kvk_nummer": "31000099"},
                "gevraagd_op": "2026-05-02",
            },
        ),
        (
            lv,
            "nl.waardigwerk.loonvordering.partij_status",
            "urn:nld:curator:demo",
            "FNV-LV-DEMO-01",
            {
                "vordering_id": "FNV-LV-DEMO-01",
                "partij": {"kvk_nummer": "31000002"},
                "status": "failliet",
                "vastgesteld_op": "2026-06-30",
            },
        ),
        (
            lv,
            "nl.waardigwerk.loonvordering.betaling",
            "urn:nld:kvk:31000006:loonadministratie",
            "FNV-LV-DEMO-02",
            {
                "vordering_id": "FNV-LV-DEMO-02",
                "betaald_door": {"kvk_nummer": "31000006"},
                "bedrag_eur": 741.89,
                "betaald_op": "2026-11-20",
            },
        ),
        (
            "waardigwerk.in.inspectie",
            "nl.waardigwerk.inspectie.betaalbewijs",
            "urn:nld:arbeidsinspectie:veld",
            "INS-DEMO-VELD-2",
            {
                "inspectie_id": "INS-DEMO-VELD-2",
                "werkgever": {"kvk_nummer": "31000006"},
                "bedrag_eur": 1800.00,
                "betaald_op": "2026-05-20",
            },
        ),
    ]
    m = "waardigwerk.in.meldingen", "nl.waardigwerk.melding.ingediend"
    for i, (werkgever, cats) in enumerate(
        [
            ("Distributiecentrum Noord BV", ["arbeidstijden"]),
            ("Bouwcombinatie Haven BV", ["onveilig_werk", "illegale_tewerkstelling"]),
            ("Flex Staffing BV", ["onderbetaling", "huisvesting"]),
            ("Vleesverwerking Zuid BV", ["onderbetaling"]),
        ],
        1,
    ):
        out.append(
            (
                *m,
                "urn:nld:personeelsvertegenwoordiging:demo",
                f"PVT-DEMO-{i:03d}",
                melding(
                    f"pvt-demo-{i}",
                    "personeelsvertegenwoordiging",
                    f"PVT-DEMO-{i:03d}",
                    werkgever,
                    cats,
                    "Signalen uit de personeelsvertegenwoordiging.",
                    5 + i,
                ),
            )
        )
    for code, signaal, werkgever in [
        ("GM1783", "niet_ingeschreven_brp", "Champignonkwekerij Oost BV"),
        ("GM0363", "huisvestingsklacht", "Distributiecentrum Noord BV"),
    ]:
        kvk, locatie = WERKGEVERS[werkgever]
        out.append(
            (
                "waardigwerk.in.gemeente",
                "nl.waardigwerk.gemeente.signaal",
                f"urn:nld:gemeente:{code}:toezicht",
                locatie["postcode"],
                {
                    "signaal": signaal,
                    "adres": {**locatie, "huisnummer": "22"},
                    "werkgever": {"kvk_nummer": kvk},
                    "aantal_personen": 6,
                    "vastgesteld_op": "2026-11-24",
                },
            )
        )
    return out


async def main() -> None:
    env = stack_env()
    started = time.monotonic()
    async with Partner(env["KAFKA_BOOTSTRAP_SERVERS"], PARTNER_TOPICS, client_options(env)) as partner:
        todo = events()
        print(f"Replaying {len(todo)} partner events through the contract ...")
        for i, (topic, ce_type, source, key, data) in enumerate(todo, 1):
            await partner.publish(topic, ce_type, data, key=key, source=source)
            print(f"  [{i:2d}/{len(todo)}] {ce_type.removeprefix('nl.waardigwerk.'):34s} -> {topic}")
        print("Waiting for waardigwerk's answers on the partner topics ...")
        quiet_since, seen = time.monotonic(), 0
        while time.monotonic() - quiet_since < 4 and time.monotonic() - started < 90:
            await asyncio.sleep(0.5)
            if len(partner.received) != seen:
                seen, quiet_since = len(partner.received), time.monotonic()
                print(f"  {seen} partner events so far", end="\r", flush=True)
        summarise(partner, time.monotonic() - started)
    print(f"\nConsole:   {env.get('CONSOLE_URL', '(not running)')}")
    if env.get("CONSOLE_ADMIN_USER"):
        print(f"Login:     {env['CONSOLE_ADMIN_USER']} / {env.get('CONSOLE_ADMIN_PASSWORD', '')}")
    logs = Path(os.environ.get("WAARDIGWERK_STACK_DIR", ".stack")) / "logs"
    print(f"Logs:      {logs}/<service>.log      Stop the stack: make down")


def summarise(partner: Partner, seconds: float) -> None:
    by_type = Counter(e.type for e in partner.received)
    print(f"\n{len(partner.received)} partner events in {seconds:.1f} s:")
    for ce_type, n in sorted(by_type.items()):
        print(f"  {n:3d}  {ce_type}")
    print("\nCases and deadlines (reporter feeds):")
    for e in partner.received:
        if e.type == "nl.waardigwerk.melding.ontvangen":
            d = e.data
            linked = " (joined an existing case)" if d.get("gekoppeld") else ""
            print(
                f"  {d['melder_referentie']:14s} case {d['zaak_id']}  inspect by {d['uiterlijk_inspectie_op']}{linked}"
            )
        elif e.type == "nl.waardigwerk.melding.afgewezen":
            fouten = "; ".join(f["melding"] for f in e.data["fouten"])
            print(f"  {e.data.get('melder_referentie')!s:14s} REJECTED: {fouten}")
    print("\nInspections planned (inspectorate feed; the latest plan per inspection):")
    laatste = {
        e.data["inspectie_id"]: e
        for e in partner.matching("waardigwerk.uit.arbeidsinspectie")
        if e.type in ("nl.waardigwerk.inspectie.gepland", "nl.waardigwerk.inspectie.herpland")
    }
    for e in partner.matching("waardigwerk.uit.arbeidsinspectie"):
        d = e.data
        if e.type in ("nl.waardigwerk.inspectie.gepland", "nl.waardigwerk.inspectie.herpland"):
            if laatste.get(d["inspectie_id"]) is not e:
                continue
            print(
                f"  {d['inspectie_id']}  KvK {d['werkgever']['kvk_nummer']}  {d['gepland_op']}  {d['regio']:10s} "
                f"score {d['risico']['score']:>7}  scope {','.join(d['scope'])}"
            )
        elif e.type == "nl.waardigwerk.inspectie.boete_opgelegd":
            print(f"  fine  KvK {d['werkgever']['kvk_nummer']}  {d['wet']}  EUR {d['bedrag_eur']}")
        elif e.type == "nl.waardigwerk.inspectie.stillegging_bevolen":
            print(f"  STOP  KvK {d['werkgever']['kvk_nummer']}  {d.get('grond')}")
    print("\nBack-pay claims (union feed):")
    for e in partner.matching("waardigwerk.uit.indiener.fnv", "nl.waardigwerk.loonvordering.vastgesteld"):
        d = e.data
        liable = ", ".join(f"{a['kvk_nummer']} ({a['grond']})" for a in d["aansprakelijk"])
        print(f"  {d['indiener_referentie']}  EUR {d['bedrag_eur']}  liable: {liable}")
    print("\nHousing checks (municipal feeds):")
    for e in partner.received:
        if e.type == "nl.waardigwerk.huisvesting.gecontroleerd":
            d = e.data
            codes = ", ".join(b["code"] for b in d["bevindingen"])
            print(f"  {d['contract_referentie']}  {d['oordeel']}  {codes}")


if __name__ == "__main__":
    asyncio.run(main())
