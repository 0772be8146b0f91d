"""deploy/rabbitmq/definitions.json: the same topology the idempotent declare builds, quorum
queues that dead-letter to their parking queue, one least-privilege user per service."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from shared.cli import rabbitmq_definitions
from shared.messaging.topology import EXCHANGE
from shared.service import all_definitions
from tests.helpers import REPO, SERVICE_NAMES

DEFINITIONS_FILE = REPO / "deploy" / "rabbitmq" / "definitions.json"


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Production definitions use the default retry delays, whatever this shell sets."""
    monkeypatch.delenv("AFTERCARE_RETRY_DELAYS", raising=False)
    return rabbitmq_definitions()


@pytest.fixture
def committed() -> dict[str, Any]:
    return dict(json.loads(DEFINITIONS_FILE.read_text()))


def consumers() -> list[str]:
    return [d.name for d in all_definitions() if d.subscriptions]


def test_committed_definitions_match_the_declared_topology(
    committed: dict[str, Any], generated: dict[str, Any]
) -> None:
    assert committed == generated, (
        "regenerate: aftercare topology --definitions deploy/rabbitmq/definitions.json"
    )


def test_one_durable_topic_exchange(committed: dict[str, Any]) -> None:
    [exchange] = [x for x in committed["exchanges"] if x["type"] == "topic"]
    assert (exchange["name"], exchange["type"], exchange["durable"]) == (EXCHANGE, "topic", True)
    assert exchange["auto_delete"] is False


def test_every_queue_set_has_its_own_requeue_exchange_reaching_only_its_queues(
    committed: dict[str, Any],
) -> None:
    """Dead-lettering, retries and parking go through ``<queue>.requeue`` (direct), bound to
    the set's own main, retry and parking queues by their names, never the default exchange."""
    requeues = {x["name"]: x for x in committed["exchanges"] if x["name"] != EXCHANGE}
    mains = {q["name"] for q in committed["queues"] if q["arguments"]["x-queue-type"] == "quorum"}
    assert set(requeues) == {f"{main}.requeue" for main in mains}
    assert {(x["type"], x["durable"], x["auto_delete"]) for x in requeues.values()} == {
        ("direct", True, False)
    }
    for binding in committed["bindings"]:
        if binding["source"] in requeues:
            main = binding["source"].removesuffix(".requeue")
            assert binding["destination"] == binding["routing_key"]
            assert binding["destination"] in (main, f"{main}.dead") or binding[
                "destination"
            ].startswith(f"{main}.retry.")
    for queue in committed["queues"]:
        if "x-dead-letter-exchange" in queue["arguments"]:
            owner = queue["name"].split(".retry.")[0]
            assert queue["arguments"]["x-dead-letter-exchange"] == f"{owner}.requeue"


def test_every_consumer_has_a_quorum_queue_dead_lettering_to_its_parking_queue(
    committed: dict[str, Any],
) -> None:
    queues = {q["name"]: q for q in committed["queues"]}
    assert consumers(), "at least kpi consumes"
    for svc in consumers():
        main = queues[f"{svc}.events"]
        assert main["durable"] is True and main["auto_delete"] is False
        args = main["arguments"]
        assert args["x-queue-type"] == "quorum"
        assert args["x-dead-letter-exchange"] == f"{svc}.events.requeue"
        assert args["x-dead-letter-routing-key"] == f"{svc}.events.dead"
        assert f"{svc}.events.dead" in queues
        assert queues[f"{svc}.events.dead"]["durable"] is True


def test_retry_queues_wait_then_return_to_the_main_queue(committed: dict[str, Any]) -> None:
    queues = {q["name"]: q["arguments"] for q in committed["queues"]}
    for svc in consumers():
        retries = [queues[f"{svc}.events.retry.{level}"] for level in (1, 2, 3)]
        assert [r["x-message-ttl"] for r in retries] == [1000, 5000, 25000]  # 1 s, 5 s, 25 s
        assert {r["x-dead-letter-routing-key"] for r in retries} == {f"{svc}.events"}
        assert {r["x-dead-letter-exchange"] for r in retries} == {f"{svc}.events.requeue"}


def test_only_consumers_have_queues(committed: dict[str, Any]) -> None:
    owners = {q["name"].split(".")[0] for q in committed["queues"]}
    assert owners == set(consumers())


def test_kpi_binds_everything(committed: dict[str, Any]) -> None:
    kpi = [
        b
        for b in committed["bindings"]
        if b["destination"] == "kpi.events" and b["source"] == EXCHANGE
    ]
    assert [(b["source"], b["routing_key"], b["destination_type"]) for b in kpi] == [
        (EXCHANGE, "#", "queue")
    ]


def test_bindings_target_main_queues_with_type_and_any_region(committed: dict[str, Any]) -> None:
    for binding in (b for b in committed["bindings"] if b["source"] == EXCHANGE):
        svc = binding["destination"].removesuffix(".events")
        assert binding["destination"] == f"{svc}.events"
        key = binding["routing_key"]
        assert key == "#" or re.fullmatch(r"[a-z_]+(\.[a-z_]+)+\.\*", key), key


def test_one_user_per_service_and_no_password_hash(committed: dict[str, Any]) -> None:
    users = {u["name"]: u for u in committed["users"]}
    assert set(users) == set(SERVICE_NAMES)
    for user in users.values():
        assert not user.get("password_hash")
        assert user["tags"] == []  # no management or administrator rights


def all_queue_names() -> dict[str, list[str]]:
    return {
        svc: [
            f"{svc}.events",
            f"{svc}.events.dead",
            *(f"{svc}.events.retry.{i}" for i in (1, 2, 3)),
        ]
        for svc in SERVICE_NAMES
    }


def test_permissions_do_not_reach_another_services_queues(committed: dict[str, Any]) -> None:
    queues = all_queue_names()
    assert {p["user"] for p in committed["permissions"]} == set(SERVICE_NAMES)
    for perm in committed["permissions"]:
        svc = perm["user"]
        for kind in ("configure", "write", "read"):
            pattern = perm[kind]
            for other, names in queues.items():
                if other == svc:
                    continue
                leaks = [n for n in names if re.fullmatch(pattern, n)]
                assert leaks == [], f"{svc} may {kind} {leaks}"


def test_permissions_cover_the_services_own_work(committed: dict[str, Any]) -> None:
    for perm in committed["permissions"]:
        svc = perm["user"]
        own = all_queue_names()[svc]
        assert all(re.fullmatch(perm["configure"], n) for n in own)
        assert all(re.fullmatch(perm["read"], n) for n in [EXCHANGE, *own])
        # publish events (if it has any); move its own messages to its retry and parking
        # queues through its own requeue exchange, never the default one
        requeue = [f"{n}.requeue" for n in own]
        assert all(re.fullmatch(perm["write"], n) for n in [*requeue, *own])
        assert all(re.fullmatch(perm["configure"], n) for n in requeue)
        assert all(re.fullmatch(perm["read"], n) for n in requeue)
        assert bool(re.fullmatch(perm["write"], EXCHANGE)) == (svc in publishers())
        assert not re.fullmatch(perm["configure"], "amq.default")
        assert not re.fullmatch(perm["write"], "amq.default")


def publishers() -> set[str]:
    return {d.name for d in all_definitions() if d.catalog.declarations()}


def test_a_service_may_publish_only_its_own_event_types(committed: dict[str, Any]) -> None:
    topics = {p["user"]: p for p in committed["topic_permissions"]}
    assert set(topics) == publishers()
    for definition in all_definitions():
        if definition.name not in topics:
            continue
        write = topics[definition.name]["write"]
        assert topics[definition.name]["exchange"] == EXCHANGE
        for decl in definition.catalog.declarations():
            assert re.fullmatch(write, f"{decl.type}.east")
            assert not re.fullmatch(write, f"{decl.type}.east.extra")
            assert not re.fullmatch(write, f"{decl.type}x.east")
        assert not re.fullmatch(write, "anything.east")
