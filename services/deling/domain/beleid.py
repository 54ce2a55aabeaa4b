"""The data-sharing policy as data (policy/delen.yaml): who receives which fields, why, on what basis."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.contract.base import gemeentecode_of, organisatie_of

DEFAULT_FILE = Path(__file__).resolve().parents[3] / "policy" / "delen.yaml"
BSN = "bsn"  # a field of this name leaves only for a recipient with `bsn_grondslag`
PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")
# A routing value fills one segment of a partner topic and must have the contract's form for it
# (CONTRACT §3: `waardigwerk.uit.melder.<organisatie>`, `waardigwerk.uit.gemeente.<gemeentecode>`),
# chosen by how the placeholder's field is named.
SEGMENT_VORMEN: dict[str, Callable[[object], str | None]] = {
    "organisatie": organisatie_of,
    "gemeentecode": gemeentecode_of,
}


def segment_vorm(pad: str) -> Callable[[object], str | None] | None:
    """The check a routing value at `pad` must pass (the value in its contract form, or None),
    None when the contract gives that segment no form."""
    naam = pad.rsplit(".", 1)[-1]
    return next((vorm for einde, vorm in SEGMENT_VORMEN.items() if naam.endswith(einde)), None)


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
        for pad in PLACEHOLDER.findall(topic):
            if segment_vorm(pad) is None:
                raise ValueError(f"{{{pad}}} in {topic!r}: a topic is filled only with an organisation or gemeentecode")
        return topic


class Ontvanger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    omschrijving: str
    doel: str
    grondslag: str
    bsn_grondslag: str | None = None  # the legal basis for receiving a BSN; without it none is sent
    typen: dict[str, TypeRegel]

    @model_validator(mode="after")
    def _bsn_alleen_met_grondslag(self) -> Ontvanger:
        if self.bsn_grondslag is None:
            for ce_type, regel in self.typen.items():
                if any(BSN in veld.split(".") for veld in regel.velden):
                    raise ValueError(f"{ce_type} lists a {BSN} field, but the recipient has no bsn_grondslag")
        return self


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
