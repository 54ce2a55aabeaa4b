"""The melding service: reports from unions and works councils, their cases and deadlines."""

from __future__ import annotations

from pathlib import Path

from services.melding import handlers
from services.melding.adapters import intake
from shared.contract.melding import MeldingIngediend
from shared.service import Service
from shared.topics import IN_MELDINGEN, intern

service = Service("melding", migrations=Path(__file__).parent / "migrations")
service.handles(IN_MELDINGEN, "nl.waardigwerk.melding.ingediend", model=MeldingIngediend, reject=handlers.afwijzen)(
    handlers.melding_ingediend
)
for plan in intake.PLAN_TYPES:  # gepland, herpland
    service.handles(intern("inspectie"), plan)(handlers.inspectie_gepland)
service.handles(intern("inspectie"), "nl.waardigwerk.inspectie.afgerond")(handlers.inspectie_afgerond)
service.on_timer(handlers.TERMIJN_TIMER)(handlers.termijn_verstreken)
service.on_timer(handlers.VERPLAATS_TIMER)(handlers.verplaatsing)
service.batch_locks = handlers.werkgevers_per_batch
service.batch_state = intake.laad

app = service.app()
