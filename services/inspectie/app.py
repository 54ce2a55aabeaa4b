"""The inspectie service: explainable integrated risk, capacity-aware planning, and what follows a visit."""

from __future__ import annotations

from pathlib import Path

from services.inspectie import handlers as h
from services.inspectie import handlers_uitlening as uitlening
from services.inspectie.adapters import planning
from shared.contract.belastingdienst import Loonaangifte, Omzet
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.inspectie import Betaalbewijs, InspectieUitgevoerd
from shared.contract.meldloket import Detachering
from shared.contract.nau import Toelating
from shared.service import Service
from shared.topics import IN_BELASTINGDIENST, IN_GEMEENTE, IN_INSPECTIE, IN_MELDLOKET, IN_NAU, intern

service = Service("inspectie", migrations=Path(__file__).parent / "migrations")
service.handles(intern("melding"), "nl.waardigwerk.melding.ontvangen")(h.melding_ontvangen)
service.handles(intern("huisvesting"), "nl.waardigwerk.huisvesting.gecontroleerd")(h.huisvesting_gecontroleerd)
service.handles(intern("loonvordering"), "nl.waardigwerk.loonvordering.vastgesteld")(h.loonvordering_vastgesteld)
service.handles(intern("loonvordering"), "nl.waardigwerk.loonvordering.keteninformatie_te_laat")(
    h.keteninformatie_te_laat
)
service.handles(IN_GEMEENTE, "nl.waardigwerk.gemeente.signaal", model=GemeenteSignaal)(h.gemeente_signaal)
service.handles(IN_BELASTINGDIENST, "nl.waardigwerk.belastingdienst.loonaangifte", model=Loonaangifte)(
    uitlening.loonaangifte
)
service.handles(IN_BELASTINGDIENST, "nl.waardigwerk.belastingdienst.omzet", model=Omzet)(h.omzet)
service.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.uitgevoerd", model=InspectieUitgevoerd)(h.inspectie_uitgevoerd)
service.handles(IN_INSPECTIE, "nl.waardigwerk.inspectie.betaalbewijs", model=Betaalbewijs)(h.betaalbewijs)
service.handles(IN_NAU, "nl.waardigwerk.nau.toelating", model=Toelating)(uitlening.toelating)
service.handles(IN_MELDLOKET, "nl.waardigwerk.meldloket.detachering", model=Detachering)(uitlening.detachering_gemeld)
service.on_timer(h.HERSTEL_TIMER)(h.herstel_verstreken)
service.batch_locks = h.sloten_per_batch
service.batch_state = planning.laad

app = service.app()
