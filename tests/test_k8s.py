"""The Kubernetes manifests (deploy/k8s): rendered by kustomize, valid against the Kubernetes and
operator schemas (kubeconform, offline), and shaped as the platform needs: probes on the health
endpoints, resource requests, secrets only from Secret objects, a PodDisruptionBudget and (for the
services that scale) an autoscaler per service, two replicas where the service is safe at two.
Needs `make setup` (kustomize and kubeconform from the Go module proxy); no cluster, no network."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
import yaml

from deploy.k8s import strimzi, validate
from deploy.local import acl
from shared.topics import precreated

SCALED = {"melding", "inspectie", "deling", "console"}  # safe at two replicas (tests/e2e/test_replicas.py)
ONE = {"loonvordering", "huisvesting"}
SECRET_LIKE = re.compile(r"PASSWORD|SECRET|KEY|DATABASE_URL")


@cache
def rendered(overlay: str) -> str:
    return validate.render(validate.OVERLAYS / overlay)


def resources(overlay: str, kind: str | None = None) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(rendered(overlay)) if d]
    return [d for d in docs if kind is None or d["kind"] == kind]


def by_service(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"].removeprefix("waardigwerk-"): d for d in resources(overlay, kind)}


@pytest.mark.parametrize("overlay", ["bestaand", "operators"])
def test_every_rendered_resource_is_valid_against_its_schema(overlay: str) -> None:
    outcome = validate.check(rendered(overlay))
    assert outcome.problems == []
    assert outcome.valid == len(resources(overlay)) > 0


def test_the_validator_rejects_what_kubernetes_would_reject() -> None:
    broken = (
        rendered("bestaand").replace("replicas: 2", "replicas: two").replace("maxUnavailable: 1", "maxUnavalable: 1")
    )
    outcome = validate.check(broken)
    assert any("replicas" in p for p in outcome.problems)
    assert any("maxUnavalable" in p for p in outcome.problems)
    topic = strimzi.topics()[0] | {"spec": {"partitions": "drie", "topicName": "x"}}
    assert validate.check(yaml.safe_dump(topic)).problems, "a custom resource is checked against its CRD too"


def test_every_service_and_the_console_is_deployed_with_probes_requests_and_secret_refs() -> None:
    deployments = by_service("bestaand", "Deployment")
    assert set(deployments) == SCALED | ONE
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["args"] == ["python", "-m", f"services.{name}"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
        assert {"name": "WAARDIGWERK_HEALTH_PORT", "value": str(port)} in container["env"]
        for env in container["env"]:
            if SECRET_LIKE.search(env["name"]):
                assert "secretKeyRef" in env.get("valueFrom", {}), f"{name}: {env['name']} must come from a Secret"


def test_replicas_pdb_and_autoscaler_per_service() -> None:
    deployments = by_service("bestaand", "Deployment")
    budgets = by_service("bestaand", "PodDisruptionBudget")
    autoscalers = by_service("bestaand", "HorizontalPodAutoscaler")
    assert {n for n, d in deployments.items() if d["spec"]["replicas"] >= 2} == SCALED
    assert set(budgets) == set(deployments)
    for name, budget in budgets.items():
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        selector = budget["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels.items() and selector["app.kubernetes.io/name"] == name
    assert set(autoscalers) == SCALED
    for name, hpa in autoscalers.items():
        assert hpa["spec"]["scaleTargetRef"]["name"] == deployments[name]["metadata"]["name"]
        assert hpa["spec"]["minReplicas"] == deployments[name]["spec"]["replicas"] >= 2
        assert hpa["spec"]["maxReplicas"] <= 3, "more consumers than partitions would sit idle"


def test_strimzi_resources_are_current_with_the_topic_and_acl_tables() -> None:
    for path, text in strimzi.generated().items():
        assert path.read_text() == text, f"{path} is stale: uv run python -m deploy.k8s.strimzi"
    topics = {t["spec"]["topicName"]: t["spec"] for t in resources("operators", "KafkaTopic")}
    assert set(topics) == set(precreated())
    assert all(t["replicas"] == 3 and t["config"]["min.insync.replicas"] == "2" for t in topics.values())
    users = {u["metadata"]["name"] for u in resources("operators", "KafkaUser")}
    assert users == {p.name for p in acl.load().principals}


def test_the_operators_overlay_points_the_services_at_strimzi_and_cloudnative_pg() -> None:
    (config,) = resources("operators", "ConfigMap")
    assert config["data"]["KAFKA_BOOTSTRAP_SERVERS"] == "waardigwerk-kafka-bootstrap:9092"
    assert config["data"]["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    for name, deployment in by_service("operators", "Deployment").items():
        env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "waardigwerk-db-app", "key": "uri"}
        login = env["KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"]
        assert login == env["KAFKA_SASL_USERNAME"]["value"] == acl.service_principal(name)
