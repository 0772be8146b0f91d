"""docker-compose.yml, checked where no Docker engine runs: valid against the Compose
Specification's JSON Schema, and shaped as the deployment needs (a web, a worker and a
migration per service on the SPEC's ports, started in order, each service with its own
database and broker user, no secret written in the file)."""

from __future__ import annotations

import json
import os
import re
import tomllib
import urllib.request
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from sqlalchemy.engine import make_url

from shared.config import WORKER_METRICS_OFFSET
from tests.helpers import SERVICE_NAMES, SERVICE_PORTS

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
# Outside the repository: CI clones it beside a copy of the project's shared/ folder.
SCHEMA_FILE = REPO.parent / "shared" / "schemas" / "compose-spec.json"

# SPEC section 5: ports in local and compose runs.
SPEC_PORTS = {
    "intake": 8001,
    "dispatch": 8002,
    "maintenance": 8003,
    "returns": 8004,
    "complaints": 8005,
    "billing": 8006,
    "kpi": 8007,
    "support": 8008,
}
ROLES = ("web", "worker", "migrate")
REQUIRED_SECRETS = {"POSTGRES_PASSWORD"} | {
    f"{name.upper()}_{kind}_PASSWORD" for name in SERVICE_NAMES for kind in ("DB", "AMQP")
}


@cache
def compose_text() -> str:
    return COMPOSE_FILE.read_text()


@cache
def compose() -> dict[str, Any]:
    data = yaml.safe_load(compose_text())
    assert isinstance(data, dict)
    return data


def service(name: str) -> dict[str, Any]:
    services: dict[str, Any] = compose()["services"]
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return dict(services[name])


def environment(svc: Mapping[str, Any]) -> dict[str, str]:
    env = svc.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def conditions(svc: Mapping[str, Any]) -> dict[str, str]:
    deps = svc.get("depends_on", {})
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: dep["condition"] for name, dep in deps.items()}


def published(entry: str | Mapping[str, Any]) -> tuple[int, int]:
    """(host port, container port) of a `ports` entry, short or long syntax."""
    if isinstance(entry, Mapping):
        return int(entry["published"]), int(entry["target"])
    host, container = entry.rsplit(":", 2)[-2:]
    return int(host), int(container)


def bind_mounts(svc: Mapping[str, Any]) -> dict[str, str]:
    """Bind mounts of a service as {target: source}."""
    mounts = {}
    for volume in svc.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
            if source.startswith((".", "/")):
                mounts[target] = source
        elif volume["type"] == "bind":
            mounts[volume["target"]] = volume["source"]
    return mounts


# --- Compose variable interpolation (the subset of the spec this file may use) -------------
_TOKEN = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_]\w*)|)")
_BRACED = re.compile(r"(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Resolve ``$$``, ``$VAR`` and ``${VAR[:-default|-default|:?error|?error|:+alt|+alt]}``
    as Compose does; raise ValueError on a malformed reference or a missing required one."""

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        if match["braced"] is None:
            raise ValueError(f"lone '$' (write '$$' for a literal dollar) in {text!r}")
        braced = _BRACED.fullmatch(match["braced"])
        if braced is None:
            raise ValueError(f"invalid interpolation ${{{match['braced']}}} in {text!r}")
        name, op, arg = braced["name"], braced["op"], braced["arg"]
        value = env.get(name)
        present = value is not None and (value != "" or not (op or "").startswith(":"))
        if op in (":?", "?") and not present:
            raise ValueError(f"required variable {name} is missing: {arg}")
        if op in (":-", "-"):
            return value if present and value is not None else arg
        if op in (":+", "+"):
            return arg if present else ""
        return value or ""

    return _TOKEN.sub(substitute, text)


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def required_variables(text: str) -> set[str]:
    return set(re.findall(r"(?<!\$)\$\{([A-Za-z_]\w*):?\?", text))


# --- Literal secrets ------------------------------------------------------------------------
_SECRET_SETTING = re.compile(
    r"^\s*-?\s*(?P<key>\w*(?:PASSWORD|PASSWD|SECRET|TOKEN|COOKIE)\w*)\s*[:=][ \t]*(?P<value>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_URL_CREDENTIALS = re.compile(
    r"[a-z][a-z0-9+.-]*://(?P<user>[^:/@\s]+):(?P<password>\$\{[^}]*\}|[^@/\s]*)@"
)
# Only a required variable is acceptable: `${VAR:-default}` would put a literal default here.
_REQUIRED_REFERENCE = re.compile(r"""^["']?\$\{[A-Za-z_]\w*:?\?""")


def literal_secrets(text: str) -> list[str]:
    """Secret settings and URL passwords whose value is not a required `${VAR:?...}`."""
    found = []
    for match in _SECRET_SETTING.finditer(text):
        key, value = match["key"], match["value"].strip()
        if not value or value.startswith("#") or key.upper().endswith(("_FILE", "_PATH")):
            continue
        if not _REQUIRED_REFERENCE.match(value):
            found.append(match.group(0).strip())
    found += [
        match.group(0)
        for match in _URL_CREDENTIALS.finditer(text)
        if not _REQUIRED_REFERENCE.match(match["password"])
    ]
    return found


# --- Schema ---------------------------------------------------------------------------------
def test_compose_file_is_valid_against_the_compose_specification() -> None:
    assert SCHEMA_FILE.is_file(), f"Compose schema not found at {SCHEMA_FILE}"
    schema = json.loads(SCHEMA_FILE.read_text())
    # The schema names draft-07 in a form jsonschema does not look up: pin the draft.
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


def test_schema_check_rejects_what_compose_would() -> None:
    """The validation above has teeth: a misspelt key and a bad condition are refused."""
    schema = json.loads(SCHEMA_FILE.read_text())
    bad = {
        "services": {
            "a": {"image": "x", "comand": ["true"]},
            "b": {"image": "x", "depends_on": {"a": {"condition": "service_done"}}},
        }
    }
    messages = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(bad)]
    assert len(messages) == 2, messages


# --- Shape ----------------------------------------------------------------------------------
def test_ports_are_the_specified_ones() -> None:
    from shared.service import all_definitions

    assert SERVICE_PORTS == SPEC_PORTS
    assert {d.name: d.port for d in all_definitions()} == SPEC_PORTS


def test_every_service_has_a_web_a_worker_and_a_migration_from_its_own_image() -> None:
    expected = {f"{name}-{role}" for name in SERVICE_NAMES for role in ROLES}
    services = compose()["services"]
    assert expected <= set(services)
    images = {}
    for name in SERVICE_NAMES:
        image = service(f"{name}-web")["image"]
        assert re.fullmatch(
            re.escape("${AFTERCARE_REGISTRY:-aftercare}/" + name + ":${AFTERCARE_VERSION:-")
            + r"[\w.]+\}",
            image,
        )
        images[image] = name
    for svc_name, svc in services.items():
        if svc.get("image") in images:
            name = images[svc["image"]]
            assert svc_name in {f"{name}-{role}" for role in ROLES}
            build = svc["build"]
            assert (build["context"], build.get("dockerfile", "Dockerfile")) == (".", "Dockerfile")
            assert build["target"] == "service"
            assert build["args"]["SERVICE"] == name
            # the tag is the version baked into the image's label
            assert svc["image"].endswith(":" + build["args"]["VERSION"])
    assert {f"{images[s['image']]}" for s in services.values() if s.get("image") in images} == set(
        SERVICE_NAMES
    )
    assert sum(1 for s in services.values() if s.get("image") in images) == len(expected)


def test_the_images_are_built_for_a_non_root_user_from_a_pinned_base() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.MULTILINE)
    assert base, "the base image is an argument with a default"
    # an exact patch release and distribution, or a digest: never a moving tag like 3.11-slim
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base[1])
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE)
    assert len(stages) >= 2, "multi-stage: build, then a runtime without build tools"
    assert {image for image, _ in stages} == {"${PYTHON_IMAGE}"}
    assert stages[-1][1] == "service", "compose and CI build the final stage by name"
    assert "pip install -c constraints.txt ." in dockerfile
    assert "COPY services/${SERVICE} ./services/${SERVICE}" in dockerfile
    assert not re.search(r"^COPY services \S+$", dockerfile, re.MULTILINE), "one service only"
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\n.*shared\.healthcheck", dockerfile, re.MULTILINE)
    assert re.search(r'org\.opencontainers\.image\.version="\$\{VERSION\}"', dockerfile)
    assert not list((REPO / "services").glob("*/Dockerfile")), "one Dockerfile, not seven copies"


def test_the_build_context_keeps_secrets_and_checkouts_out() -> None:
    lines = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "ignore everything, then admit what an image installs"
    admitted = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert admitted == {"pyproject.toml", "constraints.txt", "shared", "services"}


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_web_serves_the_service_on_its_port(name: str) -> None:
    port = SPEC_PORTS[name]
    web = service(f"{name}-web")
    assert web["command"] == [
        "gunicorn",
        "-c",
        "python:shared.gunicorn_conf",
        f"services.{name}.app:create_app()",
    ]
    assert [published(p) for p in web["ports"]] == [(port, port)]
    env = environment(web)
    assert env["GUNICORN_BIND"] == f"0.0.0.0:{port}"
    assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")  # tmpfs: writable, emptied
    assert env["AFTERCARE_JWT_SECRET_FILE"] in {
        f"/run/secrets/{secret}" for secret in web.get("secrets", [])
    }


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_web_healthcheck_probes_healthz_on_its_own_port(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = service(f"{name}-web")
    kind, *argv = web["healthcheck"]["test"]
    assert kind == "CMD"
    assert argv[:2] == ["python", "-c"]
    probed: list[str] = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: probed.append(url))
    monkeypatch.setenv("GUNICORN_BIND", environment(web)["GUNICORN_BIND"])
    exec(compile(argv[2], f"{name}-web healthcheck", "exec"), {})
    assert probed == [f"http://127.0.0.1:{SPEC_PORTS[name]}/healthz"]


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_worker_runs_shared_worker_with_metrics_reachable(name: str) -> None:
    worker = service(f"{name}-worker")
    assert worker["command"] == ["python", "-m", "shared.worker", name]
    assert worker["expose"] == [str(SPEC_PORTS[name] + WORKER_METRICS_OFFSET)]
    assert environment(worker)["AFTERCARE_BIND"] == "0.0.0.0"
    assert "ports" not in worker


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_migration_is_a_one_shot_after_postgres(name: str) -> None:
    migrate = service(f"{name}-migrate")
    assert migrate["command"] == ["aftercare", "migrate", name]
    assert migrate["restart"] == "no"
    assert conditions(migrate) == {"postgres": "service_healthy"}
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["aftercare"] == "shared.cli:main"


@pytest.mark.parametrize("name", SERVICE_NAMES)
@pytest.mark.parametrize("role", ["web", "worker"])
def test_processes_wait_for_their_migration_and_a_healthy_broker(name: str, role: str) -> None:
    deps = conditions(service(f"{name}-{role}"))
    assert deps[f"{name}-migrate"] == "service_completed_successfully"
    assert deps["rabbitmq"] == "service_healthy"
    if role == "worker":  # a worker logs in to the broker as soon as it starts
        assert deps["rabbitmq-users"] == "service_completed_successfully"


@pytest.mark.parametrize("name", SERVICE_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_each_process_uses_its_own_database_and_broker_user(name: str, role: str) -> None:
    env = {
        key: interpolate(value, dict.fromkeys(REQUIRED_SECRETS, "s3cret"))
        for key, value in environment(service(f"{name}-{role}")).items()
    }
    assert env["AFTERCARE_TRANSPORT"] == "rabbitmq"
    databases = [key for key in env if key.endswith("_DATABASE_URL")]
    assert databases == [f"AFTERCARE_{name.upper()}_DATABASE_URL"]
    url = make_url(env[databases[0]])
    assert (url.drivername, url.username, url.host, url.database) == (
        "postgresql+psycopg",
        name,
        "postgres",
        name,
    )
    amqp = urlsplit(env["AFTERCARE_AMQP_URL"])
    assert (amqp.scheme, amqp.username, amqp.hostname) == ("amqp", name, "rabbitmq")


# --- Infrastructure -------------------------------------------------------------------------
def test_rabbitmq_loads_the_definitions_through_its_config() -> None:
    rabbitmq = service("rabbitmq")
    assert rabbitmq["image"] == "rabbitmq:3.12-management"
    assert rabbitmq["healthcheck"]["test"][1:] == ["rabbitmq-diagnostics", "-q", "ping"]
    mounts = bind_mounts(rabbitmq)
    assert mounts["/etc/rabbitmq/rabbitmq.conf"] == "./deploy/rabbitmq/rabbitmq.conf"
    conf = (REPO / "deploy" / "rabbitmq" / "rabbitmq.conf").read_text()
    settings = dict(re.findall(r"^([\w.]+)\s*=\s*(\S+)\s*$", conf, re.MULTILINE))
    path = settings.get("definitions.local.path") or settings.get("load_definitions")
    assert path, "rabbitmq.conf imports no definitions"
    assert mounts[path] == "./deploy/rabbitmq/definitions.json"
    # an import resets the users' passwords (no hash in the file): only when it changed
    assert settings.get("definitions.skip_if_unchanged") == "true"


def test_broker_users_get_their_passwords_from_the_environment() -> None:
    users = service("rabbitmq-users")
    assert conditions(users) == {"rabbitmq": "service_healthy"}
    assert users["restart"] == "no"
    script = users["command"][0]
    loop = re.search(r"for \w+ in ([\w ]+);", script)
    assert loop and loop[1].split() == list(SERVICE_NAMES)
    assert "change_password" in script
    env = environment(users)
    assert {f"{name.upper()}_AMQP_PASSWORD" for name in SERVICE_NAMES} <= set(env)


def test_postgres_init_creates_a_database_per_service() -> None:
    postgres = service("postgres")
    assert postgres["image"] == "postgres:16"
    assert "pg_isready" in postgres["healthcheck"]["test"]
    mounts = bind_mounts(postgres)
    [target] = [t for t in mounts if t.startswith("/docker-entrypoint-initdb.d/")]
    script = REPO / mounts[target]
    assert script == REPO / "deploy" / "postgres" / "init.sh"
    assert os.access(script, os.X_OK), "the image sources a non-executable script instead"
    listed = re.search(r'^SERVICES="([\w ]+)"$', script.read_text(), re.MULTILINE)
    assert listed and listed[1].split() == list(SERVICE_NAMES)
    env = environment(postgres)
    assert {f"{name.upper()}_DB_PASSWORD" for name in SERVICE_NAMES} <= set(env)


def test_bind_mounted_files_exist() -> None:
    for name, svc in compose()["services"].items():
        for target, source in bind_mounts(svc).items():
            assert (REPO / source).exists(), f"{name}: {source} (for {target}) is missing"


# --- Secrets and interpolation --------------------------------------------------------------
def test_no_literal_secret_in_the_file() -> None:
    assert literal_secrets(compose_text()) == []
    urls = list(_URL_CREDENTIALS.finditer(compose_text()))
    assert len(urls) == 2 * len(SERVICE_NAMES), "one database and one broker URL per service"


@pytest.mark.parametrize(
    "line",
    [
        "POSTGRES_PASSWORD: hunter2",
        "  - POSTGRES_PASSWORD=hunter2",
        "AFTERCARE_JWT_SECRET: 'abc'",
        "KPI_DB_PASSWORD: ${KPI_DB_PASSWORD:-changeme}",
        "AFTERCARE_AMQP_URL: amqp://kpi:hunter2@rabbitmq:5672/%2F",
        "URL: postgresql+psycopg://kpi:${KPI_DB_PASSWORD-pw}@postgres:5432/kpi",
    ],
)
def test_literal_secret_detector_flags(line: str) -> None:
    assert literal_secrets(line)


@pytest.mark.parametrize(
    "line",
    [
        "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
        "AFTERCARE_JWT_SECRET_FILE: /run/secrets/jwt_secret",
        "secrets:",
        "AFTERCARE_AMQP_URL: amqp://kpi:${KPI_AMQP_PASSWORD:?set it}@rabbitmq:5672/%2F",
    ],
)
def test_literal_secret_detector_passes(line: str) -> None:
    assert literal_secrets(line) == []


def test_every_value_interpolates_once_the_secrets_are_set() -> None:
    env = dict.fromkeys(REQUIRED_SECRETS, "s3cret")
    for value in strings(compose()):
        interpolate(value, env)  # raises on a lone `$` or a malformed reference
    required = set().union(*(required_variables(value) for value in strings(compose())))
    assert required == REQUIRED_SECRETS


def test_compose_refuses_to_start_without_the_secrets() -> None:
    url = environment(service("kpi-worker"))["AFTERCARE_KPI_DATABASE_URL"]
    with pytest.raises(ValueError, match="KPI_DB_PASSWORD"):
        interpolate(url, {})


def test_interpolation_follows_compose() -> None:
    env = {"SET": "v", "EMPTY": ""}
    assert interpolate("$$x ${SET} $SET ${EMPTY:-d} ${EMPTY-d} ${UNSET:-d}", env) == "$x v v d  d"
    assert interpolate("${SET:+alt}${UNSET:+alt}", env) == "alt"
    for bad in ("${EMPTY:?need it}", "${UNSET?need it}", "cost: 5$", "${!var}"):
        with pytest.raises(ValueError):
            interpolate(bad, env)


def test_secret_files_sit_in_gitignored_folders() -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (REPO / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for name, secret in compose().get("secrets", {}).items():
        if "file" not in secret:
            continue
        path = Path(interpolate(secret["file"], {}))
        folders = {part for part in path.parent.parts if part != "."}
        assert folders & ignored, f"secret {name}: {path} is not in a gitignored folder"
