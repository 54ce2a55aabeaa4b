"""The console's own counters, on /metrics beside the runtime's figures (services.console.gezondheid)."""

from __future__ import annotations

from prometheus_client import Counter

LOGINS = Counter("console_logins", "Login attempts by outcome (geslaagd, mislukt, geblokkeerd)", ["uitkomst"])
REPLAYS = Counter("console_replays", "Dead letters offered again")
for uitkomst in ("geslaagd", "mislukt", "geblokkeerd"):
    LOGINS.labels(uitkomst)  # each outcome is a series from the start (0 until it happens)
