"""Render the Kubernetes manifests with kustomize and check them with kubeconform, offline.

    uv run python -m deploy.k8s.validate [OVERLAY...]      # default: every overlay

Tools: `kustomize` and `kubeconform`, pinned in `deploy/k8s/tools.sh` and installed by `make setup` from the Go
module proxy (`deploy/k8s/tools.sh`) into `$WAARDIGWERK_CACHE/go/bin`. Schemas: the built-in
kinds from the `kubernetes-validate` package (a dev dependency; it ships the Kubernetes JSON
schemas per version), made standalone here (its files refer to one shared definitions file by an
absolute path kubeconform cannot follow); the custom resources (Strimzi, CloudNativePG) from
`schemas/`, made from the operators' CRDs by `crd_schemas.py`. Nothing is downloaded at test time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
OVERLAYS = HERE / "overlays"
KUBERNETES_VERSION = "1.33.0"
DEFS_REF = "/api/_definitions.json#/$defs/"
LOCAL_REF = "#/$defs/"


class ToolMissing(Exception):
    pass


def tool(name: str) -> str:
    """The binary `make setup` installed, else one on PATH."""
    cache = Path(os.environ.get("WAARDIGWERK_CACHE") or Path.home() / ".cache" / "waardigwerk")
    installed = cache / "go" / "bin" / name
    if installed.is_file():
        return str(installed)
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(f"{name} is not installed: run `make setup` (deploy/k8s/tools.sh: go install)")
    return found


def render(overlay: Path) -> str:
    result = subprocess.run([tool("kustomize"), "build", str(overlay)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"kustomize build {overlay} failed:\n{result.stderr}")
    return result.stdout


def schema_file(api_version: str, kind: str) -> str:
    """kubeconform's name for a built-in kind's schema: `deployment-apps-v1.json`, `service-v1.json`."""
    group, _, version = api_version.rpartition("/")
    suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
    return f"{kind.lower()}{suffix}.json"


def _closure(node: Any, definitions: dict[str, Any], into: dict[str, Any]) -> None:
    """Copy every definition `node` refers to, directly or not, into `into`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith((DEFS_REF, LOCAL_REF)):
            name = ref.removeprefix(DEFS_REF).removeprefix(LOCAL_REF)
            if name not in into:
                into[name] = definitions[name]
                _closure(definitions[name], definitions, into)
        for value in node.values():
            _closure(value, definitions, into)
    elif isinstance(node, list):
        for item in node:
            _closure(item, definitions, into)


def builtin_schemas(target: Path, manifests: str, version: str = KUBERNETES_VERSION) -> Path:
    """Standalone strict schemas, in `target/v<version>-standalone-strict/`, of the built-in kinds
    the manifests use: each with only the definitions it needs, its references made local."""
    source = Path(str(files("kubernetes_validate"))) / "kubernetes-json-schema" / f"v{version}-local-strict"
    if not source.is_dir():
        raise ToolMissing(f"kubernetes-validate has no schemas for Kubernetes {version}: `uv sync`")
    out = target / f"v{version}-standalone-strict"
    out.mkdir(parents=True, exist_ok=True)
    needed = {schema_file(d["apiVersion"], d["kind"]) for d in yaml.safe_load_all(manifests) if d}
    missing = [name for name in needed if (source / name).is_file() and not (out / name).is_file()]
    if missing:
        definitions = json.loads((source / "_definitions.json").read_text())["$defs"]
        for name in missing:
            schema = json.loads((source / name).read_text())
            used: dict[str, Any] = {}
            _closure(schema, definitions, used)
            schema.pop("$id", None)
            schema["$defs"] = used
            (out / name).write_text(json.dumps(schema).replace(DEFS_REF, LOCAL_REF))
    return target


@dataclass(frozen=True)
class Outcome:
    valid: int
    problems: list[str]


def kubeconform(manifests: str, schema_dir: Path) -> Outcome:
    """Strict validation of every resource; a kind without a schema is a problem, not a skip."""
    locations = [
        f"{schema_dir}/{{{{ .NormalizedKubernetesVersion }}}}-standalone{{{{ .StrictSuffix }}}}/"
        "{{ .ResourceKind }}{{ .KindSuffix }}.json",
        f"{HERE / 'schemas'}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
    ]
    command = [tool("kubeconform"), "-strict", "-summary", "-output", "json", "-kubernetes-version", KUBERNETES_VERSION]
    for location in locations:
        command += ["-schema-location", location]
    result = subprocess.run([*command, "-"], input=manifests, capture_output=True, text=True, check=False)
    report: dict[str, Any] = json.loads(result.stdout or "{}")
    problems = [
        f"{r.get('kind')} {r.get('name')}: {r.get('status')} {r.get('msg', '')}"
        for r in report.get("resources", [])
        if r.get("status") != "statusValid"
    ]
    valid = int(report.get("summary", {}).get("valid", 0))
    if result.returncode != 0 and not problems:
        problems.append(result.stderr.strip() or f"kubeconform exit {result.returncode}")
    return Outcome(valid, problems)


def schema_cache() -> Path:
    return Path(os.environ.get("WAARDIGWERK_CACHE") or Path.home() / ".cache" / "waardigwerk") / "k8s-schemas"


def check(manifests: str) -> Outcome:
    return kubeconform(manifests, builtin_schemas(schema_cache(), manifests))


def overlays() -> list[Path]:
    return sorted(path.parent for path in OVERLAYS.glob("*/kustomization.yaml"))


def main(argv: list[str]) -> int:
    failed = 0
    for overlay in [Path(a).resolve() for a in argv] or overlays():
        outcome = check(render(overlay))
        print(f"{overlay.relative_to(HERE)}: {outcome.valid} resources valid, {len(outcome.problems)} problems")
        for problem in outcome.problems:
            print(f"  {problem}")
        failed += bool(outcome.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
