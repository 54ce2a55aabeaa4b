"""Who may do what on the secure broker: the principals and ACLs of `deploy/kafka/acl.yaml`.

The table is data so it can be reviewed on its own; this module expands it into principals
(one SCRAM-SHA-512 user each) and ACL bindings, and creates the bindings with the admin
principal. aiokafka's admin client has no ACL call, so the bindings go out as one CreateAcls
request (Kafka API 30, v1: the first version with prefixed patterns) through aiokafka's client.
Creating a binding that exists is a no-op for the broker, so this runs on every start: the local
stack once its secure broker answers, the `acls` job of docker-compose.secure.yml as
`python -m deploy.local.acl` (broker and admin login from KAFKA_BOOTSTRAP_SERVERS / KAFKA_SASL_*).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from aiokafka.client import AIOKafkaClient
from aiokafka.protocol.admin import CreateAclsRequest_v1
from aiokafka.protocol.api import Request

from deploy.local.layout import KAFKA_ADMIN_USER, ROOT, StackError
from shared.settings import Settings

TABLE = ROOT / "deploy" / "kafka" / "acl.yaml"
MECHANISM = "SCRAM-SHA-512"
SERVICE_PREFIX = "dienst-"  # service principals are `dienst-<service>`
PARTNER_GROUP_PREFIX = "partner-"  # a partner's consumer groups start with `partner-<principal>`


class Resource(IntEnum):
    TOPIC = 2
    GROUP = 3


class Pattern(IntEnum):
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8


ALLOW = 3
OPERATIONS = {
    "read": (Operation.READ, Operation.DESCRIBE),
    "write": (Operation.WRITE, Operation.DESCRIBE),
    "write_prefixed": (Operation.WRITE, Operation.DESCRIBE, Operation.CREATE),
}


@dataclass(frozen=True)
class Principal:
    """One SCRAM user and what it may touch (topic names; group and write prefixes)."""

    name: str
    kind: str  # "service" | "partner"
    read: tuple[str, ...]
    write: tuple[str, ...]
    groups: str
    write_prefixed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Binding:
    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation


@dataclass(frozen=True)
class Table:
    principals: tuple[Principal, ...]
    admin: str = KAFKA_ADMIN_USER

    def principal(self, name: str) -> Principal:
        return next(p for p in self.principals if p.name == name)

    @property
    def users(self) -> list[str]:
        """Every SCRAM user the broker needs: the admin first."""
        return [self.admin, *(p.name for p in self.principals)]


def service_principal(service: str) -> str:
    return f"{SERVICE_PREFIX}{service}"


def _expand(template: str, sets: dict[str, list[str]]) -> list[dict[str, str]]:
    """The substitutions of `template`'s single `{placeholder}` (none: one, empty)."""
    names = re.findall(r"\{(\w+)\}", template)
    if not names:
        return [{}]
    if len(names) > 1 or names[0] not in sets:
        raise StackError(f"{TABLE}: {template!r} needs exactly one placeholder named under `sets`")
    return [{names[0]: value} for value in sets[names[0]]]


def parse(raw: dict[str, Any]) -> Table:
    common = raw.get("every_service", {})
    principals: list[Principal] = []
    for service, entry in raw["services"].items():
        principals.append(
            Principal(
                name=service_principal(service),
                kind="service",
                read=(*entry.get("read", ()), *common.get("read", ())),
                write=(*entry.get("write", ()), *common.get("write", ())),
                groups=entry["groups"],
                write_prefixed=tuple(entry.get("write_prefixed", ())),
            )
        )
    sets = raw.get("sets", {})
    for template, entry in raw["partners"].items():
        for values in _expand(template, sets):
            name = template.format(**values)
            principals.append(
                Principal(
                    name=name,
                    kind="partner",
                    read=tuple(topic.format(**values) for topic in entry.get("read", ())),
                    write=tuple(topic.format(**values) for topic in entry.get("write", ())),
                    groups=f"{PARTNER_GROUP_PREFIX}{name}",
                )
            )
    return Table(principals=tuple(principals))


@cache
def load(path: Path = TABLE) -> Table:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def bindings(table: Table) -> list[Binding]:
    """Every ALLOW binding the table grants; nothing else is allowed (default-deny)."""
    out: list[Binding] = []
    for p in table.principals:
        user = f"User:{p.name}"
        for key, topics, pattern in (
            ("read", p.read, Pattern.LITERAL),
            ("write", p.write, Pattern.LITERAL),
            ("write_prefixed", p.write_prefixed, Pattern.PREFIXED),
        ):
            out += [Binding(user, Resource.TOPIC, t, pattern, op) for t in topics for op in OPERATIONS[key]]
        out += [Binding(user, Resource.GROUP, p.groups, Pattern.PREFIXED, op) for op in OPERATIONS["read"]]
    return out


def client_options(user: str, password: str) -> dict[str, str]:
    """aiokafka keyword arguments for a SASL/SCRAM client of the secure broker."""
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": user,
        "sasl_plain_password": password,
    }


class CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped here
    """Many bindings in one CreateAcls request (aiokafka's own request class carries one)."""

    API_KEY = 30

    def __init__(self, creations: list[Binding]) -> None:
        self.creations = creations

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(
            [(b.resource, b.name, b.pattern, b.principal, "*", b.operation, ALLOW) for b in self.creations]
        )


async def apply(bootstrap: str, admin_password: str, table: Table | None = None) -> int:
    """Create the table's bindings on the broker (as the admin); returns how many were sent."""
    table = table or load()
    wanted = bindings(table)
    client = AIOKafkaClient(bootstrap_servers=bootstrap, **client_options(table.admin, admin_password))
    await client.bootstrap()
    try:
        response = await client.send(client.get_random_node(), CreateAcls(wanted))
    finally:
        await client.close()
    failed = [
        f"{binding}: {message or code}"
        for binding, (code, message) in zip(wanted, response.creation_responses, strict=True)
        if code != 0
    ]
    if failed:
        raise StackError("creating the Kafka ACLs failed:\n  " + "\n  ".join(failed))
    return len(wanted)


if __name__ == "__main__":
    settings = Settings()
    password = settings.kafka_sasl_password.get_secret_value()
    count = asyncio.run(apply(settings.kafka_bootstrap_servers, password))
    print(f"{count} ACL bindings for {len(load().principals)} principals (default-deny)")
