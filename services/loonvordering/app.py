"""The loonvordering service: back-pay claims, chain liability up to the main hirer, terms and payments."""

from __future__ import annotations

from pathlib import Path

from services.loonvordering import handlers as h
from shared.contract import loonvordering as contract
from shared.service import Service
from shared.topics import IN_LOONVORDERINGEN, intern

TYPE = "nl.waardigwerk.loonvordering."
service = Service("loonvordering", migrations=Path(__file__).parent / "migrations")
service.handles(IN_LOONVORDERINGEN, TYPE + "ingediend", model=contract.LoonvorderingIngediend, reject=h.afwijzen)(
    h.ingediend
)
service.handles(IN_LOONVORDERINGEN, TYPE + "aanzegging", model=contract.Aanzegging, reject=h.afwijzen)(h.aanzegging)
service.handles(IN_LOONVORDERINGEN, TYPE + "partij_status", model=contract.PartijStatus, reject=h.afwijzen)(
    h.partij_status
)
service.handles(
    IN_LOONVORDERINGEN, TYPE + "keteninformatie_gevraagd", model=contract.KeteninformatieGevraagd, reject=h.afwijzen
)(h.keteninformatie_gevraagd)
service.handles(IN_LOONVORDERINGEN, TYPE + "keteninformatie", model=contract.Keteninformatie, reject=h.afwijzen)(
    h.keteninformatie
)
service.handles(IN_LOONVORDERINGEN, TYPE + "betaling", model=contract.Betaling, reject=h.afwijzen)(h.betaling)
service.handles(intern("inspectie"), "nl.waardigwerk.inspectie.onderbetaling_vastgesteld")(h.onderbetaling_vastgesteld)
service.on_timer(h.TERMIJN_TIMER)(h.termijn_verstreken)

app = service.app()
