"""kpi's worker on the real RabbitMQ: events published on the exchange before November is
closed are in its frozen figures; a late one published after the close shows as a
correction (frozen 1 of 2 visits on time, live 2 of 3), and the same event published again
adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from services.kpi import SERVICE as KPI
from services.kpi import use_cases
from services.kpi.commands import close
from services.kpi.models import ArchivedEvent
from services.kpi.repositories import KpiUnitOfWork
from shared.auth import Principal
from shared.domain import Window
from shared.events import Event
from shared.service import Runtime
from shared.worker import Worker
from tests.helpers import publish_raw, rabbit_worker, wait_until
from tests.integration.test_kpi_closing import TECH_A, visit
from tests.integration.test_kpi_facts import Story

ADMIN = Principal(sub="ops", roles=frozenset({"admin"}))


@pytest.fixture
def worker(database_url: str, amqp_url: str) -> Iterator[tuple[Runtime, Worker]]:
    with rabbit_worker(KPI, database_url, amqp_url) as running:
        yield running


def publish(amqp_url: str, events: list[Event]) -> None:
    for event in events:
        publish_raw(amqp_url, event.routing_key, event.to_json())


def archived(rt: Runtime) -> int:
    with rt.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ArchivedEvent)) or 0)


def corrections(rt: Runtime) -> list[dict[str, Any]]:
    with rt.unit_of_work() as uow:
        assert isinstance(uow, KpiUnitOfWork)
        page = use_cases.list_corrections(
            uow, viewer=ADMIN, month="2026-11", region=None, window=Window(0, 100)
        )
    return list(page.items)


def test_a_late_event_on_the_broker_after_the_close_shows_as_a_correction(
    worker: tuple[Runtime, Worker], amqp_url: str
) -> None:
    rt, _ = worker
    before = Story("east")
    visit(before, 10, on_time=True)
    visit(before, 11, on_time=False)
    publish(amqp_url, before.events)
    wait_until(lambda: archived(rt) == 2, what="November's visits applied")
    [closed] = close(rt, month="2026-11", by="operator")
    assert closed.closed

    late = visit(Story("east"), 20, on_time=True).events
    publish(amqp_url, late)

    found = wait_until(lambda: corrections(rt) or None, what="the correction recorded")
    assert [
        (c["scope"], c["technician"], c["metric"], c["frozen"]["value"], c["live"]["value"])
        for c in found
    ] == [
        ("region", None, "repair_timeliness", 1 / 2, 2 / 3),
        ("technician", TECH_A, "repair_timeliness", 1 / 2, 2 / 3),
    ]
    assert {(c["event_id"], c["event_type"]) for c in found} == {
        (str(late[0].id), "technician.arrived")
    }

    # The same event again, then one of December's (not closed) to know the worker got past it.
    december = Story("east").arrived(
        "0d0d0d0d-0000-4000-8000-00000000000d",
        1,
        TECH_A,
        "2026-12-02T05:00:00+00:00",
        "2026-12-02T06:00:00+00:00",
    )
    publish(amqp_url, late + december.events)
    wait_until(lambda: archived(rt) == 4, what="December's visit applied")
    assert corrections(rt) == found
    with rt.unit_of_work() as uow:
        assert isinstance(uow, KpiUnitOfWork)
        card = use_cases.get_scorecard(uow, viewer=ADMIN, rank_by="region", month="2026-11")
    [east] = [row for row in card["rows"] if row["region"] == "east"]
    assert (card["view"], east["kpis"]["repair_timeliness"]) == ("frozen", 1 / 2)
