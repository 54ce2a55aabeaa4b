"""The data-sharing policy as data (policy/delen.yaml): who receives which fields, why, on what basis."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_FILE = Path(__file__).resolve().parents[3] / "policy" / "delen.yaml"
FORBIDDEN_FIELDS = ("bsn",)  # only with an explicit legal basis, see `bsn_toegestaan`


class TypeRegel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str = Field(description="partner topic; {dotted.path} placeholders are filled from the event data")
    velden: tuple[str, ...]
    pseudoniem: tuple[str, ...] = ()

    @field_validator("topic")
    @classmethod
    def _partner_topic(cls, topic: str) -> str:
        if not topic.startswith("waardigwerk.uit."):
            raise ValueError(f"partner topics start with waardigwerk.uit., not {topic!r}")
        return topic


class Ontvanger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    omschrijving: str
    doel: str
    grondslag: str
    typen: dict[str, TypeRegel]


class DeelBeleid(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    versie: str
    ontvangers: dict[str, Ontvanger]
    digest: str = ""

    @property
    def version(self) -> str:
        return f"delen@{self.versie}#{self.digest}"

    def typen(self) -> set[str]:
        return {t for o in self.ontvangers.values() for t in o.typen}


def load_deelbeleid(path: Path = DEFAULT_FILE) -> DeelBeleid:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return DeelBeleid.model_validate({**raw, "digest": digest})
