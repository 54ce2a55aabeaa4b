"""Write the secret files docker-compose.yml mounts, each a fresh random value; existing ones are kept.

    python deploy/docker/make_secrets.py [DIR] [--owner-of PATH] [--secure]     # default ./secrets

Runs with nothing but Python's standard library, so `docker compose run --rm generate-secrets`
works with Docker alone. `--secure` adds the secure broker's files (docker-compose.secure.yml:
the JAAS configuration, the SCRAM users, one password per principal of deploy/kafka/acl.yaml),
all made together and kept together; that part needs the project (the services' image has it),
which is why the secure override runs generate-secrets in that image.

The directory is private to its owner (0700); the files inside are
readable (0644) because the services run under their own user in the containers. Run as root (in
a container) with `--owner-of PATH`, they are given to the owner of PATH (the checkout's user).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

NAMES = ("db_password", "pseudonym_key", "console_admin_password", "console_session_secret")


def write_secrets(directory: Path, values: Mapping[str, str]) -> None:
    """Write `values` (name -> secret) into `directory`, replacing what is there."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    for name, value in values.items():
        tmp = directory / f".{name}.tmp"
        tmp.write_text(value + "\n")
        tmp.chmod(0o644)
        tmp.replace(directory / name)


def missing(directory: Path, names: Iterable[str] = NAMES) -> dict[str, str]:
    return {name: secrets.token_urlsafe(32) for name in names if not (directory / name).is_file()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="write the missing secret files")
    parser.add_argument("directory", nargs="?", default="secrets", type=Path)
    parser.add_argument("--owner-of", type=Path, help="give the files to the owner of this path (as root)")
    parser.add_argument("--secure", action="store_true", help="also the secure broker's (needs the project)")
    args = parser.parse_args(argv)
    directory: Path = args.directory
    new = missing(directory)
    write_secrets(directory, new)
    kept = len(NAMES) - len(new)
    if args.secure:
        kafka = missing_kafka_secrets(directory)
        write_secrets(directory, kafka)
        new |= kafka
    if args.owner_of is not None and os.geteuid() == 0:
        owner = args.owner_of.stat()
        for path in (directory, *directory.iterdir()):
            os.chown(path, owner.st_uid, owner.st_gid)
    print(f"secrets in {directory}: {len(new)} written, {kept} kept")
    return 0


def missing_kafka_secrets(directory: Path) -> dict[str, str]:
    """The secure broker's files with fresh passwords, unless they are there (then none: a JAAS
    file and SCRAM users from two different runs would not match)."""
    from deploy.local.compose import KAFKA_JAAS, kafka_files
    from deploy.local.kafka_broker import secure_users

    if (directory / KAFKA_JAAS).is_file():
        return {}
    return kafka_files({user: secrets.token_urlsafe(32) for user in secure_users()})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
