"""deploy/k8s, checked where no cluster runs: the committed files are what the generator
writes, every overlay renders with kustomize, and every object is valid (built-in kinds
against the Kubernetes schemas, custom resources against deploy/k8s/crds). Then the shape
each service needs: its processes, probes, resources, secrets, scaling and network rules."""

from __future__ import annotations

import copy
import json
import tomllib
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deploy.k8s.generator.layout import drift
from shared.service import load_definition
from tests.deploy.kube import CRDS, KUBERNETES_VERSION, OVERLAYS, REPO, find, render, validate
from tests.helpers import SERVICE_NAMES, SERVICE_PORTS

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
PER_SERVICE = [
    f"overlays/{env}/{name}" for env in ("staging", "production") for name in SERVICE_NAMES
]


def test_the_committed_manifests_are_what_the_generator_writes() -> None:
    assert drift() == [], "run: .venv/bin/python -m deploy.k8s.generator"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_of_an_overlay_is_valid(overlay: str) -> None:
    objects = render(f"overlays/{overlay}")
    assert len(objects) >= 9 * len(SERVICE_NAMES)  # 9 per service in staging, more elsewhere
    for doc in objects:
        try:
            validate(doc)
        except Exception as exc:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {exc}")


@pytest.mark.parametrize("path", [*PER_SERVICE, *(f"{p}/migrate" for p in PER_SERVICE)])
def test_a_team_renders_its_service_alone(path: str) -> None:
    name = path.split("/")[2]
    objects = render(path)
    assert {o["metadata"]["namespace"] for o in objects} == {f"aftercare-{path.split('/')[1]}"}
    images = {
        c["image"]
        for o in objects
        if o["kind"] in ("Deployment", "Job")
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {f"registry.example.com/aftercare/{name}:{VERSION}"}
    for doc in objects:
        validate(doc)


def test_the_shipped_crds_are_valid_custom_resource_definitions() -> None:
    crds = sorted(CRDS.glob("*.yaml"))
    assert {p.name for p in crds} == {
        "rabbitmq.com_rabbitmqclusters.yaml",
        "postgresql.cnpg.io_clusters.yaml",
        "keda.sh_scaledobjects.yaml",
    }
    for path in crds:
        kubernetes_validate.validate(yaml.safe_load(path.read_text()), KUBERNETES_VERSION, True)


@pytest.mark.parametrize(
    ("kind", "name", "change"),
    [
        ("RabbitmqCluster", "aftercare-rabbitmq", {"replica": 3}),  # a typo
        ("RabbitmqCluster", "aftercare-rabbitmq", {"replicas": -1}),
        ("Cluster", "intake-db", {"instances": 0}),
        ("ScaledObject", "intake-worker", {"triggers": [{"type": "rabbitmq"}]}),
    ],
)
def test_the_custom_resource_check_rejects_what_the_operator_would(
    kind: str, name: str, change: dict[str, Any]
) -> None:
    doc = copy.deepcopy(find(render("overlays/production"), kind, name))
    validate(doc)
    doc["spec"] |= change
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


def test_an_unknown_kind_fails_the_check() -> None:
    with pytest.raises(AssertionError, match="no CRD"):
        validate({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor"})
    with pytest.raises(kubernetes_validate.ValidationError):
        validate({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "two"}})


# --- each service's shape -----------------------------------------------------------------
def production() -> tuple[dict[str, Any], ...]:
    return render("overlays/production")


def containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["spec"]["template"]["spec"]["containers"])


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_web_serves_its_port_with_liveness_and_readiness(name: str) -> None:
    port = SERVICE_PORTS[name]
    web = find(production(), "Deployment", f"{name}-web")
    [main] = containers(web)
    assert main["command"] == [
        "gunicorn", "-c", "python:shared.gunicorn_conf", f"services.{name}.app:create_app()",
    ]  # fmt: skip
    assert main["ports"] == [{"name": "http", "containerPort": port}]
    assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    service = find(production(), "Service", name)
    assert service["spec"]["ports"][0]["port"] == port
    assert (
        service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    )
    annotations = web["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_worker_runs_the_relay_and_consumer_with_metrics_on_port_plus_1000(name: str) -> None:
    worker = find(production(), "Deployment", f"{name}-worker")
    [main] = containers(worker)
    assert main["command"] == ["python", "-m", "shared.worker", name]
    assert main["ports"] == [{"name": "metrics", "containerPort": SERVICE_PORTS[name] + 1000}]
    assert main["livenessProbe"]["httpGet"]["port"] == "metrics"
    assert worker["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(
        SERVICE_PORTS[name] + 1000
    )


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_migration_is_a_job_per_release_running_aftercare_migrate(name: str) -> None:
    job = find(render(f"overlays/production/{name}/migrate"), "Job", f"{name}-migrate-{VERSION}")
    [main] = containers(job)
    assert main["command"] == ["aftercare", "migrate", name]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert not [o for o in render(f"overlays/production/{name}") if o["kind"] == "Job"], (
        "the migration is applied (and awaited) before the rollout, not with it"
    )


def test_every_container_is_bounded_and_unprivileged() -> None:
    for doc in render("overlays/production-east"):
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
        for main in pod["containers"]:
            assert {"cpu", "memory"} <= set(main["resources"]["requests"])
            assert "memory" in main["resources"]["limits"]
            assert main["securityContext"]["allowPrivilegeEscalation"] is False
            assert main["securityContext"]["readOnlyRootFilesystem"] is True


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_production_scales_web_on_cpu_and_keeps_a_pod_through_drains(name: str) -> None:
    objects = production()
    hpa = find(objects, "HorizontalPodAutoscaler", f"{name}-web")
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert hpa["spec"]["minReplicas"] >= 2
    for role in ("web", "worker"):
        budget = find(objects, "PodDisruptionBudget", f"{name}-{role}")
        pods = find(objects, "Deployment", f"{name}-{role}")["spec"]["template"]["metadata"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= pods["labels"].items()
    assert find(objects, "Cluster", f"{name}-db")["spec"]["instances"] == 3


def test_consuming_workers_scale_on_their_queue_depth() -> None:
    from shared.service import all_definitions

    for definition in all_definitions():
        name = definition.name
        kinds = {o["kind"] for o in production() if o["metadata"]["name"] == f"{name}-worker"} - {
            "Deployment",
            "PodDisruptionBudget",
        }
        if definition.subscriptions:
            scaler = find(production(), "ScaledObject", f"{name}-worker")
            [trigger] = scaler["spec"]["triggers"]
            assert trigger["type"] == "rabbitmq"
            assert trigger["metadata"]["queueName"] == f"{name}.events"
            assert trigger["metadata"]["hostFromEnv"] == "AFTERCARE_AMQP_URL"
            assert kinds == {"ScaledObject"}, "one autoscaler per Deployment"
        else:
            assert kinds == {"HorizontalPodAutoscaler"}


def test_staging_is_small() -> None:
    objects = render("overlays/staging")
    assert {o["metadata"]["namespace"] for o in objects} == {"aftercare-staging"}
    for name in SERVICE_NAMES:
        for role in ("web", "worker"):
            assert find(objects, "Deployment", f"{name}-{role}")["spec"]["replicas"] == 1
        assert find(objects, "Cluster", f"{name}-db")["spec"]["instances"] == 1
    assert find(objects, "RabbitmqCluster", "aftercare-rabbitmq")["spec"]["replicas"] == 1
    assert not [o for o in objects if o["kind"] in ("HorizontalPodAutoscaler", "ScaledObject")]


def test_production_runs_a_three_node_broker_with_the_shipped_definitions() -> None:
    objects = production()
    broker = find(objects, "RabbitmqCluster", "aftercare-rabbitmq")
    assert broker["spec"]["replicas"] == 3
    assert "default_queue_type = quorum" in broker["spec"]["rabbitmq"]["additionalConfig"]
    shipped = (REPO / "deploy" / "rabbitmq" / "definitions.json").read_text()
    config = find(objects, "ConfigMap", "rabbitmq-definitions")
    assert config["data"]["definitions.json"] == shipped
    setup = find(objects, "Job", f"broker-setup-{VERSION}")
    env = {e["name"]: e for e in containers(setup)[0]["env"]}
    for name in SERVICE_NAMES:
        ref = env[f"{name.upper()}_AMQP_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": f"{name}-amqp", "key": "password"}
    assert env["SERVICES"]["value"].split() == list(SERVICE_NAMES)


def test_the_region_overlay_splits_east_from_the_other_regions() -> None:
    objects = render("overlays/production-east")
    main = find(objects, "Deployment", "dispatch-worker")
    east = find(objects, "Deployment", "dispatch-worker-east")

    def regions(doc: dict[str, Any]) -> set[str]:
        env = {e["name"]: e.get("value") for e in containers(doc)[0]["env"]}
        return set(env["AFTERCARE_CONSUME_REGIONS"].split(","))

    assert regions(east) == {"east"}
    assert regions(main) == {"north", "northeast", "central", "south", "southwest", "northwest"}
    selectors = [d["spec"]["selector"]["matchLabels"] for d in (main, east)]
    assert selectors[0] != selectors[1] and selectors[0].keys() == selectors[1].keys()
    queue = find(objects, "ScaledObject", "dispatch-worker-east")["spec"]["triggers"][0]
    assert queue["metadata"]["queueName"] == "dispatch.events.east"
    other = find(objects, "ScaledObject", "dispatch-worker")["spec"]["triggers"][0]
    assert other["metadata"]["queueName"] == (
        "dispatch.events.north-northeast-central-south-southwest-northwest"
    )


# --- who may talk to whom -----------------------------------------------------------------
def selects(policy: dict[str, Any], labels: dict[str, str]) -> bool:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return wanted.items() <= labels.items()


def peers(rule: dict[str, Any], key: str) -> list[str]:
    """Each peer of a rule as text: ``ns=<namespace>`` or ``pods=<k=v,...>``."""
    found = []
    for peer in rule.get(key, []):
        if "namespaceSelector" in peer:
            found.append(
                "ns=" + peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
            )
        else:
            labels = peer["podSelector"]["matchLabels"]
            found.append("pods=" + ",".join(f"{k}={v}" for k, v in sorted(labels.items())))
    return found


def allowed(
    objects: tuple[dict[str, Any], ...], labels: dict[str, str], kind: str
) -> set[tuple[str, Any]]:
    """(peer, port) pairs the policies selecting these pod labels admit (``*``: any port)."""
    key = "from" if kind == "ingress" else "to"
    pairs = set()
    for policy in (o for o in objects if o["kind"] == "NetworkPolicy"):
        if not selects(policy, labels) or kind.capitalize() not in policy["spec"]["policyTypes"]:
            continue
        for rule in policy["spec"].get(kind, []):
            ports = [p["port"] for p in rule.get("ports", [])] or ["*"]
            pairs |= {(peer, port) for peer in peers(rule, key) for port in ports}
    return pairs


def pod_labels(objects: tuple[dict[str, Any], ...], deployment: str) -> dict[str, str]:
    doc = find(objects, "Deployment", deployment)
    return dict(doc["spec"]["template"]["metadata"]["labels"])


def test_every_pod_is_closed_to_ingress_unless_a_policy_opens_it() -> None:
    policy = find(production(), "NetworkPolicy", "default-deny-ingress")
    assert policy["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_only_the_ingress_and_prometheus_reach_a_web_and_only_prometheus_a_worker(
    name: str,
) -> None:
    objects = production()
    port = SERVICE_PORTS[name]
    assert allowed(objects, pod_labels(objects, f"{name}-web"), "ingress") == {
        ("ns=ingress-nginx", port),
        ("ns=monitoring", port),
    }
    assert allowed(objects, pod_labels(objects, f"{name}-worker"), "ingress") == {
        ("ns=monitoring", port + 1000)
    }


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_a_service_reaches_only_dns_the_broker_and_its_own_database(name: str) -> None:
    objects = production()
    for role in ("web", "worker"):
        assert allowed(objects, pod_labels(objects, f"{name}-{role}"), "egress") == {
            ("ns=kube-system", 53),
            ("pods=app.kubernetes.io/name=aftercare-rabbitmq", 5672),
            (f"pods=cnpg.io/cluster={name}-db", 5432),
        }
    database = allowed(objects, {"cnpg.io/cluster": f"{name}-db"}, "ingress")
    clients = {peer for peer, port in database if port == 5432 and peer.startswith("pods=app")}
    assert clients == {f"pods=app.kubernetes.io/name={name}"}, "no other service's pods"


def test_the_broker_takes_amqp_from_aftercare_and_its_api_from_the_setup_job_only() -> None:
    objects = production()
    rules = allowed(objects, {"app.kubernetes.io/name": "aftercare-rabbitmq"}, "ingress")
    by_port: dict[Any, set[str]] = {}
    for peer, port in rules:
        by_port.setdefault(port, set()).add(peer)
    assert by_port[5672] == {"pods=app.kubernetes.io/part-of=aftercare"}
    assert by_port[15672] == {"pods=app.kubernetes.io/name=broker-setup", "ns=rabbitmq-system"}
    assert by_port[15692] == {"ns=monitoring"}


# What dispatch's handlers subscribe to (``<type>.*``), read from its definition.
DISPATCH_HEARS = [key[:-2] for key in load_definition("dispatch").subscriptions.binding_keys()]


def test_the_region_overlays_broker_definitions_hold_the_lanes_queues() -> None:
    assert "ticket.solution_accepted" in DISPATCH_HEARS
    config = find(render("overlays/production-east"), "ConfigMap", "rabbitmq-definitions")
    definitions = json.loads(config["data"]["definitions.json"])
    queues = {q["name"] for q in definitions["queues"] if q["name"].startswith("dispatch.")}
    others = "north-northeast-central-south-southwest-northwest"
    assert queues == {
        f"dispatch.events.{lane}{suffix}"
        for lane in ("east", others)
        for suffix in ("", ".dead", ".retry.1", ".retry.2", ".retry.3")
    }
    keys = {
        b["destination"]: set()
        for b in definitions["bindings"]
        if b["source"] == "aftercare.events"
    }
    for b in definitions["bindings"]:
        if b["source"] == "aftercare.events":
            keys[b["destination"]].add(b["routing_key"])
    # each lane's own requeue exchange, reaching its queues by their names
    requeue = {(b["source"], b["destination"], b["routing_key"]) for b in definitions["bindings"]}
    east = "dispatch.events.east"
    assert (f"{east}.requeue", f"{east}.dead", f"{east}.dead") in requeue
    assert {x["name"] for x in definitions["exchanges"]} >= {
        f"dispatch.events.{lane}.requeue" for lane in ("east", others)
    }
    # each type dispatch hears, for the east and for the nation (billing's fee schedule is
    # published once for every region: parts are priced in every lane)
    assert keys["dispatch.events.east"] == {
        f"{event_type}.{region}" for event_type in DISPATCH_HEARS for region in ("east", "national")
    }
    assert "fee_schedule.published.national" in keys[f"dispatch.events.{others}"]
    assert "ticket.solution_accepted.north" in keys[f"dispatch.events.{others}"]
    assert not any(k.endswith(".east") for k in keys[f"dispatch.events.{others}"])
    # every other consumer's queue is as shipped
    shipped = json.loads((REPO / "deploy" / "rabbitmq" / "definitions.json").read_text())
    assert [q for q in definitions["queues"] if not q["name"].startswith("dispatch.")] == [
        q for q in shipped["queues"] if not q["name"].startswith("dispatch.")
    ]


def test_in_production_the_autoscalers_own_every_replica_count() -> None:
    objects = render("overlays/production-east")
    targets = {
        o["spec"]["scaleTargetRef"]["name"]
        for o in objects
        if o["kind"] in ("HorizontalPodAutoscaler", "ScaledObject")
    }
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} == targets
    assert [d["metadata"]["name"] for d in deployments if "replicas" in d["spec"]] == [], (
        "an apply would reset what the autoscaler chose"
    )
