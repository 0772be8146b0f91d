"""Names, labels and the settings the manifests are built from, in one place."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from shared.config import DEFAULT_REGIONS, WORKER_METRICS_OFFSET
from shared.service import ServiceDefinition

REPO = Path(__file__).resolve().parents[3]
K8S = REPO / "deploy" / "k8s"
PART_OF = "aftercare"
# Placeholders, clearly not a real registry or cluster: an overlay names the real ones.
REGISTRY = "registry.example.com/aftercare"
# Namespaces of the cluster's shared parts (the NetworkPolicies let them in).
INGRESS_NAMESPACE = "ingress-nginx"
MONITORING_NAMESPACE = "monitoring"
CNPG_NAMESPACE = "cnpg-system"
RABBITMQ_CLUSTER = "aftercare-rabbitmq"
RABBITMQ_IMAGE = "rabbitmq:3.13.7-management"
POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:16.6"
JWT_SECRET = "aftercare-jwt"  # key "secret": the HS256 signing key
JWT_MOUNT = "/run/secrets/aftercare-jwt"
REGIONS = DEFAULT_REGIONS


@cache
def version() -> str:
    """The release being deployed: the project's version (pyproject.toml)."""
    with (REPO / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def image(definition: ServiceDefinition) -> str:
    """The service's own image (Dockerfile, SERVICE=<name>); overlays retag it."""
    return f"{PART_OF}/{definition.name}:{version()}"


def metrics_port(definition: ServiceDefinition) -> int:
    return definition.port + WORKER_METRICS_OFFSET


def labels(definition: ServiceDefinition, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": definition.name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
    }


def selector(definition: ServiceDefinition, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": definition.name,
        "app.kubernetes.io/component": component,
    }


def database_cluster(definition: ServiceDefinition) -> str:
    """The CloudNativePG cluster of a service; the operator writes ``<cluster>-app``."""
    return f"{definition.name}-db"


def database_secret(definition: ServiceDefinition) -> str:
    return f"{database_cluster(definition)}-app"  # key "uri", written by CloudNativePG


def amqp_secret(definition: ServiceDefinition) -> str:
    """Created by the operator (deploy/README.md): keys "password" and "url"."""
    return f"{definition.name}-amqp"


def migrate_job(definition: ServiceDefinition) -> str:
    """One Job per release: a new version is a new Job, run before the rollout."""
    return f"{definition.name}-migrate-{version()}"
