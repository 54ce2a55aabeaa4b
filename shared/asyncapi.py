"""A service's AsyncAPI 3 document, declared with FastStream's own subscribers and publishers.

The runtime reads each consumer group with ONE batch subscriber over several topics and parses
its records itself (shared/service.py), so that subscriber says nothing about the messages and is
left out of the document (`include_in_schema=False`). What the service reads and sends is declared
here instead, once per topic and message type, on a broker that is never connected:

- a subscriber per route, its handler typed with the route's pydantic model (the domain event's
  model from `shared.contract.gebeurtenissen` where the route takes the data as it is);
- a publisher per event the service emits (`schema=` the model): its domain events on its own
  topic, the partner feeds it declares with `publishes`, dead timers and the answers to the
  console's retry commands, the test clock's answer;
- a publisher per dead-letter topic (`<topic>.dlq`) of every topic it reads.

The document therefore comes out of FastStream as usual (`faststream docs gen
services.<name>.app:app --yaml`, or `make asyncapi`). FastStream does not write message headers
or channel parameters yet; `Specificatie` adds them after generation: the `ce_*` headers
(`shared.contract.koppen`, `ce_type` fixed per message), the `dlq_*` headers of a dead letter, and
a parameter for each `{name}` in a partner topic's address.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from faststream.specification.base import Specification
from pydantic import BaseModel, ConfigDict, create_model
from pydantic.fields import FieldInfo

from shared.contract.gebeurtenissen import (
    GEBEURTENISSEN,
    KlokBevestigd,
    KlokGezet,
    TimerDood,
    TimerHersteld,
    TimerNietHersteld,
)
from shared.contract.koppen import CloudEventKoppen, DlqKoppen
from shared.topics import TEST_KLOK, dlq, intern

if TYPE_CHECKING:
    from shared.service import Service

KOPPEN = "CloudEventKoppen"
DLQ_KOPPEN = "DlqKoppen"
_PLAATSHOUDER = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Bericht:
    """One message type on one topic, as the service reads (`ontvangen`) or sends (`verzonden`) it."""

    richting: Literal["ontvangen", "verzonden"]
    topic: str
    ce_type: str | None  # None: a dead letter (any type, or none)
    model: type[BaseModel] | type[bytes]
    omschrijving: str = ""

    @property
    def titel(self) -> str:
        soort = "Subscriber" if self.richting == "ontvangen" else "Publisher"
        return f"{_PLAATSHOUDER.sub(lambda m: m.group(1), self.topic)}:{self.ce_type or 'dlq'}:{soort}"


# What each service declared with `publishes`, by the service object's identity.
_PUBLIEK: dict[int, list[Bericht]] = {}


def publishes(service: Service, topic: str, ce_type: str, model: type[BaseModel], omschrijving: str = "") -> None:
    """Declare a message the service sends beyond its own domain events (e.g. deling's partner feeds).

    `topic` may hold `{dotted.path}` placeholders filled from the data; the document names each
    as a channel parameter."""
    _PUBLIEK.setdefault(id(service), []).append(Bericht("verzonden", topic, ce_type, model, omschrijving))


def model_of(ce_type: str, model: type[BaseModel] | None) -> type[BaseModel] | None:
    """The model of a route: its own, or the domain event's when the handler takes the data as it is."""
    return model or GEBEURTENISSEN.get(ce_type)


def berichten(service: Service) -> list[Bericht]:
    """Everything the service reads and sends, one entry per topic and message type."""
    from shared.service import (  # here: shared.service imports this module
        KLOK_BEVESTIGD,
        KLOK_GEZET,
        TIMER_DOOD,
        TIMER_HERSTELD,
        TIMER_NIET_HERSTELD,
    )

    gelezen = [
        Bericht("ontvangen", r.topic, r.ce_type, model_of(r.ce_type, r.model) or dict_model(r.ce_type))
        for r in service.routes.values()
    ]
    eigen = [
        Bericht("verzonden", intern(service.name), t, m)
        for t, m in sorted(GEBEURTENISSEN.items())
        if t.split(".")[2] == service.name
    ]
    if service.timer_handlers:
        omschrijving = "a timer of this service gave up after its attempts"
        eigen.append(Bericht("verzonden", intern(service.name), TIMER_DOOD, TimerDood, omschrijving))
        for ce_type, model, omschrijving in (
            (TIMER_HERSTELD, TimerHersteld, "a dead timer was revived at the console's command"),
            (TIMER_NIET_HERSTELD, TimerNietHersteld, "a retry command of the console changed nothing"),
        ):
            eigen.append(Bericht("verzonden", intern(service.name), ce_type, model, omschrijving))
    if service.clock.test_mode:
        gelezen.append(Bericht("ontvangen", TEST_KLOK, KLOK_GEZET, KlokGezet))
        eigen.append(Bericht("verzonden", TEST_KLOK, KLOK_BEVESTIGD, KlokBevestigd))
    gelezen_topics = sorted({b.topic for b in gelezen})
    doden = [
        Bericht("verzonden", dlq(t), None, bytes, f"records of {t} that cannot be applied, unchanged, with the reason")
        for t in gelezen_topics
        if t != TEST_KLOK  # a clock event that cannot be read is skipped, never dead-lettered
    ]
    partners = _PUBLIEK.get(id(service), [])
    return [*gelezen, *eigen, *partners, *doden]


def dict_model(ce_type: str) -> type[BaseModel]:
    """A route without any model: the data is documented as a JSON object."""
    naam = "".join(deel.title() for deel in re.split(r"[._]", ce_type.removeprefix("nl.waardigwerk.")))
    return create_model(naam, __doc__=f"the data of {ce_type} (a JSON object)")


def _handler(bericht: Bericht) -> Callable[..., Any]:
    """A handler that is never called: its signature carries the message's model to FastStream."""

    async def handler(data: Any) -> None:
        raise AssertionError("a documentation handler is never called")

    handler.__name__ = (bericht.ce_type or "dlq").removeprefix("nl.waardigwerk.").replace(".", "_")
    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("data", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=bericht.model)],
        return_annotation=None,
    )
    return handler


def documentatiebroker(service: Service) -> KafkaBroker:
    """A broker that is never connected, holding the typed declarations of the service's messages.

    Same servers and security as the service's own broker, so the document has one server."""
    broker = KafkaBroker(service.settings.kafka_bootstrap_list, security=service.broker.specification.security)
    for b in berichten(service):
        if b.richting == "ontvangen":
            subscriber = broker.subscriber(
                b.topic, group_id=service.consumer, title=b.titel, description=b.omschrijving or None
            )
            subscriber(_handler(b))
        else:
            broker.publisher(b.topic, schema=b.model, title=b.titel, description=b.omschrijving or None)
    return broker


class Specificatie(AsyncAPI):
    """FastStream's AsyncAPI factory for one service, with what FastStream does not write yet:
    message headers, names and summaries, and the parameters of templated addresses."""

    def __init__(self, service: Service) -> None:
        super().__init__(title=f"waardigwerk {service.name}", version="1")
        self.service = service
        self._documentatie: KafkaBroker | None = None

    def to_specification(self) -> Specification:
        if self._documentatie is None:  # declared at first use: every route and feed is known by then
            self._documentatie = documentatiebroker(self.service)
            self.add_broker(self._documentatie)
            app = sys.modules.get(f"services.{self.service.name}.app")
            self.description = (app.__doc__ or "").strip() or None if app is not None else None
        spec = super().to_specification()
        _vul_aan(spec, {b.titel: b for b in berichten(self.service)})
        return spec


def _vul_aan(schema: Any, per_titel: dict[str, Bericht]) -> None:
    components = schema.components
    components.schemas[KOPPEN] = _json_schema(CloudEventKoppen)
    components.schemas[DLQ_KOPPEN] = _json_schema(DlqKoppen)
    # FastStream keeps its subscribers in a set: sorted, the document is the same on every run.
    schema.channels = dict(sorted(schema.channels.items()))
    schema.operations = dict(sorted(schema.operations.items()))
    components.messages = dict(sorted(components.messages.items()))
    components.schemas = dict(sorted(components.schemas.items()))
    for sleutel, channel in schema.channels.items():
        bericht = per_titel.get(sleutel)
        if bericht is None:
            continue
        parameters = {
            naam.split(".")[-1]: {"description": f"from the event data: {naam}"}
            for naam in _PLAATSHOUDER.findall(bericht.topic)
        }
        if parameters:
            channel.address = _PLAATSHOUDER.sub(lambda m: "{" + m.group(1).split(".")[-1] + "}", bericht.topic)
            channel.parameters = parameters
            channel.bindings.kafka.topic = channel.address
        for verwijzing in channel.messages.values():
            naam = verwijzing.ref.rsplit("/", 1)[-1]
            _beschrijf(schema.components.messages[naam], bericht)


def _beschrijf(message: Any, bericht: Bericht) -> None:
    message.correlationId.location = "$message.header#/ce_correlationid"
    if bericht.ce_type is None:
        message.name = "dlq"
        message.summary = bericht.omschrijving
        message.headers = {"$ref": f"#/components/schemas/{DLQ_KOPPEN}"}
        message.contentType = "application/octet-stream"
        return
    message.name = bericht.ce_type
    message.summary = (bericht.model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ") or None
    message.contentType = "application/json"
    message.headers = {
        "allOf": [
            {"$ref": f"#/components/schemas/{KOPPEN}"},
            {"type": "object", "properties": {"ce_type": {"const": bericht.ce_type}}},
        ]
    }


def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")


class Partnerdata(BaseModel):
    """The data on a partner topic: exactly the fields the data-sharing policy allows, no others."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def partnerbericht(model: type[BaseModel], velden: tuple[str, ...], naam: str) -> type[BaseModel]:
    """The data a partner receives: `model` with only the allowed fields (a dotted field selects a
    nested field; a field naming an object allows all of it)."""
    per_veld: dict[str, list[str]] = {}
    for veld in velden:
        kop, _, genest_veld = veld.partition(".")
        per_veld.setdefault(kop, [])
        if genest_veld:
            per_veld[kop].append(genest_veld)
    definities: dict[str, Any] = {}
    for kop, rest in per_veld.items():
        info = model.model_fields.get(kop)
        if info is None:  # allowed, but not a field of the event (tests/test_asyncapi.py reports it)
            definities[kop] = (Any, None)
            continue
        genest = _model_in(info.annotation)
        if rest and genest is not None:
            beperkt = partnerbericht(genest, tuple(rest), f"{naam}{genest.__name__}")
            optioneel = type(None) in get_args(info.annotation)
            info = FieldInfo.merge_field_infos(info, annotation=beperkt | None if optioneel else beperkt)
        definities[kop] = (info.annotation, info)
    return create_model(naam, __base__=Partnerdata, __doc__=model.__doc__, **definities)


def _model_in(annotatie: Any) -> type[BaseModel] | None:
    if isinstance(annotatie, type) and issubclass(annotatie, BaseModel):
        return annotatie
    return next((m for a in get_args(annotatie) if (m := _model_in(a)) is not None), None)
