"""What counts as "the same violation", the one notion every repeat rule uses (defect 5).

A repeat offence raises a fine (recidive) and, while a written warning stands, allows a stoppage
(art. 28a Arbowet, art. 18i WML). Both mean a repeat of the same violation: the same law and the
same finding code (the inspectorate's code names the provision broken, e.g. ARBO-VALGEVAAR). A
different provision of the same law is a new violation, not a repeat.
"""

from __future__ import annotations

from typing import Protocol

from shared.contract.inspectie import Wet


class Overtreding(Protocol):
    @property
    def wet(self) -> Wet: ...

    @property
    def code(self) -> str: ...


def zelfde_overtreding(a: Overtreding, b: Overtreding) -> bool:
    """Whether `b` repeats `a`: the same law and the same finding code."""
    return a.wet == b.wet and a.code == b.code
