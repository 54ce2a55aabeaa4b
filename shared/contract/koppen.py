"""The Kafka headers of the contract (CONTRACT §1): the CloudEvents attributes in binary content
mode (`ce_*`, `content-type`) on every record, and what a dead letter adds (`dlq_*`). Header values
are UTF-8 text."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Tekst = Annotated[str, Field(min_length=1, max_length=200)]


class CloudEventKoppen(BaseModel):
    """The `ce_*` headers of a record (binary content mode); the value is the JSON `data` object."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    ce_specversion: Literal["1.0"]
    ce_id: Tekst = Field(description="unique per event (UUID); the idempotency key")
    ce_source: Tekst = Field(description="URN of the sender, urn:nld:...; waardigwerk's own start urn:nld:waardigwerk:")
    ce_type: Tekst = Field(description="nl.waardigwerk.<context>.<event>")
    ce_time: str = Field(description="RFC 3339 timestamp with a time zone")
    ce_subject: str | None = Field(default=None, description="never a BSN or other personal identifier")
    ce_dataschema: str | None = Field(default=None, description="URI of the JSON Schema of the data")
    ce_correlationid: Tekst | None = Field(
        default=None, description="set on everything waardigwerk emits: the event that started the chain"
    )
    ce_causationid: Tekst | None = Field(
        default=None, description="set on everything waardigwerk emits: the event that caused this one"
    )
    content_type: Literal["application/json"] = Field(alias="content-type")


class DlqKoppen(BaseModel):
    """What a dead letter carries besides the original record (key and value unchanged, of the
    original headers only those that are safe to keep)."""

    model_config = ConfigDict(extra="allow")

    dlq_reden: str = Field(description="why: envelope, onbekend_type, schema, afgewezen, beleid, ongeldige_inhoud, ...")
    dlq_details: str = Field(description="the reasons in words, printable, at most 2000 characters")
    dlq_topic: str = Field(description="the topic the record was read from")
    dlq_partitie: str = Field(description="its partition")
    dlq_offset: str = Field(description="its offset")
    dlq_tijd: str = Field(description="when it was dead-lettered (RFC 3339)")
    dlq_dienst: str = Field(description="the service that dead-lettered it")
    dlq_weggelaten_headers: str | None = Field(default=None, description="how many original headers were left out")
