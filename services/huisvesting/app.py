"""The huisvesting service: housing contracts of labour migrants checked against every housing rule."""

from __future__ import annotations

from pathlib import Path

from services.huisvesting import handlers as h
from shared.contract.gemeente import GemeenteSignaal
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.service import Service
from shared.topics import IN_GEMEENTE, IN_HUURCONTRACTEN

service = Service("huisvesting", migrations=Path(__file__).parent / "migrations")
service.handles(
    IN_HUURCONTRACTEN, "nl.waardigwerk.huurcontract.aangeboden", model=HuurcontractAangeboden, reject=h.afwijzen
)(h.huurcontract_aangeboden)
service.handles(IN_GEMEENTE, "nl.waardigwerk.gemeente.signaal", model=GemeenteSignaal)(h.gemeente_signaal)
service.on_timer(h.HERCONTROLE)(h.hercontrole)

app = service.app()
