"""What every service shares: the common settings, the RabbitMQ cluster (the cluster
operator's RabbitmqCluster) with the shipped definitions and a user per service, and each
service's PostgreSQL (a CloudNativePG Cluster)."""

from __future__ import annotations

import json
from typing import Any

from deploy.k8s.generator.naming import (
    PART_OF,
    POSTGRES_IMAGE,
    RABBITMQ_CLUSTER,
    RABBITMQ_IMAGE,
    REGIONS,
    amqp_secret,
    database_cluster,
    labels,
    version,
)
from deploy.k8s.generator.workloads import COMMON_CONFIG, CONTAINER_SECURITY, POD_SECURITY
from shared.cli import rabbitmq_definitions
from shared.service import ServiceDefinition

Manifest = dict[str, Any]
DEFINITIONS = "rabbitmq-definitions"


def common_config() -> Manifest:
    """The settings every process reads (docker-compose.yml's x-env-common)."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": COMMON_CONFIG},
        "data": {
            "AFTERCARE_TRANSPORT": "rabbitmq",
            "AFTERCARE_REGIONS": ",".join(REGIONS),
            "AFTERCARE_LOG_LEVEL": "INFO",
            "AFTERCARE_BIND": "0.0.0.0",
            # customer notices: the sender's address (the mail relay, with its login, is
            # the Secret aftercare-smtp: see workloads.service_env)
            "AFTERCARE_NOTICES_FROM": "Aftercare <service@aftercare.example.com>",
        },
    }


def definitions_config(lanes: dict[str, list[tuple[str, ...]]] | None = None) -> Manifest:
    """deploy/rabbitmq/definitions.json, generated from the same code (with ``lanes``: a
    service's queues split by region, as its workers' AFTERCARE_CONSUME_REGIONS declare)."""
    text = json.dumps(rabbitmq_definitions(lanes), indent=2) + "\n"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": DEFINITIONS},
        "data": {"definitions.json": text},
    }


def rabbitmq_cluster() -> Manifest:
    """Three nodes: a quorum queue keeps its messages with one node down."""
    return {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "RabbitmqCluster",
        "metadata": {"name": RABBITMQ_CLUSTER},
        "spec": {
            "replicas": 3,
            "image": RABBITMQ_IMAGE,
            "resources": {
                "requests": {"cpu": "1", "memory": "2Gi"},
                "limits": {"cpu": "2", "memory": "2Gi"},
            },
            "persistence": {"storage": "20Gi"},
            "rabbitmq": {
                "additionalConfig": "\n".join(
                    [
                        "cluster_partition_handling = pause_minority",
                        "vm_memory_high_watermark.relative = 0.6",
                        "disk_free_limit.absolute = 2GB",
                        "default_queue_type = quorum",
                    ]
                )
                + "\n"
            },
        },
    }


SETUP_SCRIPT = """\
set -eu
admin() {
  rabbitmqadmin --host "$BROKER" --port 15672 \\
    --username "$ADMIN_USER" --password "$ADMIN_PASSWORD" "$@"
}
# exchange, queues, bindings, users and their permissions; an import blanks the users'
# passwords (definitions carry none), so they are set again right after
admin import /definitions/definitions.json
for service in $SERVICES; do
  var="$(echo "$service" | tr a-z A-Z)_AMQP_PASSWORD"
  eval "password=\\${$var}"
  admin declare user name="$service" password="$password" tags=
done
"""


def broker_setup(definitions: list[ServiceDefinition]) -> Manifest:
    """Load the definitions and set each service user's password (once per release)."""
    env: list[dict[str, Any]] = [
        {"name": "BROKER", "value": RABBITMQ_CLUSTER},
        {"name": "SERVICES", "value": " ".join(d.name for d in definitions)},
        {
            "name": "ADMIN_USER",
            "valueFrom": {
                "secretKeyRef": {"name": f"{RABBITMQ_CLUSTER}-default-user", "key": "username"}
            },
        },
        {
            "name": "ADMIN_PASSWORD",
            "valueFrom": {
                "secretKeyRef": {"name": f"{RABBITMQ_CLUSTER}-default-user", "key": "password"}
            },
        },
    ]
    env += [
        {
            "name": f"{d.name.upper()}_AMQP_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": amqp_secret(d), "key": "password"}},
        }
        for d in definitions
    ]
    pod_labels = {"app.kubernetes.io/name": "broker-setup", "app.kubernetes.io/part-of": PART_OF}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": f"broker-setup-{version()}", "labels": pod_labels},
        "spec": {
            "backoffLimit": 6,
            "ttlSecondsAfterFinished": 7 * 24 * 3600,
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "automountServiceAccountToken": False,
                    "securityContext": POD_SECURITY | {"runAsUser": 999, "runAsGroup": 999},
                    "containers": [
                        {
                            "name": "setup",
                            "image": RABBITMQ_IMAGE,
                            "command": ["sh", "-c", SETUP_SCRIPT],
                            "env": env,
                            "resources": {
                                "requests": {"cpu": "50m", "memory": "64Mi"},
                                "limits": {"memory": "128Mi"},
                            },
                            "securityContext": CONTAINER_SECURITY,
                            "volumeMounts": [
                                {"name": "definitions", "mountPath": "/definitions"},
                                {"name": "tmp", "mountPath": "/tmp"},
                            ],
                        }
                    ],
                    "volumes": [
                        {"name": "definitions", "configMap": {"name": DEFINITIONS}},
                        {"name": "tmp", "emptyDir": {}},
                    ],
                },
            },
        },
    }


def database(definition: ServiceDefinition) -> Manifest:
    """A primary and two standbys; the operator fails over and writes ``<name>-db-app``."""
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {
            "name": database_cluster(definition),
            "labels": labels(definition, "database"),
        },
        "spec": {
            "instances": 3,
            "imageName": POSTGRES_IMAGE,
            "primaryUpdateStrategy": "unsupervised",
            "storage": {"size": "20Gi"},
            "bootstrap": {"initdb": {"database": definition.name, "owner": definition.name}},
            "postgresql": {"parameters": {"max_connections": "200"}},
            "resources": {
                "requests": {"cpu": "500m", "memory": "1Gi"},
                "limits": {"memory": "1Gi"},
            },
            "monitoring": {"enablePodMonitor": False},
        },
    }
