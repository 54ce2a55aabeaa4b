"""Start, stop and inspect the whole waardigwerk stack on this machine.

    uv run python deploy/local/stack.py up          # everything, back when every part is healthy
    uv run python deploy/local/stack.py down        # stop exactly what up started
    uv run python deploy/local/stack.py status      # what runs where (exit 0 only if all is healthy)
    uv run python deploy/local/stack.py restart [NAME...] | kill NAME... | start NAME... | stop NAME...
    uv run python deploy/local/stack.py fetch       # only fetch the Kafka jars (make setup)

Without a Docker engine the stack is real local processes: the Apache Kafka broker in KRaft mode,
a PostgreSQL server and one process per service, each logging to `<state>/logs/<part>.log`.
With WAARDIGWERK_STACK_MODE=docker, `up`/`down` use docker-compose.yml instead. Either way `up` writes
`<state>/env` with the connection details and generated credentials.

Environment: WAARDIGWERK_STACK_DIR (state, default .stack), WAARDIGWERK_PORT_OFFSET (added to every
port), WAARDIGWERK_CACHE (Kafka jars, default ~/.cache/waardigwerk), WAARDIGWERK_TEST_CLOCK and
WAARDIGWERK_BELEID (passed to the services; `restart` with them set switches running services),
WAARDIGWERK_SERVICES (which services, see service_procs.py), WAARDIGWERK_STACK_MODE (local|docker),
WAARDIGWERK_SECURE=1 (local broker with SASL/SCRAM and default-deny ACLs, docs/security.md).
WAARDIGWERK_KAFKA_BROKERS=3 (a 3-node KRaft cluster, topics RF 3 / min ISR 2; kafka_broker.py, and
docker-compose.cluster.yml in docker mode),
WAARDIGWERK_REPLICAS=melding=2,... (more processes of a service in its consumer group; service_procs.py).
`up --kafka BOOTSTRAP --database URL` runs only the services, against a broker and a database
started elsewhere (the test fixture does this with testcontainers).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if not __package__:  # run as a script: import from the repository root, never from deploy/local
    sys.path[0] = str(Path(__file__).resolve().parents[2])

from deploy.local import compose
from deploy.local.kafka_broker import bootstrap_servers, brokers, brokers_requested, ensure_jars, secure_users
from deploy.local.layout import (
    PASSED_THROUGH,
    Layout,
    Record,
    StackError,
    env_values,
    requested,
    secure_requested,
    write_env_file,
)
from deploy.local.part import Part
from deploy.local.postgres_server import PostgresServer
from deploy.local.service_procs import (
    ServiceProcess,
    configured,
    parse_replica,
    replicas_requested,
    service_env,
)
from deploy.local.topics import ensure_topics

STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


class Stack:
    """The parts of one recorded stack, in start order."""

    def __init__(self, layout: Layout, record: Record) -> None:
        self.layout = layout.with_offset(record.offset)
        self.record = record
        local = record.mode == "local"
        passwords = record.kafka_passwords if record.secure else None
        nodes = brokers(self.layout, passwords, record.kafka_brokers) if local and not record.external_kafka else []
        self.kafka_nodes = nodes  # one broker, or every node of a cluster (WAARDIGWERK_KAFKA_BROKERS)
        self.kafka = nodes[0] if nodes else None
        self.postgres = (
            PostgresServer(self.layout, record.postgres_password) if local and not record.external_database else None
        )

    @property
    def bootstrap(self) -> str:
        return self.record.external_kafka or bootstrap_servers(self.layout, self.record.kafka_brokers)

    @property
    def database_url(self) -> str:
        if self.record.external_database:
            return self.record.external_database
        return compose.database_url(self.layout, self.record)

    def service(self, name: str, replica: int = 1) -> ServiceProcess:
        settings = {key: self.record.setting(name, key) for key in PASSED_THROUGH}
        env = service_env(name, self.bootstrap, self.database_url, settings, self.record)
        return ServiceProcess(self.layout, name, self.record.services[name], env, replica)

    @property
    def infrastructure(self) -> list[Part]:
        return [part for part in (*self.kafka_nodes, self.postgres) if part is not None]

    @property
    def services(self) -> list[ServiceProcess]:
        """Every service process: each service, then its further replicas (WAARDIGWERK_REPLICAS)."""
        return [
            self.service(name, replica)
            for name in self.record.services
            for replica in range(1, self.record.replicas.get(name, 1) + 1)
        ]

    @property
    def parts(self) -> list[Part]:
        return [*self.infrastructure, *self.services]

    def part(self, name: str) -> Part:
        for part in self.infrastructure:
            if part.name == name:
                return part
        if name in self.record.services:
            return self.service(name)
        service, replica = parse_replica(name)
        if service in self.record.services and replica > 1:
            return self.service(service, replica)  # a replica the stack may not run yet (`start` adds it)
        known = [part.name for part in self.infrastructure] + list(self.record.services)
        raise StackError(f"no part {name!r} in this stack (known: {', '.join(known)})")

    def running_locally(self) -> bool:
        return self.record.mode == "local" and any(part.pid() for part in self.parts)

    def write_env(self) -> None:
        write_env_file(
            self.layout, self.record, env_values(self.layout, self.record, self.bootstrap, self.database_url)
        )


# -- bringing parts up ------------------------------------------------------------------------
async def gather_all(steps: Iterable[Awaitable[None]]) -> None:
    """Run concurrently; if any fail, report every failure, not only the first."""
    outcomes = await asyncio.gather(*steps, return_exceptions=True)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    for error in errors:
        if not isinstance(error, StackError):
            raise error
    if errors:
        raise StackError("\n".join(str(error) for error in errors))


async def bring_up(part: Part) -> None:
    pid = part.pid()
    if pid is not None:
        say(f"{part.name}: already running (pid {pid})")
    else:
        await asyncio.to_thread(part.prepare, say)
        say(f"{part.name}: starting on {part.address} (pid {part.start()}, log {part.log})")
    seconds = await part.wait_until_answers()
    await part.settle(say)
    say(f"{part.name}: healthy after {seconds:.1f} s")


async def bring_up_stack(stack: Stack) -> None:
    await gather_all(bring_up(part) for part in stack.infrastructure)
    if stack.kafka is None:
        say(f"kafka: external broker {stack.bootstrap}: topics ready ({await ensure_topics(stack.bootstrap)} created)")
    await gather_all(bring_up(service) for service in stack.services)


async def health(parts: list[Part]) -> list[bool]:
    return list(await asyncio.gather(*(part.healthy() for part in parts)))


# -- commands ---------------------------------------------------------------------------------
def fresh_record(layout: Layout, previous: Record | None, args: argparse.Namespace) -> Record:
    """What a new `up` runs: from the caller's environment, keeping the secrets the stack already has."""
    record = Record(offset=layout.offset, external_kafka=args.kafka, external_database=args.database)
    if previous is not None:
        record.postgres_password = previous.postgres_password
        record.console_admin_password = previous.console_admin_password
        record.pseudonym_key = previous.pseudonym_key
        record.kafka_passwords = previous.kafka_passwords  # the SCRAM users live on in the Kafka storage
    mode = os.environ.get("WAARDIGWERK_STACK_MODE", "")
    if args.kafka or args.database or mode == "local":
        record.mode = "local"
    elif mode == "docker":  # only when asked: an engine that happens to answer changes nothing
        record.mode = "docker"
    record.services = configured(os.environ)
    record.kafka_brokers = brokers_requested(os.environ)
    if record.kafka_brokers > 1 and record.external_kafka:
        raise StackError("WAARDIGWERK_KAFKA_BROKERS>1 starts a cluster: an external broker is a cluster of its own")
    if record.mode == "docker" and record.kafka_brokers not in (1, compose.CLUSTER_BROKERS):
        raise StackError(
            f"WAARDIGWERK_KAFKA_BROKERS={record.kafka_brokers}: with Docker Compose one broker or "
            f"{compose.CLUSTER_BROKERS} (docker-compose.cluster.yml)"
        )
    record.replicas = replicas_requested(os.environ, record.services)
    for name in record.services:
        record.apply(name, requested(os.environ))
    if secure_requested(os.environ):
        if record.external_kafka:
            raise StackError("WAARDIGWERK_SECURE=1 secures a broker the stack starts, not an external one")
        if record.mode == "docker" and record.kafka_brokers > 1:
            raise StackError("WAARDIGWERK_SECURE=1 with Docker Compose: one broker, not WAARDIGWERK_KAFKA_BROKERS>1")
        known = record.kafka_passwords
        record.secure = True
        record.kafka_passwords = {user: known.get(user) or secrets.token_urlsafe(24) for user in secure_users()}
    return record


def cmd_up(layout: Layout, args: argparse.Namespace) -> int:
    if bool(args.kafka) != bool(args.database):
        raise StackError("--kafka and --database go together (services against an external broker and database)")
    previous = Record.load(layout)
    if previous is not None and (stack := Stack(layout, previous)).running_locally():
        if all(asyncio.run(health(stack.parts))):
            print(f"The stack in {stack.layout.state} is already running: nothing to do.")
            stack.write_env()  # an `up` that ran out of time before every part answered did not write it
            warn_about_ignored_settings(stack.record)
            summary(stack)
            return 0
        say("the stack is partly running: starting what is missing")
    else:
        record = fresh_record(layout, previous, args)
        record.save(layout)
        stack = Stack(layout, record)
        if record.mode == "docker":
            say("WAARDIGWERK_STACK_MODE=docker: docker compose up")
            compose.up(stack.layout, record)
            stack.write_env()
            summary(stack)
            return 0
    asyncio.run(bring_up_stack(stack))
    stack.write_env()
    summary(stack)
    return 0


def warn_about_ignored_settings(record: Record) -> None:
    if secure_requested(os.environ) != record.secure:
        print(f"Note: the running broker is {'secure' if record.secure else 'not secure'}; `make down` and up again.")
    for key, value in requested(os.environ).items():
        running = record.stack_setting(key)[0]
        if running != value:
            print(
                f"Note: the stack runs with {key}={running}, not the {value} you set. To switch, "
                f"`{key}={value} uv run python deploy/local/stack.py restart` (or `make down` and up again)."
            )


def summary(stack: Stack) -> None:
    layout, record = stack.layout, stack.record
    kind = "Docker Compose" if record.mode == "docker" else "local processes"
    print(f"\nwaardigwerk stack is up ({kind}), state in {layout.state}")
    if record.mode == "local":
        if record.external_kafka:
            print(f"  {'kafka':14s} {stack.bootstrap:38s} (not started by this stack)")
        if record.external_database:
            print(f"  {'postgres':14s} {'(external database)':38s} (not started by this stack)")
        for part in stack.parts:
            print(f"  {part.name:14s} {part.address:38s} log {part.log}")
    else:
        print(f"  {'kafka':14s} {stack.bootstrap}\n  {'postgres':14s} 127.0.0.1:{layout.port('postgres')}")
    clock = "on" if record.stack_setting("WAARDIGWERK_TEST_CLOCK")[0] == "1" else "off"
    print(f"  test clock {clock}, beleid {record.stack_setting('WAARDIGWERK_BELEID')[0]}")
    if record.secure:
        print("  kafka: SASL/SCRAM-SHA-512, default-deny ACLs (deploy/kafka/acl.yaml); the env file logs in as admin")
    print(f"  connection details and console login: {layout.env_file}  (`source {layout.env_file}`)")
    print("  stop it with: make down")


def cmd_down(layout: Layout) -> int:
    record = Record.load(layout)
    wipe = os.environ.get("WAARDIGWERK_WIPE", "").strip().lower() in {"1", "true", "yes", "on"}
    if record is None and os.environ.get("WAARDIGWERK_STACK_MODE") == "docker":
        # No record here (a new checkout in the same place), but the engine may still run this
        # state directory's project from an earlier one: its containers would hold the ports.
        compose.down_project(layout, wipe=wipe)
        print(f"No stack record in {layout.state}; compose project {compose.project(layout)} is down.")
        return 0
    if record is None:
        print(f"No stack in {layout.state}: nothing to stop.")
        return 0
    stack = Stack(layout, record)
    if record.mode == "docker":
        compose.down(stack.layout, record, wipe=wipe)
        if wipe:
            layout.env_file.unlink(missing_ok=True)
            print(f"Stack in {stack.layout.state} stopped and its volumes removed (WAARDIGWERK_WIPE).")
            return 0
    else:
        services = list(reversed(stack.services))
        with ThreadPoolExecutor(max_workers=max(len(services), 1)) as pool:
            outcomes = list(pool.map(lambda service: service.stop(), services))
        for service, outcome in zip(services, outcomes, strict=True):
            say(f"{service.name}: {outcome}")
        for part in reversed(stack.infrastructure):
            say(f"{part.name}: {part.stop()}")
        released = stack.postgres.release() if stack.postgres else None
        if released:
            say(f"postgres: {released}")
    layout.env_file.unlink(missing_ok=True)
    print(f"Stack in {stack.layout.state} stopped (data kept; `make up` starts it again).")
    return 0


def cmd_status(layout: Layout) -> int:
    record = Record.load(layout)
    if record is None:
        print(f"No stack in {layout.state}.")
        return 1
    stack = Stack(layout, record)
    if record.mode == "docker":
        compose.status(stack.layout, record)
        return 0
    parts = stack.parts
    healthy = asyncio.run(health(parts))
    print(f"waardigwerk stack (local processes), state in {stack.layout.state}")
    for part, ok in zip(parts, healthy, strict=True):
        pid = part.pid()
        state = "healthy" if ok else ("not answering" if pid else "stopped")
        print(f"  {part.name:14s} {part.address:38s} pid {pid or '-':>7}  {state:13s} log {part.log}")
    if stack.layout.env_file.is_file():
        print(f"  env file: {stack.layout.env_file}")
    return 0 if all(healthy) else 1


def cmd_control(layout: Layout, action: str, names: list[str]) -> int:
    """`kill` (SIGKILL), `stop`, `start`, or `restart` (stop, then start) parts by name; wait until healthy.

    A (re)started service runs with the caller's WAARDIGWERK_TEST_CLOCK / WAARDIGWERK_BELEID where
    set, else with what it ran with before.
    """
    record = Record.load(layout)
    if record is None:
        raise StackError(f"no stack in {layout.state}: start it with `make up`")
    every_service = [service.name for service in Stack(layout, record).services]  # replicas too
    names = names or (every_service if action == "restart" else [])
    if not names:
        raise StackError(f"{action}: name at least one part")
    overrides = requested(os.environ)
    stack = Stack(layout, record)
    if record.mode == "docker":
        if action == "stop":
            raise StackError("stop: for a local stack; with Docker Compose use `docker compose stop`")
        return control_compose(stack, action, names, overrides)
    parts = [stack.part(name) for name in names]
    for part in parts:
        if action == "kill":
            say(f"{part.name}: {part.kill()}")
        elif action in ("restart", "stop"):
            say(f"{part.name}: {part.stop()}")
        elif part.pid() is not None:
            say(f"{part.name}: already running")
    if action == "kill":
        return 0
    if action == "stop":
        for part in parts:
            service, replica = parse_replica(part.name)
            if replica > 1 and replica == record.replicas.get(service):
                record.replicas[service] = replica - 1  # the last replica stopped: the stack shrinks
        record.replicas = {name: count for name, count in record.replicas.items() if count > 1}
        record.save(layout)
        return 0
    starting = [part.name for part in parts if part.pid() is None]
    for name in starting:
        if name in record.services:
            record.apply(name, overrides)
        service, replica = parse_replica(name)
        if service in record.services and replica > record.replicas.get(service, 1):
            record.replicas[service] = replica  # `down` and `status` include it from now on
    record.save(layout)
    asyncio.run(gather_all(bring_up(stack.part(name)) for name in starting))
    stack.write_env()
    return 0


def control_compose(stack: Stack, action: str, names: list[str], overrides: Mapping[str, str]) -> int:
    known = {*compose.kafka_nodes(stack.record), "postgres", *stack.record.services}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise StackError(f"no part {', '.join(unknown)} in this stack (known: {', '.join(sorted(known))})")
    if action == "kill":
        compose.kill(stack.layout, stack.record, names)
        return 0
    for name in names:
        settings = stack.record.apply(name, overrides) if name in stack.record.services else None
        compose.start(stack.layout, stack.record, [name], settings or {})
    stack.record.save(stack.layout)
    stack.write_env()
    return 0


def cmd_fetch(layout: Layout) -> int:
    if os.environ.get("WAARDIGWERK_STACK_MODE") == "docker":
        print("WAARDIGWERK_STACK_MODE=docker: the stack runs Kafka from its image, no jars needed.")
        return 0
    print(f"Kafka jars: {ensure_jars(layout, say)}")
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="stack.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start everything; return once every part is healthy")
    up.add_argument("--kafka", metavar="BOOTSTRAP", help="use this broker instead of starting one")
    up.add_argument("--database", metavar="URL", help="use this database instead of starting one")
    commands.add_parser("down", help="stop exactly what up started")
    commands.add_parser("status", help="what runs where; exit 0 only if every part is healthy")
    commands.add_parser("fetch", help="fetch the Kafka jars into the cache")
    for action, text in (
        ("restart", "restart parts (default: every service)"),
        ("kill", "SIGKILL parts"),
        ("start", "start parts that are not running (a replica: `start melding-2`)"),
        ("stop", "stop parts (local processes; the last replica of a service leaves the stack)"),
    ):
        commands.add_parser(action, help=text).add_argument("names", nargs="*", metavar="NAME")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # connection retries while the broker starts
    args = parse(argv)
    layout = Layout.from_environ(os.environ)
    try:
        if args.command == "up":
            return cmd_up(layout, args)
        if args.command == "down":
            return cmd_down(layout)
        if args.command == "status":
            return cmd_status(layout)
        if args.command == "fetch":
            return cmd_fetch(layout)
        return cmd_control(layout, args.command, args.names)
    except StackError as error:
        print(f"\nstack.py {args.command} failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nstack.py {args.command} interrupted; parts already started keep running (`make down`).")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
