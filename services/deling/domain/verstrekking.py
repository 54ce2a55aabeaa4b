"""What one partner receives of one domain event: routed, reduced to the allow-list, pseudonymised.

Pure functions: no I/O. The pseudonym is an HMAC of the value keyed by the service's secret and
the recipient's topic, so it is stable for one recipient and unlinkable across recipients.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from services.deling.domain.beleid import BSN, PLACEHOLDER, DeelBeleid, segment_vorm


@dataclass(frozen=True)
class Verstrekking:
    ontvanger: str
    topic: str
    data: dict[str, Any]
    velden: tuple[str, ...]
    doel: str
    grondslag: str


def waarde_op(data: Any, pad: str) -> Any:
    for deel in pad.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(deel)
    return data


def _boom(paden: tuple[str, ...]) -> dict[str, Any]:
    boom: dict[str, Any] = {}
    for pad in paden:
        node = boom
        delen = pad.split(".")
        for deel in delen[:-1]:
            sub = node.setdefault(deel, {})
            if sub is True:
                break
            node = sub
        else:
            node[delen[-1]] = True
    return boom


_NIETS = object()  # a path that leads into a scalar selects nothing


def _projecteer(waarde: Any, node: Any) -> Any:
    if node is True:
        return waarde
    if isinstance(waarde, list):
        items = [p for item in waarde if (p := _projecteer(item, node)) is not _NIETS]
        return items or _NIETS
    if isinstance(waarde, dict):
        velden = {k: p for k, sub in node.items() if k in waarde and (p := _projecteer(waarde[k], sub)) is not _NIETS}
        return velden or _NIETS
    return _NIETS  # selecting inside something that is not an object, or an empty one: nothing


def projecteer(data: dict[str, Any], velden: tuple[str, ...]) -> dict[str, Any]:
    """Keep only the allowed (dotted) fields; lists are followed item by item."""
    result = _projecteer(data, _boom(velden))
    return {} if result is _NIETS else dict(result)


def pseudoniem(sleutel: bytes, ontvanger: str, waarde: str) -> str:
    digest = hmac.new(sleutel, f"{ontvanger}\x1f{waarde}".encode(), hashlib.sha256).hexdigest()
    return f"ps-{digest[:24]}"


def _pseudonimiseer(waarde: Any, delen: list[str], maak: Any) -> Any:
    if isinstance(waarde, list):
        return [_pseudonimiseer(item, delen, maak) for item in waarde]
    if not isinstance(waarde, dict) or delen[0] not in waarde:
        return waarde
    kopie = dict(waarde)
    if len(delen) == 1:
        if kopie[delen[0]] is not None:
            kopie[delen[0]] = maak(str(kopie[delen[0]]))
    else:
        kopie[delen[0]] = _pseudonimiseer(kopie[delen[0]], delen[1:], maak)
    return kopie


def _zonder_bsn(waarde: Any) -> Any:
    if isinstance(waarde, list):
        return [_zonder_bsn(item) for item in waarde]
    if isinstance(waarde, dict):
        return {k: _zonder_bsn(v) for k, v in waarde.items() if k != BSN}
    return waarde


def _verstrekt(data: Any, delen: list[str]) -> bool:
    """The (projected) data holds a value at the path; lists are followed item by item."""
    if not delen:
        return data is not None
    if isinstance(data, list):
        return any(_verstrekt(item, delen) for item in data)
    return isinstance(data, dict) and delen[0] in data and _verstrekt(data[delen[0]], delen[1:])


def _topic(sjabloon: str, data: dict[str, Any]) -> str | None:
    """Fill the topic template; None when a routing value is missing or not of its segment's form."""
    waarden: dict[str, str] = {}
    for pad in PLACEHOLDER.findall(sjabloon):
        vorm = segment_vorm(pad)
        waarde = vorm(waarde_op(data, pad)) if vorm is not None else None
        if waarde is None:
            return None
        waarden[pad] = waarde
    return PLACEHOLDER.sub(lambda m: waarden[m.group(1)], sjabloon)


def verstrekkingen(beleid: DeelBeleid, ce_type: str, data: dict[str, Any], sleutel: bytes) -> list[Verstrekking]:
    """Every partner event one domain event gives rise to under the sharing policy."""
    result: list[Verstrekking] = []
    for naam, ontvanger in sorted(beleid.ontvangers.items()):
        regel = ontvanger.typen.get(ce_type)
        if regel is None:
            continue
        topic = _topic(regel.topic, data)
        if topic is None:
            continue
        gedeeld = projecteer(data, regel.velden)
        if ontvanger.bsn_grondslag is None:
            gedeeld = _zonder_bsn(gedeeld)  # also one inside an object the policy allows as a whole
        for pad in regel.pseudoniem:
            gedeeld = _pseudonimiseer(gedeeld, pad.split("."), lambda w, t=topic: pseudoniem(sleutel, t, w))
        velden = tuple(v for v in regel.velden if _verstrekt(gedeeld, v.split(".")))
        result.append(Verstrekking(naam, topic, gedeeld, velden, ontvanger.doel, ontvanger.grondslag))
    return result
