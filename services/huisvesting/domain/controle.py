"""The check of one housing contract: every rule, one verdict (CONTRACT §3 `huisvesting.gecontroleerd`).

The verdict is `tekortkomingen` as soon as one breach (severity H or M) is found. Signals (S) are
listed but do not change it, and neither do rules that lack data: those are listed under
`niet_beoordeeld` with what they miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from services.huisvesting.domain.regels import REGELS
from services.huisvesting.domain.regels_loon import HUIS_005, onrechtmatige_inhouding
from services.huisvesting.domain.uitkomst import Bevinding, NietBeoordeeld, Uitkomst
from shared.contract.gemeente import AdresMetGemeente
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import Policy

Oordeel = Literal["in_orde", "tekortkomingen"]
BREUK: frozenset[str] = frozenset({"H", "M"})


@dataclass(frozen=True)
class Controle:
    contract_referentie: str
    adres: AdresMetGemeente
    werkgever_kvk: str | None
    peildatum: date
    oordeel: Oordeel
    bevindingen: tuple[Bevinding, ...]
    niet_beoordeeld: tuple[NietBeoordeeld, ...]
    uitkomsten: tuple[Uitkomst, ...]
    beleid: str
    onrechtmatige_inhouding: dict[str, Any] | None = None
    """A deduction that breaks HUIS-005, for the worker's wage computations (inspectie's WML fine)."""

    def als_data(self) -> dict[str, Any]:
        """The `huisvesting.gecontroleerd` data, JSON-native, plus the employer and the computation per rule."""
        data: dict[str, Any] = {
            "contract_referentie": self.contract_referentie,
            "adres": self.adres.model_dump(mode="json"),
            "oordeel": self.oordeel,
            "bevindingen": [
                {"code": b.code, "ernst": b.ernst, "grondslag": b.grondslag, "toelichting": b.toelichting}
                for b in self.bevindingen
            ],
            "niet_beoordeeld": [{"code": n.code, "ontbrekend": list(n.ontbrekend)} for n in self.niet_beoordeeld],
            "beleid": self.beleid,
            "peildatum": self.peildatum.isoformat(),
            "berekening": [
                {"stap": u.code, "omschrijving": s.omschrijving, "waarde": _json(s.waarde)}
                for u in self.uitkomsten
                for s in u.berekening
            ],
        }
        if self.werkgever_kvk is not None:
            data["werkgever"] = {"kvk_nummer": self.werkgever_kvk}
        if self.onrechtmatige_inhouding is not None:
            data["onrechtmatige_inhouding"] = {k: _json(v) for k, v in self.onrechtmatige_inhouding.items()}
        return data


def _json(waarde: object) -> object:
    if isinstance(waarde, Decimal):
        return int(waarde) if waarde == waarde.to_integral_value() else float(waarde)
    if isinstance(waarde, date):
        return waarde.isoformat()
    return waarde


def controleer(contract: HuurcontractAangeboden, peildatum: date, policy: Policy) -> Controle:
    """Run every rule on the contract as it stands on `peildatum`, under `policy`."""
    uitkomsten = tuple(regel(contract, peildatum, policy) for _, regel in REGELS)
    bevindingen = tuple(u for u in uitkomsten if isinstance(u, Bevinding))
    return Controle(
        contract_referentie=contract.contract_referentie,
        adres=contract.adres,
        werkgever_kvk=contract.werkgever_kvk,
        peildatum=peildatum,
        oordeel="tekortkomingen" if any(b.ernst in BREUK for b in bevindingen) else "in_orde",
        bevindingen=bevindingen,
        niet_beoordeeld=tuple(u for u in uitkomsten if isinstance(u, NietBeoordeeld)),
        uitkomsten=uitkomsten,
        beleid=policy.version,
        onrechtmatige_inhouding=onrechtmatige_inhouding(
            contract, next(u for u in uitkomsten if u.code == HUIS_005.code)
        ),
    )


def hercontrole_na_signaal(signaal: str, op: date, policy: Policy) -> bool:
    """Whether a municipal signal about an address makes every contract known there be checked again."""
    return signaal in policy.value("huis_hercontrole_signalen", op)
