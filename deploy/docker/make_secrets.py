"""Write the secret files docker-compose.yml mounts, each a fresh random value; existing ones are kept.

    python deploy/docker/make_secrets.py [DIR]        # default ./secrets

Runs with nothing but Python's standard library, so `docker compose run --rm generate-secrets`
works with Docker alone. The directory is private to its owner (0700); the files inside are
readable (0644) because the services run under their own user in the containers. Run as root (in
a container), the files are given to the owner of the directory that holds DIR.
"""

from __future__ import annotations

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
    directory = Path(argv[0] if argv else "secrets")
    new = missing(directory)
    write_secrets(directory, new)
    if os.geteuid() == 0:
        owner = directory.resolve().parent.stat()
        for path in (directory, *(directory / name for name in NAMES)):
            os.chown(path, owner.st_uid, owner.st_gid)
    kept = len(NAMES) - len(new)
    print(f"secrets in {directory}: {len(new)} written, {kept} kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
