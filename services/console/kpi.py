"""The SER's key figures (recommendation 2) for one calendar year, from counts of the read model.

Pure: the counts come from `vragen.kerncijfer_tellingen` (one query over the event log), the
baselines and the target from policy data (`policy/huidig/kpi.yaml`).

- Intervention coverage: of the employers named by a risk-signal event in the year
  (`SIGNAAL_TYPEN`), the share also named by an `inspectie.afgerond` (an inspection carried out)
  in that year. No employer with a signal: no percentage (None), not 0 %.
- Stoppages: `inspectie.stillegging_bevolen` in the year.
- Warnings: fines of the year for a law with the warning regime (`stillegging_herhaling_wetten`)
  whose fine has not lapsed; a lapsed fine withdraws its warning, as the inspection service does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# Events that say an employer has a risk signal (the console sees the domain events, not the
# partners' inbound ones; an inbound signal shows as the inspection planned, or short of capacity, on it).
SIGNAAL_TYPEN = (
    "nl.waardigwerk.melding.ontvangen",
    "nl.waardigwerk.huisvesting.gecontroleerd",
    "nl.waardigwerk.loonvordering.vastgesteld",
    "nl.waardigwerk.loonvordering.keteninformatie_te_laat",
    "nl.waardigwerk.inspectie.gepland",
    "nl.waardigwerk.inspectie.herpland",
    "nl.waardigwerk.inspectie.capaciteitstekort",
)
INSPECTIE_UITGEVOERD = "nl.waardigwerk.inspectie.afgerond"
STILLEGGING = "nl.waardigwerk.inspectie.stillegging_bevolen"
BOETE_OPGELEGD = "nl.waardigwerk.inspectie.boete_opgelegd"
BOETE_VERVALLEN = "nl.waardigwerk.inspectie.boete_vervallen"

DEKKING_UITLEG = (
    "werkgevers met een risicosignaal dit jaar die dit jaar ook een uitgevoerde inspectie hadden, "
    "gedeeld door alle werkgevers met een risicosignaal dit jaar"
)


@dataclass(frozen=True)
class Tellingen:
    jaar: int
    werkgevers_met_signaal: int
    waarvan_geinspecteerd: int
    stilleggingen: int
    boetes_per_wet: Mapping[str, int]  # fines of the year that have not lapsed, per law


def _pct(teller: int, noemer: int) -> Decimal | None:
    if noemer == 0:
        return None
    return (Decimal(100) * teller / noemer).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _gehaald(teller: int, noemer: int, grens_pct: Decimal) -> bool | None:
    """Judged on the exact share, not the rounded one: 4.95 % shows as 5.0 % but misses a 5 % target."""
    return None if noemer == 0 else Decimal(100) * teller >= grens_pct * noemer


def _tegen_nulmeting(aantal: int, nulmeting: int, nulmeting_jaar: int) -> dict[str, Any]:
    return {
        "aantal": aantal,
        "nulmeting": nulmeting,
        "nulmeting_jaar": nulmeting_jaar,
        "verschil": aantal - nulmeting,
        "nulmeting_bereikt": aantal >= nulmeting,
    }


def kerncijfers(
    t: Tellingen,
    dekking_norm: Mapping[str, Any],
    sancties_norm: Mapping[str, Any],
    waarschuwing_wetten: Collection[str],
    beleid: str,
) -> dict[str, Any]:
    """The key figures with their baselines; `beleid` names the policy version they were judged by."""
    pct = _pct(t.waarvan_geinspecteerd, t.werkgevers_met_signaal)
    nulmeting, doel = Decimal(str(dekking_norm["nulmeting_onder"])), Decimal(str(dekking_norm["doel"]))
    waarschuwingen = sum(n for wet, n in t.boetes_per_wet.items() if wet in waarschuwing_wetten)
    return {
        "jaar": t.jaar,
        "interventiedekking": {
            "geinspecteerd": t.waarvan_geinspecteerd,
            "met_signaal": t.werkgevers_met_signaal,
            "pct": pct,
            "nulmeting_onder_pct": nulmeting,
            "nulmeting_jaar": int(dekking_norm["nulmeting_jaar"]),
            "doel_pct": doel,
            "nulmeting_bereikt": _gehaald(t.waarvan_geinspecteerd, t.werkgevers_met_signaal, nulmeting),
            "doel_bereikt": _gehaald(t.waarvan_geinspecteerd, t.werkgevers_met_signaal, doel),
            "uitleg": DEKKING_UITLEG,
        },
        "stilleggingen": _tegen_nulmeting(
            t.stilleggingen, int(sancties_norm["stilleggingen"]), int(sancties_norm["nulmeting_jaar"])
        ),
        "waarschuwingen": _tegen_nulmeting(
            waarschuwingen, int(sancties_norm["waarschuwingen"]), int(sancties_norm["nulmeting_jaar"])
        ),
        "beleid": beleid,
    }
