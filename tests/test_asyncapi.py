"""Each service's AsyncAPI document (`faststream docs gen`, declared in shared/asyncapi.py) is committed,
current, valid for the AsyncAPI CLI, and says what the contract says: a payload schema for every
type, the `ce_*` headers, a send operation for every outbound and dead-letter topic, SASL/SCRAM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from services.deling.domain.beleid import load_deelbeleid
from services.huisvesting.domain.controle import controleer
from services.inspectie.domain.risico import Signaal, score
from services.melding.domain import terugkoppeling
from shared.contract.gebeurtenissen import (
    GEBEURTENISSEN,
    HuisvestingGecontroleerd,
    MeldingOntvangen,
    MeldingStatusGewijzigd,
    Risico,
)
from shared.contract.huisvesting import HuurcontractAangeboden
from shared.policy import load_policy
from tools import voorbeelden
from tools.asyncapi import OUT, SERVICES
from tools.stackenv import ROOT

CLI = ROOT / "tools" / "asyncapi-cli" / "node_modules" / ".bin" / "asyncapi"
DOCUMENTS = {name: yaml.safe_load((OUT / f"{name}.yaml").read_text()) for name in SERVICES}
INBOUND_TYPES = {
    "nl.waardigwerk.melding.ingediend",
    "nl.waardigwerk.gemeente.signaal",
    "nl.waardigwerk.belastingdienst.loonaangifte",
    "nl.waardigwerk.belastingdienst.omzet",
    "nl.waardigwerk.inspectie.uitgevoerd",
    "nl.waardigwerk.inspectie.betaalbewijs",
    "nl.waardigwerk.loonvordering.ingediend",
    "nl.waardigwerk.loonvordering.aanzegging",
    "nl.waardigwerk.loonvordering.partij_status",
    "nl.waardigwerk.loonvordering.keteninformatie",
    "nl.waardigwerk.loonvordering.betaling",
    "nl.waardigwerk.huurcontract.aangeboden",
    "nl.waardigwerk.nau.toelating",
    "nl.waardigwerk.meldloket.detachering",
}


def test_asyncapi_documents_are_current() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.asyncapi", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _validate(paths: list[Path], tmp_path: Path) -> dict[Path, subprocess.CompletedProcess[str]]:
    """`asyncapi validate` on each file (side by side), warnings counting as failures."""
    if not CLI.exists():
        pytest.fail("the AsyncAPI CLI is not installed: run make setup (npm ci --prefix tools/asyncapi-cli)")
    analytics = tmp_path / "analytics.json"
    analytics.write_text(json.dumps({"analyticsEnabled": "false", "infoMessageShown": "true", "userID": "test"}))
    env = {**os.environ, "ASYNCAPI_METRICS_CONFIG_PATH": str(analytics), "SUPPRESS_NO_CONFIG_WARNING": "1"}

    def start(path: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(CLI), "validate", str(path), "--fail-severity", "warn", "--diagnostics-format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )

    def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
        out, _ = process.communicate(timeout=600)
        return subprocess.CompletedProcess(process.args, process.returncode, out)

    # The first run alone: on a fresh install the CLI creates its log folder (check, then mkdir),
    # and two runs side by side can both try (EEXIST).
    first, *rest = paths
    done = {first: finish(start(first))}
    running = {path: start(path) for path in rest}
    done |= {path: finish(process) for path, process in running.items()}
    return done


def test_the_asyncapi_cli_accepts_every_document_and_refuses_a_broken_one(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(DOCUMENTS["deling"]))
    payload = next(m["payload"]["$ref"] for m in _messages(broken) if m["name"] != "dlq")
    del broken["components"]["schemas"][payload.rsplit("/", 1)[-1]]  # a message whose schema is missing
    broken_path = tmp_path / "broken.yaml"
    broken_path.write_text(yaml.safe_dump(broken))
    results = _validate([*(OUT / f"{name}.yaml" for name in SERVICES), broken_path], tmp_path)
    for path, result in results.items():
        if path == broken_path:
            assert result.returncode != 0, "the validator accepted a payload that refers to a missing schema"
            assert "invalid-ref" in result.stdout, result.stdout
        else:
            assert result.returncode == 0, f"{path.name}:\n{result.stdout}"


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _messages(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document["components"]["messages"].values())


def _contract_types() -> set[str]:
    outbound = {t for ontvanger in load_deelbeleid().ontvangers.values() for t in ontvanger.typen}
    return INBOUND_TYPES | outbound | set(GEBEURTENISSEN)


def test_every_type_of_the_contract_has_a_payload_schema_with_its_fields() -> None:
    described: dict[str, set[str]] = {}
    for document in DOCUMENTS.values():
        for message in _messages(document):
            if message["name"] == "dlq":
                continue
            payload = _resolve(document, message["payload"])
            described.setdefault(message["name"], set()).update(payload.get("properties", {}))
    missing = sorted(t for t in _contract_types() if not described.get(t))
    assert not missing, f"types without a payload schema that names its fields: {missing}"


def test_every_message_carries_the_cloudevents_headers_with_its_own_type() -> None:
    for name, document in DOCUMENTS.items():
        koppen = document["components"]["schemas"]["CloudEventKoppen"]
        assert {"ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "content-type"} <= set(koppen["required"])
        for message in _messages(document):
            if message["name"] == "dlq":
                assert _resolve(document, message["headers"])["required"][0] == "dlq_reden", name
                continue
            eigen = message["headers"]["allOf"]
            assert _resolve(document, eigen[0]) is koppen, (name, message["name"])
            assert eigen[1]["properties"]["ce_type"] == {"const": message["name"]}, (name, message["name"])


def _operations(document: dict[str, Any], action: str) -> set[str]:
    return {
        _resolve(document, operation["channel"])["address"]
        for operation in document["operations"].values()
        if operation["action"] == action
    }


def test_every_outbound_topic_has_a_send_operation() -> None:
    sent = set().union(*(_operations(d, "send") for d in DOCUMENTS.values()))
    partner = {regel.topic for o in load_deelbeleid().ontvangers.values() for regel in o.typen.values()}
    expected = {t.replace("{adres.", "{").replace("{werklocatie.", "{") for t in partner}
    expected |= {f"waardigwerk.intern.{t.split('.')[2]}" for t in GEBEURTENISSEN}
    assert expected <= sent, sorted(expected - sent)


def test_every_topic_a_service_reads_has_its_dead_letter_topic_in_its_document() -> None:
    for name, document in DOCUMENTS.items():
        read = _operations(document, "receive")
        assert read, name
        assert {f"{topic}.dlq" for topic in read} <= _operations(document, "send"), name


def test_the_servers_ask_for_the_sasl_scram_login() -> None:
    for name, document in DOCUMENTS.items():
        assert document["components"]["securitySchemes"] == {"scram512": {"type": "scramSha512"}}, name
        for server in document["servers"].values():
            assert server["security"] == [{"$ref": "#/components/securitySchemes/scram512"}], name


def test_every_field_the_sharing_policy_allows_is_a_field_of_its_event() -> None:
    unknown = [
        (ce_type, veld)
        for o in load_deelbeleid().ontvangers.values()
        for ce_type, regel in o.typen.items()
        for veld in regel.velden
        if veld.split(".")[0] not in GEBEURTENISSEN[ce_type].model_fields
    ]
    assert not unknown, unknown


def _conforms(model: type[BaseModel], data: dict[str, Any]) -> None:
    """`data` (as JSON, the way it is emitted) validates against `model`, which names every field of it."""
    emitted = json.loads(json.dumps(data, default=str))
    model.model_validate(emitted)
    assert set(emitted) <= set(model.model_fields), sorted(set(emitted) - set(model.model_fields))


def test_the_event_models_match_the_data_the_domain_builds() -> None:
    """A document that misnames a field is worse than none: the data the domain functions build
    for an event (the part of it they build) fits that event's model."""
    melder = terugkoppeling.MelderRef("fnv", "R-1")
    _conforms(
        MeldingOntvangen,
        terugkoppeling.ontvangen(melder, "Z-1", date(2026, 5, 1), date(2026, 5, 20), gekoppeld=True).data,
    )
    for stap in (
        terugkoppeling.gekoppeld(melder, "Z-1"),
        terugkoppeling.inspectie_gepland(melder, "Z-1", date(2026, 5, 4)),
        terugkoppeling.geinspecteerd(melder, "Z-1", date(2026, 5, 4)),
        terugkoppeling.uitkomst(melder, "Z-1", overtreding_vastgesteld=True),
        terugkoppeling.gesloten(melder, "Z-1"),
    ):
        _conforms(MeldingStatusGewijzigd, stap.data)
    policy = load_policy("huidig")
    adres = {"postcode": "1012AB", "huisnummer": "1", "gemeentecode": "GM0363"}
    for data in (
        voorbeelden.huurcontract("HC-1", "12345678", adres),
        voorbeelden.goed_huurcontract("HC-2", "12345678", adres),
    ):
        controle = controleer(HuurcontractAangeboden.model_validate(data, strict=False), date(2026, 5, 1), policy)
        _conforms(HuisvestingGecontroleerd, {**controle.als_data(), "aanleiding": {"soort": "contract", "id": "x"}})
    signalen = [
        Signaal("melding_vakbond", "e-1", date(2026, 4, 1)),
        Signaal("loonaangifte_onder_wml", "e-2", date(2026, 3, 1)),
    ]
    _conforms(Risico, score(signalen, date(2026, 5, 1), policy).als_data())
