"""Write JSON schemas for kubeconform from CustomResourceDefinitions (the operators' own CRD files).

kubeconform validates the built-in kinds against the Kubernetes schemas (the `kubernetes-validate`
package ships them, so no download at test time) and custom resources against files named
`<kind>_<version>.json`. This turns each served version's `openAPIV3Schema` of a CRD into such a
file, strict like the built-in ones: an object that lists its properties accepts no others
(unless the CRD says it keeps unknown fields). The results are committed under `schemas/`;
run again when the operator version in deploy/k8s/README.md changes:

    uv run python deploy/k8s/crd_schemas.py path/to/040-Crd-kafka.yaml ... path/to/postgresql.cnpg.io_clusters.yaml
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).parent / "schemas"


def strict(node: Any) -> Any:
    """Close every object that names its properties, recursively."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: strict(value) for key, value in node.items()}
    open_ended = closed.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in closed and "additionalProperties" not in closed and not open_ended:
        closed["additionalProperties"] = False
    return closed


def schemas(crd: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> schema, one per served version."""
    kind = crd["spec"]["names"]["kind"].lower()
    found = {}
    for version in crd["spec"]["versions"]:
        if not version.get("served", True):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        schema.setdefault("properties", {})
        schema["properties"].setdefault("apiVersion", {"type": "string"})
        schema["properties"].setdefault("kind", {"type": "string"})
        schema["properties"].setdefault("metadata", {"type": "object"})
        found[f"{kind}_{version['name']}.json"] = schema
    return found


def main(paths: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    for path in paths:
        for document in yaml.safe_load_all(Path(path).read_text()):
            if document and document.get("kind") == "CustomResourceDefinition":
                for name, schema in schemas(document).items():
                    (OUT / name).write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
                    print(f"{OUT / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
