"""Who may talk to whom (NetworkPolicies), on top of a namespace that denies all ingress:
only the ingress controller reaches an API, only Prometheus reaches a /metrics port, and a
service's pods reach only DNS, the broker and their own database."""

from __future__ import annotations

from typing import Any

from deploy.k8s.generator.naming import (
    CNPG_NAMESPACE,
    INGRESS_NAMESPACE,
    MONITORING_NAMESPACE,
    PART_OF,
    RABBITMQ_CLUSTER,
    database_cluster,
    metrics_port,
)
from shared.service import ServiceDefinition

Manifest = dict[str, Any]


def namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def pods(match: dict[str, str]) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": match}}


def tcp(port: int) -> dict[str, Any]:
    return {"protocol": "TCP", "port": port}


def policy(name: str, pods: dict[str, str], **rules: list[dict[str, Any]]) -> Manifest:
    spec: dict[str, Any] = {"podSelector": {"matchLabels": pods}, "policyTypes": []}
    for kind in ("ingress", "egress"):
        if kind in rules:
            spec["policyTypes"].append(kind.capitalize())
            spec[kind] = rules[kind]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name},
        "spec": spec,
    }


def default_deny() -> Manifest:
    """Nothing reaches a pod of the namespace unless a policy below lets it."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }


DNS = {
    "to": [namespace("kube-system")],
    "ports": [{"protocol": "UDP", "port": 53}, tcp(53)],
}


def service_policies(definition: ServiceDefinition) -> list[Manifest]:
    name = definition.name
    own = {"app.kubernetes.io/name": name}
    broker = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": RABBITMQ_CLUSTER}}}
    database = {"podSelector": {"matchLabels": {"cnpg.io/cluster": database_cluster(definition)}}}
    return [
        # the API (and the web's /metrics, which the kit also limits by address)
        policy(
            f"{name}-web-ingress",
            own | {"app.kubernetes.io/component": "web"},
            ingress=[
                {"from": [namespace(INGRESS_NAMESPACE)], "ports": [tcp(definition.port)]},
                {"from": [namespace(MONITORING_NAMESPACE)], "ports": [tcp(definition.port)]},
            ],
        ),
        policy(
            f"{name}-worker-ingress",
            own | {"app.kubernetes.io/component": "worker"},
            ingress=[
                {
                    "from": [namespace(MONITORING_NAMESPACE)],
                    "ports": [tcp(metrics_port(definition))],
                }
            ],
        ),
        policy(
            f"{name}-egress",
            own,
            egress=[
                DNS,
                {"to": [broker], "ports": [tcp(5672)]},
                {"to": [database], "ports": [tcp(5432)]},
            ],
        ),
        # its database: its own pods, the cluster's instances (replication), the operator
        policy(
            f"{database_cluster(definition)}-ingress",
            {"cnpg.io/cluster": database_cluster(definition)},
            ingress=[
                {"from": [{"podSelector": {"matchLabels": own}}], "ports": [tcp(5432)]},
                {"from": [database]},
                {"from": [namespace(CNPG_NAMESPACE)]},
                {"from": [namespace(MONITORING_NAMESPACE)], "ports": [tcp(9187)]},
            ],
        ),
    ]


def broker_policy() -> Manifest:
    """AMQP from Aftercare's pods, clustering among the nodes, metrics to Prometheus."""
    nodes = {"app.kubernetes.io/name": RABBITMQ_CLUSTER}
    return policy(
        f"{RABBITMQ_CLUSTER}-ingress",
        nodes,
        ingress=[
            {
                "from": [pods({"app.kubernetes.io/part-of": PART_OF})],
                "ports": [tcp(5672)],
            },
            # the management API: the setup Job only (definitions and passwords)
            {
                "from": [pods({"app.kubernetes.io/name": "broker-setup"})],
                "ports": [tcp(15672)],
            },
            {"from": [{"podSelector": {"matchLabels": nodes}}]},
            {"from": [namespace("rabbitmq-system")], "ports": [tcp(15672)]},
            {"from": [namespace(MONITORING_NAMESPACE)], "ports": [tcp(15692)]},
        ],
    )
