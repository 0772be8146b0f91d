"""A worker bound to some regions only (AFTERCARE_CONSUME_REGIONS): its binding keys and its
own queues, and the settings that ask for it."""

from __future__ import annotations

import pytest

from shared.config import Settings
from shared.messaging.topology import ConsumerTopology, lane_name, region_binding_keys


def test_binding_keys_narrow_to_the_regions() -> None:
    keys = ["repair.accepted.*", "ticket.solution_accepted.*"]
    assert region_binding_keys(keys, ("east",)) == (
        "repair.accepted.east",
        "repair.accepted.national",
        "ticket.solution_accepted.east",
        "ticket.solution_accepted.national",
    )
    assert region_binding_keys(["#"], ("east", "north")) == ("#.east", "#.national", "#.north")
    assert region_binding_keys(keys, ()) == tuple(keys)


def test_every_lane_hears_the_national_events_billing_publishes() -> None:
    # The fee schedule is published once for the nation (``fee_schedule.published.national``):
    # a dispatch lane for the east alone still prices parts by it.
    from services.billing.domain import NATIONAL as BILLINGS_REGION_WORD

    keys = region_binding_keys(["fee_schedule.published.*"], ("east",))
    assert f"fee_schedule.published.{BILLINGS_REGION_WORD}" in keys


def test_a_lane_has_its_own_main_retry_and_parking_queues() -> None:
    topo = ConsumerTopology("dispatch", ("x.east",), (1.0, 2.0), lane=lane_name(("east",)))
    assert [name for name, _ in topo.queues()] == [
        "dispatch.events.east",
        "dispatch.events.east.dead",
        "dispatch.events.east.retry.1",
        "dispatch.events.east.retry.2",
    ]
    main = dict(topo.queues())["dispatch.events.east"]
    assert main["x-queue-type"] == "quorum"
    assert main["x-dead-letter-routing-key"] == "dispatch.events.east.dead"
    assert main["x-dead-letter-exchange"] == topo.requeue_exchange == "dispatch.events.east.requeue"
    assert dict(topo.queues())["dispatch.events.east.retry.1"]["x-dead-letter-routing-key"] == (
        "dispatch.events.east"
    )
    everyone = ConsumerTopology("dispatch", ("x.*",), (1.0,))
    assert everyone.queue == "dispatch.events"


def test_settings_read_the_regions_to_consume(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERCARE_CONSUME_REGIONS", " east, north ")
    assert Settings.from_env("dispatch").consume_regions == ("east", "north")
    monkeypatch.delenv("AFTERCARE_CONSUME_REGIONS")
    assert Settings.from_env("dispatch").consume_regions == ()


def test_an_unknown_region_to_consume_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERCARE_REGIONS", "east,north")
    monkeypatch.setenv("AFTERCARE_CONSUME_REGIONS", "west")
    with pytest.raises(ValueError, match="west"):
        Settings.from_env("dispatch")
