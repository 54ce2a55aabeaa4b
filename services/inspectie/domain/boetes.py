"""Fines per finding, by policy, each with its computation line by line (domain-rules §5).

`huidig`: amounts by law and severity, with the headcount correction where the law has one.
`ser2025`: the same amount times a factor for the employer's turnover (as reported by the tax
office), capped; with no known turnover the factor is 1.0 and the computation says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.policy import Policy

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Onderbetaling:
    werknemer_ref: str
    periode_van: date
    periode_tot: date
    gewerkte_uren: Decimal
    betaald_bruto_eur: Decimal
    leeftijd: int | None = None


@dataclass(frozen=True)
class Boete:
    wet: str
    code: str
    bedrag_eur: Decimal
    berekening: tuple[dict[str, Any], ...]
    beleid: str
    werknemer_ref: str | None = None
    verschuldigd_eur: Decimal = Decimal(0)  # back wages owed (WML), for the back-pay window
    onderbetaald_pct: Decimal = Decimal(0)


@dataclass
class _Regels:
    regels: list[dict[str, Any]] = field(default_factory=list)

    def add(self, stap: str, waarde: Any) -> None:
        self.regels.append({"stap": stap, "waarde": waarde})


def cent(bedrag: Decimal) -> Decimal:
    return bedrag.quantize(CENT, rounding=ROUND_HALF_UP)


def uurloon(leeftijd: int | None, op: date, policy: Policy) -> Decimal:
    volwassen = policy.decimal("wml_uurloon_21plus", op)
    if leeftijd is None or leeftijd >= 21:
        return volwassen
    pct = Decimal(str(policy.value("wml_jeugd_pct", op)[str(max(15, leeftijd))]))
    return cent(volwassen * pct / 100)


def maanden(van: date, tot: date) -> Decimal:
    """Length of a period in calendar months: whole months, then the rest of the days / 30."""
    einde = tot + timedelta(days=1)
    hele = (einde.year - van.year) * 12 + (einde.month - van.month)
    if einde.day < van.day:
        hele -= 1
    jaar, maand = divmod(van.month - 1 + hele, 12)
    try:
        na_hele = date(van.year + jaar, maand + 1, van.day)
    except ValueError:  # e.g. the 31st in a shorter month
        na_hele = date(van.year + jaar, maand + 2, 1) if maand < 11 else date(van.year + jaar + 1, 1, 1)
    return Decimal(hele) + Decimal((einde - na_hele).days) / 30


def _index(waarde: Decimal, grenzen: list[Any], inclusief_boven: bool) -> int:
    for i, grens in enumerate(grenzen):
        if (waarde <= Decimal(str(grens))) if inclusief_boven else (waarde < Decimal(str(grens))):
            return i
    return len(grenzen)


def wml_boete(o: Onderbetaling, op: date, policy: Policy) -> Boete:
    """Beleidsregel WML 2018: by underpaid % (wage part only) and months underpaid, per worker."""
    tabel = policy.value("wml_boete_tabel", op)
    r = _Regels()
    tarief = uurloon(o.leeftijd, o.periode_van, policy)
    verschuldigd = cent(o.gewerkte_uren * tarief)
    tekort = max(Decimal(0), verschuldigd - o.betaald_bruto_eur)
    r.add(f"WML-loon: {o.gewerkte_uren} uur x EUR {tarief} (uurloon op {o.periode_van})", verschuldigd)
    r.add("betaald bruto", o.betaald_bruto_eur)
    r.add("onderbetaling", tekort)
    pct = (tekort / verschuldigd * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if verschuldigd else Decimal(0)
    duur = maanden(o.periode_van, o.periode_tot).quantize(Decimal("0.01"))
    r.add("percentage onderbetaald (loon zonder vakantiebijslag)", pct)
    r.add(f"duur onderbetaling in maanden ({o.periode_van} t/m {o.periode_tot})", duur)
    if tekort < Decimal(str(tabel["ondergrens_onderbetaling_eur"])):
        bedrag = Decimal(str(tabel["bedrag_onder_ondergrens_eur"]))
        r.add(f"onderbetaling onder EUR {tabel['ondergrens_onderbetaling_eur']}: vast bedrag", bedrag)
    else:
        rij = _index(pct, tabel["pct_grenzen"], inclusief_boven=False)
        kolom = 0 if duur <= 1 else 1 + _index(duur, tabel["maand_grenzen"][1:], inclusief_boven=False)
        bedrag = Decimal(str(tabel["bedragen"][rij][kolom]))
        r.add(f"boetetabel rij {rij + 1}, kolom {kolom + 1}", bedrag)
    return Boete(
        "WML",
        "WML-ONDERBETALING",
        bedrag,
        tuple(r.regels),
        policy.version,
        o.werknemer_ref,
        verschuldigd_eur=tekort,
        onderbetaald_pct=pct,
    )


def arbo_boete(code: str, ernstig_gevaar: bool, betrokkenen: int, op: date, policy: Policy) -> Boete:
    bedragen = policy.value("arbo_boete_bedragen", op)
    categorie = int(policy.value("arbo_boete_categorie", op)["ernstig_gevaar" if ernstig_gevaar else "overig"])
    basis = Decimal(str(bedragen[categorie - 1]))
    schaal = min(
        Decimal(100), max(Decimal(10), Decimal(str(policy.value("arbo_schaal_pct_per_betrokkene", op))) * betrokkenen)
    )
    r = _Regels()
    r.add(f"categorie {categorie} ({'ernstig gevaar' if ernstig_gevaar else 'overige overtreding'})", basis)
    r.add(f"correctie voor {betrokkenen} betrokkenen", f"{schaal}%")
    bedrag = cent(basis * schaal / 100)
    r.add("boete", bedrag)
    return Boete("Arbowet", code, bedrag, tuple(r.regels), policy.version)


def vaste_boete(wet: str, code: str, betrokkenen: int, op: date, policy: Policy) -> Boete:
    r = _Regels()
    if wet == "Wav":
        per = Decimal(str(policy.value("wav_boete_per_werknemer_eur", op)))
        bedrag = per * betrokkenen
        r.add(f"Wav: EUR {per} x {betrokkenen} werknemers", bedrag)
    else:
        bedrag = Decimal(str(policy.value("boete_standaard_per_wet_eur", op)[wet]))
        r.add(f"{wet}: standaardbedrag per bevinding", bedrag)
    return Boete(wet, code, bedrag, tuple(r.regels), policy.version)


def met_recidive_en_omzet(boete: Boete, eerdere: int, omzet_eur: Decimal | None, op: date, policy: Policy) -> Boete:
    """Repeat offence surcharge (art. 18f WML), then under ser2025 the turnover factor; then the cap."""
    r = _Regels(list(boete.berekening))
    bedrag = boete.bedrag_eur
    if eerdere:
        opslag = Decimal(str(policy.value("recidive_opslag_pct", op)["een" if eerdere == 1 else "meer"]))
        bedrag = bedrag * (1 + opslag / 100)
        r.add(f"recidive: {eerdere} eerdere definitieve boete(s), +{opslag}%", cent(bedrag))
    if policy.value("boete_omzet_koppeling", op):
        if omzet_eur is None:
            r.add("omzet onbekend bij de Belastingdienst: factor 1.0 (terugval)", cent(bedrag))
        else:
            factor = next(
                Decimal(str(b["factor"]))
                for b in policy.value("boete_omzet_banden", op)
                if b["tot_eur"] is None or omzet_eur < Decimal(str(b["tot_eur"]))
            )
            bedrag = bedrag * factor
            r.add(f"omzet EUR {omzet_eur}: factor {factor}", cent(bedrag))
    maximum = Decimal(str(policy.value("boete_maximum_eur", op)))
    if bedrag > maximum:
        bedrag = maximum
        r.add(f"gemaximeerd op EUR {maximum}", maximum)
    bedrag = cent(bedrag)
    r.add("boete", bedrag)
    return Boete(
        boete.wet,
        boete.code,
        bedrag,
        tuple(r.regels),
        policy.version,
        boete.werknemer_ref,
        boete.verschuldigd_eur,
        boete.onderbetaald_pct,
    )
