"""Rendering the overlays (kustomize, as built into kubectl) and checking objects offline:
built-in kinds against the Kubernetes JSON schemas (kubernetes-validate), custom resources
against the CRDs shipped in deploy/k8s/crds."""

from __future__ import annotations

import copy
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
CRDS = K8S / "crds"
# The oldest Kubernetes release the manifests promise to work on.
KUBERNETES_VERSION = "1.30.0"
OVERLAYS = ("staging", "production", "production-east")


def kubectl() -> str:
    found = shutil.which("kubectl")
    assert found, "kubectl (kustomize built in) is needed: .ci/run installs it"
    return found


@cache
def render(overlay: str) -> tuple[dict[str, Any], ...]:
    """``kubectl kustomize`` of a directory under deploy/k8s, as a list of objects."""
    done = subprocess.run(
        [kubectl(), "kustomize", str(K8S / overlay)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def find(objects: tuple[dict[str, Any], ...], kind: str, name: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def closed(schema: Any) -> Any:
    """An openAPIV3Schema as JSON Schema in which an object lists every field it admits, as
    strict field validation does: an unknown field (a typo) is an error."""
    if isinstance(schema, list):
        return [closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: closed(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    if "properties" in out:
        out["properties"] = {k: closed(v) for k, v in schema["properties"].items()}
    return out


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) → the JSON Schema of that custom resource."""
    schemas = {}
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            raw = copy.deepcopy(version["schema"]["openAPIV3Schema"])
            schemas[(f"{group}/{version['name']}", kind)] = closed(raw)
    return schemas


# Groups whose kinds kubernetes-validate knows ("" is the core group, apiVersion "v1").
BUILT_IN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io"}


def validate(doc: dict[str, Any]) -> None:
    """Raise when the object is not valid for its kind."""
    key = (doc["apiVersion"], doc["kind"])
    group = doc["apiVersion"].rpartition("/")[0]
    if key in crd_schemas():
        jsonschema.validate(doc, crd_schemas()[key])
    elif group in BUILT_IN_GROUPS:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    else:
        raise AssertionError(f"no CRD in deploy/k8s/crds for {key}")
