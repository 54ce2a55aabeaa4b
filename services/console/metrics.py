"""The console's own counters (logins by outcome, replays) in the Prometheus text format at /metrics."""

from __future__ import annotations

from collections import Counter

BESCHRIJVING = {
    "console_logins_total": "Inlogpogingen per uitkomst (geslaagd, mislukt, geblokkeerd)",
    "console_replays_total": "Dode letters opnieuw aangeboden",
}


class Tellers:
    def __init__(self) -> None:
        self._waarden: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()

    def tel(self, naam: str, n: int = 1, **labels: str) -> None:
        self._waarden[(naam, tuple(sorted(labels.items())))] += n

    def tekst(self) -> str:
        regels: list[str] = []
        for naam, uitleg in BESCHRIJVING.items():
            regels += [f"# HELP {naam} {uitleg}", f"# TYPE {naam} counter"]
            reeksen = [(labels, n) for (m, labels), n in sorted(self._waarden.items()) if m == naam] or [((), 0)]
            for labels, n in reeksen:
                etiket = ",".join(f'{k}="{v}"' for k, v in labels)
                regels.append(f"{naam}{{{etiket}}} {n}" if etiket else f"{naam} {n}")
        return "\n".join(regels) + "\n"


TELLERS = Tellers()
