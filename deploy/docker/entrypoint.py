"""Entrypoint of the services' image: secrets from files, then the command.

Compose mounts each secret as a file under /run/secrets/; a variable `NAME_FILE` that points
there becomes `NAME` with the file's content (unless `NAME` is set), so passwords never appear in
the compose file, in `docker inspect` or in a URL. `PGPASSWORD_FILE` gives the database password
to asyncpg and psycopg, which read `PGPASSWORD` when `DATABASE_URL` names none.

    python -m deploy.docker.entrypoint python -m services.melding
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

SECRETS = Path("/run/secrets")


def with_secrets(environ: Mapping[str, str], secrets: Path = SECRETS) -> dict[str, str]:
    env = dict(environ)
    for key, value in environ.items():
        name = key.removesuffix("_FILE")
        if name == key or not name or env.get(name) or not Path(value).is_relative_to(secrets):
            continue
        env[name] = Path(value).read_text().strip()
        del env[key]
    return env


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m deploy.docker.entrypoint COMMAND [ARG...]")
    os.execvpe(argv[0], argv, with_secrets(os.environ))


if __name__ == "__main__":
    main(sys.argv[1:])
