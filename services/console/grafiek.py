"""Bar charts as plain geometry for server-rendered SVG (no script): each bar's place and size, with its label.

Pure: the templates draw what these functions compute (`templates/grafieken.html`), so the scale,
the zero baseline and the stacking are tested here without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

Getal = int | float | Decimal


@dataclass(frozen=True)
class Staaf:
    label: str
    waarde: float
    x: float
    y: float
    breedte: float
    hoogte: float
    klasse: str = "staaf"
    titel: str = ""


@dataclass(frozen=True)
class Grafiek:
    staven: tuple[Staaf, ...]
    breedte: float
    hoogte: float
    schaal: float  # the value the full length stands for
    markeringen: tuple[tuple[str, float], ...] = ()  # (label, x or y of a reference line)


def _hoogste(waarden: Sequence[float]) -> float:
    return max([*waarden, 0.0]) or 1.0


def horizontaal(
    rijen: Sequence[tuple[str, Getal, str]],
    *,
    lengte: float = 360,
    label_breedte: float = 220,
    rij_hoogte: float = 24,
    referenties: Mapping[str, Getal] | None = None,
) -> Grafiek:
    """One bar per row (label, value, tooltip), longest = `lengte`; negative values drawn as length 0 with
    class `staaf-neg` (contributions are never negative today, but the chart must not lie if one is)."""
    waarden = [float(w) for _, w, _ in rijen]
    refs = {k: float(v) for k, v in (referenties or {}).items()}
    schaal = _hoogste([*waarden, *refs.values()])
    staven = tuple(
        Staaf(
            label,
            w,
            label_breedte,
            i * rij_hoogte + 4,
            max(w, 0.0) / schaal * lengte,
            rij_hoogte - 8,
            "staaf" if w >= 0 else "staaf-neg",
            titel,
        )
        for i, ((label, _, titel), w) in enumerate(zip(rijen, waarden, strict=True))
    )
    markeringen = tuple((k, label_breedte + v / schaal * lengte) for k, v in refs.items())
    return Grafiek(staven, label_breedte + lengte + 80, max(len(rijen), 1) * rij_hoogte + 8, schaal, markeringen)


def gestapeld(
    kolommen: Sequence[str],
    reeksen: Mapping[str, Sequence[int]],
    *,
    hoogte: float = 160,
    kolom_breedte: float = 34,
    marge: float = 40,
) -> Grafiek:
    """Stacked columns: one column per label, the series stacked bottom-up in the order given (`reeksen`
    maps a series name, used as CSS class `reeks-<naam>`, to one value per column)."""
    totalen = [sum(int(r[i]) for r in reeksen.values()) for i in range(len(kolommen))]
    schaal = _hoogste([float(t) for t in totalen])
    staven: list[Staaf] = []
    for i, kolom in enumerate(kolommen):
        basis = hoogte
        for naam, waarden in reeksen.items():
            w = int(waarden[i])
            h = w / schaal * hoogte
            if w:
                staven.append(
                    Staaf(
                        kolom,
                        w,
                        marge + i * kolom_breedte,
                        basis - h + 10,
                        kolom_breedte - 6,
                        h,
                        f"reeks-{naam}",
                        f"{kolom}: {w} {naam.replace('_', ' ')}",
                    )
                )
            basis -= h
    return Grafiek(tuple(staven), marge + len(kolommen) * kolom_breedte + 10, hoogte + 40, schaal)
