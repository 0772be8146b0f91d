"""Compose and Kubernetes run the same processes from the same images with the same settings:
every variable either sets is one the code reads (no typo goes unnoticed), every setting a
process needs is in both, and secrets come from secret stores in both."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.kube import REPO, render
from tests.helpers import SERVICE_NAMES, SERVICE_PORTS
from tests.unit.test_compose import compose, environment

ROLES = ("web", "worker", "migrate")
# What every process of a service must be given (the rest has defaults).
NEEDED = {
    "web": {
        "AFTERCARE_{S}_DATABASE_URL",
        "AFTERCARE_AMQP_URL",
        "AFTERCARE_TRANSPORT",
        "AFTERCARE_JWT_SECRET_FILE",
        "GUNICORN_BIND",
        "PROMETHEUS_MULTIPROC_DIR",
    },
    "worker": {"AFTERCARE_{S}_DATABASE_URL", "AFTERCARE_AMQP_URL", "AFTERCARE_TRANSPORT"},
    "migrate": {"AFTERCARE_{S}_DATABASE_URL"},
}
SECRET_NAME = re.compile(r"(URL|SECRET|PASSWORD|KEY)$")


def variables_read(service: str) -> set[str]:
    """Every variable the kit and the service's own code read, found in their source:
    literal names, the per-service ones (``AFTERCARE_{service.upper()}_...``) spelled out,
    and the service's options (``option("name", ...)`` reads ``AFTERCARE_<SERVICE>_NAME``)."""
    names: set[str] = set()
    sources = [*(REPO / "shared").rglob("*.py"), *(REPO / "services" / service).rglob("*.py")]
    for source in sources:
        text = source.read_text()
        names |= set(re.findall(r'"((?:AFTERCARE|GUNICORN|PROMETHEUS)_[A-Z_]+)"', text))
        for suffix in re.findall(r'f"AFTERCARE_\{service\.upper\(\)\}_([A-Z_]+)"', text):
            names.add(f"AFTERCARE_{service.upper()}_{suffix}")
        for option in re.findall(r'option\(\s*"([a-z_]+)"', text):
            names.add(f"AFTERCARE_{service.upper()}_{option.upper()}")
    return names


def test_the_variable_finder_finds_what_the_code_reads() -> None:
    found = variables_read("intake")
    assert {
        "AFTERCARE_INTAKE_DATABASE_URL",
        "AFTERCARE_INTAKE_DATABASE_URL_FILE",
        "AFTERCARE_AMQP_URL",
        "AFTERCARE_JWT_SECRET_FILE",
        "AFTERCARE_CONSUME_REGIONS",
        "GUNICORN_WORKERS",
        "PROMETHEUS_MULTIPROC_DIR",
        "AFTERCARE_BIND",
    } <= found
    assert "AFTERCARE_DISPATCH_DATABASE_URL" not in found
    assert "AFTERCARE_DISPATCH_FAILED_VISITS_BEFORE_ESCALATION" in variables_read("dispatch")


def k8s_env(name: str, role: str) -> dict[str, dict[str, Any]]:
    """The variables a Kubernetes container gets: its ConfigMaps' keys and its own env."""
    path = f"overlays/production/{name}" + ("/migrate" if role == "migrate" else "")
    objects = render(path)
    kind, object_name = ("Job", None) if role == "migrate" else ("Deployment", f"{name}-{role}")
    [doc] = [
        o
        for o in objects
        if o["kind"] == kind and (object_name is None or o["metadata"]["name"] == object_name)
    ]
    [main] = doc["spec"]["template"]["spec"]["containers"]
    config = {
        o["metadata"]["name"]: o["data"]
        for o in render("overlays/production/platform")
        if o["kind"] == "ConfigMap"
    }
    env: dict[str, dict[str, Any]] = {}
    for source in main.get("envFrom", []):
        for key, value in config[source["configMapRef"]["name"]].items():
            env[key] = {"value": value}
    for item in main["env"]:
        env[item["name"]] = item
    return env


def compose_env(name: str, role: str) -> dict[str, str]:
    return environment(compose()["services"][f"{name}-{role}"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_compose_and_kubernetes_give_a_process_the_same_settings(name: str, role: str) -> None:
    in_compose, in_k8s = set(compose_env(name, role)), set(k8s_env(name, role))
    assert in_compose == in_k8s
    assert in_k8s <= variables_read(name), "a variable no code reads (a typo?)"
    needed = {v.replace("{S}", name.upper()) for v in NEEDED[role]}
    assert needed <= in_k8s


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_secrets_come_from_secret_stores(name: str, role: str) -> None:
    for variable, item in k8s_env(name, role).items():
        if SECRET_NAME.search(variable):
            assert "secretKeyRef" in item.get("valueFrom", {}), variable
        if variable.endswith("_FILE"):
            assert item["value"].startswith("/run/secrets/"), variable
    for variable, value in compose_env(name, role).items():
        if SECRET_NAME.search(variable):
            assert "${" in value, f"{variable} must come from the environment in compose"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_compose_and_kubernetes_run_the_same_image_and_ports(name: str) -> None:
    services = compose()["services"]
    tag = re.sub(r"\$\{AFTERCARE_VERSION:-([^}]+)\}", r"\1", services[f"{name}-web"]["image"])
    tag = tag.replace("${AFTERCARE_REGISTRY:-aftercare}", "aftercare")
    base = render(f"base/services/{name}")
    images = {
        c["image"]
        for o in base
        if o["kind"] == "Deployment"
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {tag}
    port = SERVICE_PORTS[name]
    assert compose_env(name, "web")["GUNICORN_BIND"].endswith(f":{port}")
    assert k8s_env(name, "web")["GUNICORN_BIND"]["value"].endswith(f":{port}")
    assert services[f"{name}-worker"]["expose"] == [str(port + 1000)]


def test_the_jwt_key_is_mounted_where_the_web_reads_it() -> None:
    for name in SERVICE_NAMES:
        web = next(
            o
            for o in render(f"overlays/production/{name}")
            if o["kind"] == "Deployment" and o["metadata"]["name"] == f"{name}-web"
        )
        [main] = web["spec"]["template"]["spec"]["containers"]
        path = Path(k8s_env(name, "web")["AFTERCARE_JWT_SECRET_FILE"]["value"])
        mounts = {m["mountPath"]: m["name"] for m in main["volumeMounts"]}
        volumes = {v["name"]: v for v in web["spec"]["template"]["spec"]["volumes"]}
        volume = volumes[mounts[str(path.parent)]]
        assert volume["secret"]["secretName"] == "aftercare-jwt"
        assert path.name == "secret"
