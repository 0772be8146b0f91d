"""A service's processes: web and worker Deployments, its Service and the migration Job, all
from the service's one image, the command picking the process (as in docker-compose.yml)."""

from __future__ import annotations

from typing import Any

from deploy.k8s.generator.naming import (
    JWT_MOUNT,
    JWT_SECRET,
    amqp_secret,
    database_secret,
    image,
    labels,
    metrics_port,
    migrate_job,
    selector,
)
from shared.service import ServiceDefinition, app_target

Manifest = dict[str, Any]
COMMON_CONFIG = "aftercare-common"
LANE_LABEL = "aftercare.io/lane"
# uid 10001 is the image's user (Dockerfile); nothing in the image is writable.
POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "runAsGroup": 10001,
    "fsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}
RESOURCES = {
    "web": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    "worker": {"requests": {"cpu": "200m", "memory": "192Mi"}, "limits": {"memory": "384Mi"}},
    "migrate": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
}


SMTP_SECRET = "aftercare-smtp"


def secret_env(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


# A service's own settings that are not secrets (docker-compose.yml's x-<name>-env says the
# same); an overlay patches the value for its environment.
SERVICE_SETTINGS: dict[str, dict[str, str]] = {
    "support": {
        # where a customer answers a questionnaire: the public address of the answer page
        "AFTERCARE_SUPPORT_QUESTIONNAIRE_LINK_BASE": (
            "https://aftercare.example.com/questionnaires/answer"
        ),
    },
}


def service_env(definition: ServiceDefinition) -> list[dict[str, Any]]:
    """Its own database and broker user, from Secrets (never a value in the manifests), and
    its own plain settings."""
    return [
        secret_env(
            f"AFTERCARE_{definition.name.upper()}_DATABASE_URL", database_secret(definition), "uri"
        ),
        secret_env("AFTERCARE_AMQP_URL", amqp_secret(definition), "url"),
        # customer notices go to the company's mail relay (smtp[s]://user:password@host:port);
        # optional: without it notices wait in the outbox table, none is lost
        {
            "name": "AFTERCARE_SMTP_URL",
            "valueFrom": {"secretKeyRef": {"name": SMTP_SECRET, "key": "url", "optional": True}},
        },
        *(
            {"name": name, "value": value}
            for name, value in SERVICE_SETTINGS.get(definition.name, {}).items()
        ),
    ]


def web_env(definition: ServiceDefinition) -> list[dict[str, Any]]:
    return [
        {"name": "GUNICORN_BIND", "value": f"0.0.0.0:{definition.port}"},
        {"name": "GUNICORN_WORKERS", "value": "2"},
        {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/tmp/prometheus"},
        {"name": "AFTERCARE_JWT_SECRET_FILE", "value": f"{JWT_MOUNT}/secret"},
        *service_env(definition),
    ]


def container(
    definition: ServiceDefinition, role: str, command: list[str], env: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": role,
        "image": image(definition),
        "imagePullPolicy": "IfNotPresent",
        "command": command,
        "envFrom": [{"configMapRef": {"name": COMMON_CONFIG}}],
        "env": env,
        "resources": RESOURCES[role],
        "securityContext": CONTAINER_SECURITY,
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def pod(
    definition: ServiceDefinition,
    role: str,
    main: dict[str, Any],
    *,
    scrape_port: int | None,
    volumes: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"labels": labels(definition, role)}
    if scrape_port:
        metadata["annotations"] = {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(scrape_port),
            "prometheus.io/path": "/metrics",
        }
    return {
        "metadata": metadata,
        "spec": {
            "automountServiceAccountToken": False,
            "securityContext": POD_SECURITY,
            "terminationGracePeriodSeconds": 30,
            "containers": [main],
            "volumes": [{"name": "tmp", "emptyDir": {}}, *volumes],
        },
    }


def deployment(definition: ServiceDefinition, role: str, template: dict[str, Any]) -> Manifest:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": f"{definition.name}-{role}", "labels": labels(definition, role)},
        "spec": {
            "replicas": 2,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(definition, role)},
            # never below the wanted capacity during a rollout; old pods leave once new are ready
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": template,
        },
    }


def web(definition: ServiceDefinition) -> Manifest:
    """gunicorn serving the API; live while it answers, ready while it can accept work."""
    main = container(
        definition,
        "web",
        ["gunicorn", "-c", "python:shared.gunicorn_conf", app_target(definition.name)],
        web_env(definition),
    )
    main["ports"] = [{"name": "http", "containerPort": definition.port}]
    main["volumeMounts"].append({"name": "jwt", "mountPath": JWT_MOUNT, "readOnly": True})
    probe = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}
    main["startupProbe"] = probe | {"failureThreshold": 30, "periodSeconds": 2}
    main["livenessProbe"] = probe | {"timeoutSeconds": 3, "failureThreshold": 3}
    main["readinessProbe"] = {
        "httpGet": {"path": "/readyz", "port": "http"},
        "periodSeconds": 5,
        "timeoutSeconds": 3,
        "failureThreshold": 2,
    }
    jwt = {"name": "jwt", "secret": {"secretName": JWT_SECRET, "defaultMode": 0o440}}
    return deployment(
        definition, "web", pod(definition, "web", main, scrape_port=definition.port, volumes=(jwt,))
    )


def worker(
    definition: ServiceDefinition,
    *,
    name: str | None = None,
    consume_regions: tuple[str, ...] = (),
) -> Manifest:
    """The outbox relay and consumer; live while its metrics server answers (it exits when a
    thread dies). No readiness: it takes no traffic, it takes messages."""
    env = service_env(definition)
    if consume_regions:
        env.append({"name": "AFTERCARE_CONSUME_REGIONS", "value": ",".join(consume_regions)})
    main = container(definition, "worker", ["python", "-m", "shared.worker", definition.name], env)
    main["ports"] = [{"name": "metrics", "containerPort": metrics_port(definition)}]
    main["livenessProbe"] = {
        "httpGet": {"path": "/healthz", "port": "metrics"},
        "initialDelaySeconds": 10,
        "periodSeconds": 15,
        "timeoutSeconds": 5,
        "failureThreshold": 4,
    }
    manifest = deployment(
        definition,
        "worker",
        pod(definition, "worker", main, scrape_port=metrics_port(definition)),
    )
    # Each worker Deployment owns its pods alone: the lane tells a region's worker apart.
    lane = {LANE_LABEL: "-".join(consume_regions) or "all"}
    manifest["metadata"]["labels"] |= lane
    manifest["spec"]["selector"]["matchLabels"] |= lane
    manifest["spec"]["template"]["metadata"]["labels"] |= lane
    if name:
        manifest["metadata"]["name"] = name
    return manifest


def service(definition: ServiceDefinition) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": definition.name, "labels": labels(definition, "web")},
        "spec": {
            "type": "ClusterIP",
            "selector": selector(definition, "web"),
            "ports": [
                {"name": "http", "port": definition.port, "targetPort": "http", "protocol": "TCP"}
            ],
        },
    }


def migration(definition: ServiceDefinition) -> Manifest:
    """``aftercare migrate <name>`` once per release, before the rollout (deploy/README.md)."""
    main = container(
        definition, "migrate", ["aftercare", "migrate", definition.name], service_env(definition)
    )
    template = pod(definition, "migrate", main, scrape_port=None)
    template["spec"]["restartPolicy"] = "Never"
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": migrate_job(definition), "labels": labels(definition, "migrate")},
        "spec": {
            "backoffLimit": 2,
            "activeDeadlineSeconds": 900,
            "ttlSecondsAfterFinished": 7 * 24 * 3600,
            "template": template,
        },
    }
