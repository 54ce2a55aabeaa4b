"""A page of a list: which page, sorted on what, filtered how, searched for what; read from the query string.

Pure: a `Lijst` says what one list may be sorted and filtered on (a whitelist: a sort name maps to a
SQL expression of the console's own, never to text from the request), `lees_vraag` checks a request
against it, and the templates build their links (next page, another sort, a filter) from the `Vraag`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

PAGINA_MAX = 100_000  # deeper than any list goes; keeps OFFSET in range
GROOTTES = (10, 25, 50, 100, 200)
RICHTINGEN = {"op": True, "af": False}
ZOEK_MAX = 100


class OngeldigeLijstvraag(ValueError):
    """The query string asks for a page, sort or filter this list does not have (a 400)."""


@dataclass(frozen=True)
class Lijst:
    """What one list can be sorted on (name -> SQL expression) and filtered on; `sleutel` breaks ties."""

    sorteerbaar: Mapping[str, str]
    standaard: str
    standaard_oplopend: bool
    filters: Sequence[str]
    sleutel: str
    grootte: int = 50


@dataclass(frozen=True)
class Vraag:
    pagina: int
    grootte: int
    sorteer: str
    oplopend: bool
    filters: Mapping[str, str] = field(default_factory=dict)
    zoek: str | None = None

    @property
    def vanaf(self) -> int:
        return (self.pagina - 1) * self.grootte

    def filter(self, naam: str) -> str | None:
        return self.filters.get(naam)

    def parameters(self) -> dict[str, str]:
        """The query string of this page, without defaults that would only make it longer."""
        uit = {k: v for k, v in sorted(self.filters.items()) if v}
        if self.zoek:
            uit["q"] = self.zoek
        uit |= {"sorteer": self.sorteer, "richting": "op" if self.oplopend else "af"}
        if self.grootte != 50:
            uit["per_pagina"] = str(self.grootte)
        if self.pagina != 1:
            uit["pagina"] = str(self.pagina)
        return uit

    def link(self, **wijzig: str | int | None) -> str:
        """`?…` for this list with some parameters changed (None: left out); a new filter starts at page 1."""
        params: dict[str, str] = self.parameters()
        if any(k not in ("pagina",) for k in wijzig):
            params.pop("pagina", None)
        for k, v in wijzig.items():
            if v is None or v == "":
                params.pop(k, None)
            else:
                params[k] = str(v)
        return "?" + urlencode(params)

    def sorteerlink(self, kolom: str) -> str:
        """Sort on this column; the column sorted on already flips its direction."""
        oplopend = not self.oplopend if kolom == self.sorteer else True
        return self.link(sorteer=kolom, richting="op" if oplopend else "af")

    def aria_sort(self, kolom: str) -> str:
        if kolom != self.sorteer:
            return "none"
        return "ascending" if self.oplopend else "descending"


def lees_vraag(params: Mapping[str, str], lijst: Lijst) -> Vraag:
    """The page asked for; raises `OngeldigeLijstvraag` for what this list does not offer."""
    pagina = _geheel(params.get("pagina"), "pagina", 1)
    if not 1 <= pagina <= PAGINA_MAX:
        raise OngeldigeLijstvraag(f"pagina loopt van 1 tot {PAGINA_MAX}")
    grootte = _geheel(params.get("per_pagina"), "per_pagina", lijst.grootte)
    if grootte not in (*GROOTTES, lijst.grootte):
        raise OngeldigeLijstvraag(f"per_pagina is een van {', '.join(map(str, GROOTTES))}")
    sorteer = params.get("sorteer", lijst.standaard)
    if sorteer not in lijst.sorteerbaar:
        raise OngeldigeLijstvraag(f"sorteer op een van: {', '.join(lijst.sorteerbaar)}")
    richting = params.get("richting")
    if richting is not None and richting not in RICHTINGEN:
        raise OngeldigeLijstvraag("richting is op of af")
    oplopend = lijst.standaard_oplopend if richting is None else RICHTINGEN[richting]
    zoek = (params.get("q") or "").strip() or None
    if zoek is not None and len(zoek) > ZOEK_MAX:
        raise OngeldigeLijstvraag(f"de zoekterm is hoogstens {ZOEK_MAX} tekens")
    filters = {naam: w for naam in lijst.filters if (w := (params.get(naam) or "").strip())}
    return Vraag(pagina, grootte, sorteer, oplopend, filters, zoek)


def lees_paginanummer(params: Mapping[str, str], naam: str) -> int:
    """A page number of its own on a page with several bounded lists (`?tijdlijn=2`); 1 if absent."""
    pagina = _geheel(params.get(naam), naam, 1)
    if not 1 <= pagina <= PAGINA_MAX:
        raise OngeldigeLijstvraag(f"{naam} loopt van 1 tot {PAGINA_MAX}")
    return pagina


def _geheel(waarde: str | None, naam: str, standaard: int) -> int:
    if waarde is None:
        return standaard
    if not waarde.isdigit() or len(waarde) > 9:
        raise OngeldigeLijstvraag(f"{naam} is een positief geheel getal")
    return int(waarde)


def order_by(vraag: Vraag, lijst: Lijst) -> str:
    """The ORDER BY of a page: the chosen column (empty values last either way), then the key."""
    richting = "ASC" if vraag.oplopend else "DESC"
    return f"ORDER BY {lijst.sorteerbaar[vraag.sorteer]} {richting} NULLS LAST, {lijst.sleutel} {richting}"


def prefix_patroon(zoek: str | None) -> str | None:
    """A LIKE pattern matching values that start with `zoek` (its own % and _ taken literally)."""
    if zoek is None:
        return None
    return zoek.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Pagina:
    """Where a page sits in its list: for the "page x of y" navigation."""

    nummer: int
    grootte: int
    totaal: int

    @property
    def paginas(self) -> int:
        return max(1, -(-self.totaal // self.grootte))

    @property
    def eerste_rij(self) -> int:
        return 0 if self.totaal == 0 else (self.nummer - 1) * self.grootte + 1

    @property
    def laatste_rij(self) -> int:
        return min(self.totaal, self.nummer * self.grootte)


def zonder_filter(vraag: Vraag, *namen: str) -> Vraag:
    """The same question without some filters (a municipal officer's list is their municipality's anyway)."""
    return dataclasses.replace(vraag, filters={k: v for k, v in vraag.filters.items() if k not in namen})
