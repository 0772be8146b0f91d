"""Production's scaling: webs on CPU (HorizontalPodAutoscaler), workers on their queue's
depth (KEDA's RabbitMQ scaler, where KEDA is installed; a worker with no queue scales on
CPU), and disruption budgets that keep a process of each kind through node drains."""

from __future__ import annotations

from typing import Any

from deploy.k8s.generator.naming import selector
from shared.messaging.topology import queue_name
from shared.service import ServiceDefinition

Manifest = dict[str, Any]
# Messages waiting per worker replica before KEDA adds one: a worker applies about 1-2k
# events/s in batches (MESSAGING.md), so 500 waiting is well under a second of work each.
MESSAGES_PER_WORKER = 500


def cpu_autoscaler(name: str, *, minimum: int, maximum: int, utilization: int = 70) -> Manifest:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": minimum,
            "maxReplicas": maximum,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": utilization},
                    },
                }
            ],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
        },
    }


def queue_scaler(
    definition: ServiceDefinition, deployment: str, *, queue: str | None = None
) -> Manifest:
    """KEDA reads the queue's depth with the worker's own broker URL (its container's
    AFTERCARE_AMQP_URL), so it needs no credentials of its own."""
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": deployment},
        "spec": {
            "scaleTargetRef": {"name": deployment},
            "minReplicaCount": 2,
            "maxReplicaCount": 10,
            "pollingInterval": 15,
            "cooldownPeriod": 300,
            "triggers": [
                {
                    "type": "rabbitmq",
                    "metadata": {
                        "protocol": "amqp",
                        "mode": "QueueLength",
                        "value": str(MESSAGES_PER_WORKER),
                        "queueName": queue or queue_name(definition.name),
                        "hostFromEnv": "AFTERCARE_AMQP_URL",
                    },
                }
            ],
        },
    }


def disruption_budget(
    definition: ServiceDefinition, role: str, extra: dict[str, str] | None = None
) -> Manifest:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": f"{definition.name}-{role}"},
        "spec": {
            "minAvailable": 1,
            "selector": {"matchLabels": selector(definition, role) | (extra or {})},
        },
    }


def production_scaling(definition: ServiceDefinition) -> list[Manifest]:
    web = f"{definition.name}-web"
    worker = f"{definition.name}-worker"
    objects = [cpu_autoscaler(web, minimum=2, maximum=10)]
    if definition.subscriptions:
        objects.append(queue_scaler(definition, worker))
    else:  # a relay only: its work follows the web's writes
        objects.append(cpu_autoscaler(worker, minimum=2, maximum=4))
    objects += [
        disruption_budget(definition, "web"),
        disruption_budget(definition, "worker", {"aftercare.io/lane": "all"}),
    ]
    return objects
