"""kpi's worker on the real RabbitMQ: events published on the exchange before November is
closed are in its frozen figures; a late one published after the close shows as a
correction (frozen 1 of 2 visits on time, live 2 of 3), and the same event published again
adds nothing. A questionnaire and a consultation answered on the exchange show in the KPIs
(satisfaction by source, consultation timeliness), a duplicate counted once."""

from __future__ import annotations

import uuid
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
from tests.integration.test_kpi_channels import answered, survey
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


def channel_kpis(rt: Runtime) -> dict[str, Any]:
    with rt.unit_of_work() as uow:
        assert isinstance(uow, KpiUnitOfWork)
        body = use_cases.get_kpis(uow, viewer=ADMIN, month="2026-11", region="east")
    kpis: dict[str, Any] = body["kpis"]
    return kpis


def test_a_survey_and_a_consultation_answered_on_the_broker_show_in_the_kpis(
    worker: tuple[Runtime, Worker], amqp_url: str
) -> None:
    rt, _ = worker
    events = [
        # A questionnaire rated 2 (not 4-5), and a consultation answered a minute late.
        survey(2, TECH_A, "2026-11-16T03:00:00+00:00"),
        answered(str(uuid.uuid4()), "2026-11-05T05:00:00+00:00", "2026-11-05T05:01:00+00:00"),
    ]
    publish(amqp_url, events[:1] + events)  # the survey twice, before the consultation

    def applied() -> dict[str, Any] | None:
        kpis = channel_kpis(rt)
        consultations = kpis["consultation_timeliness"]["denominator"]
        return kpis if consultations and archived(rt) == 2 else None

    kpis = wait_until(applied, what="the survey and the consultation applied")
    questionnaire = kpis["csat_by_source"]["questionnaire"]
    assert (questionnaire["numerator"], questionnaire["denominator"]) == (0, 1)
    assert questionnaire["mean_rating"] == 2.0
    assert (kpis["csat_all_sources"]["numerator"], kpis["csat_all_sources"]["denominator"]) == (
        0,
        1,
    )
    timeliness = kpis["consultation_timeliness"]
    assert (timeliness["numerator"], timeliness["denominator"]) == (0, 1)  # late
