"""Write each service's AsyncAPI 3 document with `faststream docs gen` (declared in shared/asyncapi.py).

`make asyncapi` writes docs/asyncapi/<service>.yaml; with --check it only reports (exit 1) the
documents that differ from what is committed (tests/test_asyncapi.py runs that). The documents
describe the secured deployment (deploy/k8s, Strimzi component): its bootstrap address and the
SASL/SCRAM-SHA-512 login every service has there; never this shell's settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.stackenv import ROOT

SERVICES = ("melding", "inspectie", "loonvordering", "huisvesting", "deling")
OUT = ROOT / "docs" / "asyncapi"
DEPLOYMENT = {
    "KAFKA_BOOTSTRAP_SERVERS": "waardigwerk-kafka-bootstrap:9092",
    "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
}


def environment() -> dict[str, str]:
    """This process's environment without any stack settings, with those of the secured deployment."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("WAARDIGWERK_", "KAFKA_"))}
    return {**kept, **DEPLOYMENT, "PYTHONPATH": str(ROOT)}


def generate(names: tuple[str, ...], folder: Path) -> dict[str, str]:
    """`faststream docs gen services.<name>.app:app --yaml` for each service (side by side): the texts."""
    gen = [sys.executable, "-m", "faststream", "docs", "gen"]
    running = {
        name: subprocess.Popen(
            [*gen, f"services.{name}.app:app", "--yaml", "--out", str(folder / f"{name}.yaml")],
            cwd=ROOT,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in names
    }
    for name, process in running.items():
        output, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"faststream docs gen for {name} failed:\n{output}")
    return {name: (folder / f"{name}.yaml").read_text() for name in names}


def main(argv: list[str]) -> int:
    """Write the documents, or with --check report (exit 1) those that differ from what is committed."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        texts = generate(SERVICES, Path(tmp))
    stale = []
    for name, text in texts.items():
        path = OUT / f"{name}.yaml"
        if "--check" in argv:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date (run make asyncapi): {', '.join(stale)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
