"""kpi's facts through the real consumer path (EventProcessor, inbox, batches) on SQLite and
PostgreSQL, read back through GET /kpis and /metrics. Scenarios are table-driven with
hand-computed expectations; shuffled and duplicated deliveries, and a rebuild from the
archive, must give identical numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete

from services.complaints.events import PUBLISHES as COMPLAINTS
from services.dispatch.events import PUBLISHES as DISPATCH
from services.intake.events import PUBLISHES as INTAKE
from services.kpi import SERVICE as KPI
from services.kpi.commands import rebuild
from services.kpi.models import MonthlyAggregate
from shared.clock import FixedClock
from shared.events import Event
from shared.messaging.processing import EventProcessor, Incoming, Outcome
from shared.service import Runtime
from shared.web import build_app
from tests.helpers import auth, metric_value, migrated_runtime, settings_for

NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)  # noon in Shanghai: "this month" is 2026-11
WARRANTY = {"status": "in_warranty", "parts_covered": True, "labour_covered": True}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def new_id() -> str:
    return str(uuid.uuid4())


class Story:
    """Producer-valid events (built with the producers' own catalogs) for one region."""

    def __init__(self, region: str = "east") -> None:
        self.region = region
        self.events: list[Event] = []

    def _add(self, catalog: Any, type_: str, when: dt.datetime, **data: Any) -> Story:
        self.events.append(catalog.build(type_, data, region=self.region, occurred_at=when))
        return self

    # intake
    def ticket(self, ticket: str, reported: str, due: str) -> Story:
        return self._add(
            INTAKE,
            "ticket.created",
            at(reported),
            ticket_id=ticket,
            channel="hotline",
            kind="repair",
            priority="high",
            product_model="CP-400",
            serial_no="SN-1",
            reported_at=at(reported),
            warranty={**WARRANTY, "reason": "in warranty"},
            first_response_due_at=at(due),
            source_event_id=None,
        )

    def assessed(self, ticket: str, when: str, due: str) -> Story:
        return self._add(
            INTAKE,
            "ticket.assessed",
            at(when),
            ticket_id=ticket,
            round=1,
            nature="product_defect",
            severity="high",
            visit_needed=True,
            required_skill=None,
            estimated_hours="2.00",
            parts_likely=[],
            assessed_by="engineer-1",
            assessed_at=at(when),
            first_response_due_at=at(due),
            first_response=True,
        )

    def ticket_closed(self, ticket: str, when: str, reported: str, order: str | None) -> Story:
        return self._add(
            INTAKE,
            "ticket.closed",
            at(when),
            ticket_id=ticket,
            reason="repair_accepted",
            work_order_id=order,
            closed_at=at(when),
            ticket_created_at=at(reported),
        )

    # dispatch
    def _visit(self, order: str, n: int, tech: str, ticket: str | None) -> dict[str, Any]:
        return {
            "work_order_id": order,
            "ticket_id": ticket,
            "kind": "repair",
            "visit_number": n,
            "technician_id": tech,
        }

    def scheduled(
        self,
        order: str,
        n: int,
        tech: str,
        when: str,
        window_end: str,
        *,
        by_customer: bool = False,
        repeat_of: str | None = None,
        ticket: str | None = None,
    ) -> Story:
        end = at(window_end)
        return self._add(
            DISPATCH,
            "repair.scheduled",
            at(when),
            **self._visit(order, n, tech, ticket),
            technician_kind="employee",
            window_start=end - dt.timedelta(hours=2),
            window_end=end,
            auto_assigned=False,
            rescheduled_by_customer=by_customer,
            repeat_of=repeat_of,
            scheduled_at=at(when),
        )

    def arrived(
        self,
        order: str,
        n: int,
        tech: str,
        when: str,
        window_end: str,
        *,
        deadline: str | None = None,
        ticket: str | None = None,
    ) -> Story:
        end = at(window_end)
        self._add(
            DISPATCH,
            "technician.arrived",
            at(when),
            **self._visit(order, n, tech, ticket),
            arrived_at=at(when),
            window_start=end - dt.timedelta(hours=2),
            window_end=end,
            on_time=at(when) <= at(deadline or window_end),
            identity_verified=True,
            product_verified=True,
        )
        if deadline is not None:  # a newer dispatch adds the deadline it judged by
            event = self.events[-1]
            data = {**event.data, "deadline": at(deadline).isoformat()}
            self.events[-1] = dataclasses.replace(event, data=data)
        return self

    def missed(self, order: str, n: int, tech: str, window_end: str) -> Story:
        end = at(window_end)
        return self._add(
            DISPATCH,
            "visit.missed",
            end + dt.timedelta(minutes=1),
            **self._visit(order, n, tech, None),
            window_start=end - dt.timedelta(hours=2),
            window_end=end,
            detected_at=end + dt.timedelta(minutes=1),
        )

    def completed(self, order: str, n: int, tech: str, when: str, result: str = "fixed") -> Story:
        return self._add(
            DISPATCH,
            "repair.completed",
            at(when),
            **self._visit(order, n, tech, None),
            result=result,
            work_performed="replaced anode",
            labour_hours="1.50",
            parts=[],
            started_at=at(when) - dt.timedelta(hours=1),
            finished_at=at(when),
            warranty=WARRANTY,
            product_model="CP-400",
            serial_no="SN-1",
        )

    def accepted(
        self, order: str, n: int, tech: str, when: str, rating: int, ticket: str | None = None
    ) -> Story:
        return self._add(
            DISPATCH,
            "repair.accepted",
            at(when),
            **self._visit(order, n, tech, ticket),
            rating=rating,
            first_time_fix=n == 1,
            repeat_of=None,
            serial_no="SN-1",
            accepted_at=at(when),
        )

    def rejected(self, order: str, n: int, tech: str, when: str, rating: int) -> Story:
        return self._add(
            DISPATCH,
            "repair.rejected",
            at(when),
            **self._visit(order, n, tech, None),
            rating=rating,
            reason="still leaking",
            rejected_at=at(when),
        )

    def escalated(self, order: str, n: int, tech: str, when: str) -> Story:
        return self._add(
            DISPATCH,
            "repair.escalated",
            at(when),
            **self._visit(order, n, tech, None),
            escalated_to="replacement",
            failed_visits=n,
            nature="product_defect",
            product_model="CP-400",
            serial_no="SN-1",
            warranty=WARRANTY,
            escalated_at=at(when),
        )

    def followup(self, order: str, tech: str, when: str, satisfaction: int) -> Story:
        return self._add(
            DISPATCH,
            "followup.recorded",
            at(when),
            work_order_id=order,
            ticket_id=None,
            technician_id=tech,
            satisfaction=satisfaction,
            remarks="fine",
            recorded_at=at(when),
        )

    # complaints
    def filed(self, complaint: str, when: str, deadline: str) -> Story:
        return self._add(
            COMPLAINTS,
            "complaint.filed",
            at(when),
            complaint_id=complaint,
            deadline_at=at(deadline),
            category="service_attitude",
            severity="medium",
            channel="hotline",
            complainant_key="c-1",
            ticket_id=None,
            work_order_id=None,
            filed_at=at(when),
        )

    def resolved(self, complaint: str, n: int, when: str, deadline: str) -> Story:
        return self._add(
            COMPLAINTS,
            "complaint.resolved",
            at(when),
            complaint_id=complaint,
            deadline_at=at(deadline),
            resolution_round=n,
            resolved_at=at(when),
            within_deadline=at(when) <= at(deadline),
        )

    def reopened(self, complaint: str, n: int, when: str, deadline: str, rating: int) -> Story:
        return self._add(
            COMPLAINTS,
            "complaint.reopened",
            at(when),
            complaint_id=complaint,
            deadline_at=at(deadline),
            resolution_round=n,
            rating=rating,
            reason="no apology",
            reopened_at=at(when),
        )

    def complaint_closed(
        self, complaint: str, n: int, resolved: str, when: str, deadline: str, rating: int
    ) -> Story:
        return self._add(
            COMPLAINTS,
            "complaint.closed",
            at(when),
            complaint_id=complaint,
            deadline_at=at(deadline),
            resolution_round=n,
            resolved_at=at(resolved),
            within_deadline=at(resolved) <= at(deadline),
            satisfied=rating >= 4,
            rating=rating,
            closed_at=at(when),
        )


# -- harness -----------------------------------------------------------------------------------
@dataclass
class Kpi:
    rt: Runtime
    client: FlaskClient
    processor: EventProcessor

    def deliver(self, events: list[Event], *, batch: int = 100) -> list[Outcome]:
        """Through the consumer's processor, in batches, as the broker would hand them over."""
        outcomes = []
        for start in range(0, len(events), batch):
            chunk = [Incoming(e.to_json().encode()) for e in events[start : start + batch]]
            outcomes += [s.outcome for s in self.processor.process(chunk)]
        assert set(outcomes) <= {Outcome.APPLIED, Outcome.DUPLICATE}, outcomes
        return outcomes

    def kpis(self, month: str = "2026-11", **query: str) -> dict[str, Any]:
        response = self.client.get(
            "/kpis", query_string={"month": month, **query}, headers=auth("manager")
        )
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()["kpis"]
        return body

    def metrics(self) -> str:
        return self.client.get("/metrics").get_data(as_text=True)


def kpi_service(database_url: str, clock: FixedClock | None = None) -> Kpi:
    clock = clock or FixedClock(NOW)
    rt = migrated_runtime(KPI, settings_for(KPI, database_url), clock=clock)
    processor = EventProcessor(
        service="kpi",
        subscriptions=KPI.subscriptions,
        catalog=KPI.catalog,
        db=rt.db,
        clock=clock,
        max_retries=3,
        settings=rt.settings,
        calendars=rt.calendars,
    )
    app = build_app(KPI, rt.settings, clock=clock)
    return Kpi(rt, app.test_client(), processor)


@pytest.fixture
def kpi(database_url: str) -> Iterator[Kpi]:
    service = kpi_service(database_url)
    yield service
    service.client.application.extensions["aftercare"].db.dispose()
    service.rt.db.dispose()


def share(kpis: dict[str, Any], name: str) -> tuple[int, int]:
    value = kpis[name]
    return value["numerator"], value["denominator"]


# -- scenarios ---------------------------------------------------------------------------------
W, T, C = new_id, new_id, new_id
TECH_A, TECH_B = "3e9d7b1a-2c4f-4e6a-8b0d-1f3a5c7e9b20", "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"


def late_by_one_second() -> Story:
    o = W()
    return (
        Story()
        .scheduled(o, 1, TECH_A, "2026-11-09T02:00:00+00:00", "2026-11-10T06:00:00+00:00")
        .arrived(o, 1, TECH_A, "2026-11-10T06:00:01+00:00", "2026-11-10T06:00:00+00:00")
    )


def exactly_on_window_end() -> Story:
    o = W()
    return (
        Story()
        .scheduled(o, 1, TECH_A, "2026-11-09T02:00:00+00:00", "2026-11-10T06:00:00+00:00")
        .arrived(o, 1, TECH_A, "2026-11-10T06:00:00+00:00", "2026-11-10T06:00:00+00:00")
    )


def missed_window() -> Story:
    o = W()
    return (
        Story()
        .scheduled(o, 1, TECH_A, "2026-11-09T02:00:00+00:00", "2026-11-11T06:00:00+00:00")
        .missed(o, 1, TECH_A, "2026-11-11T06:00:00+00:00")
    )


def missed_then_arrived_late() -> Story:
    o = W()
    return (
        Story()
        .scheduled(o, 1, TECH_A, "2026-11-09T02:00:00+00:00", "2026-11-13T06:00:00+00:00")
        .missed(o, 1, TECH_A, "2026-11-13T06:00:00+00:00")
        .arrived(o, 1, TECH_A, "2026-11-13T07:00:00+00:00", "2026-11-13T06:00:00+00:00")
    )


def rescheduled_by_customer() -> Story:
    # Promised 03:00; the customer asked for a later window ending 09:00; arrival at 08:00.
    o = W()
    return (
        Story()
        .scheduled(o, 1, TECH_A, "2026-11-10T02:00:00+00:00", "2026-11-12T03:00:00+00:00")
        .scheduled(
            o, 1, TECH_A, "2026-11-11T02:00:00+00:00", "2026-11-12T09:00:00+00:00", by_customer=True
        )
        .arrived(o, 1, TECH_A, "2026-11-12T08:00:00+00:00", "2026-11-12T09:00:00+00:00")
    )


def moved_by_the_company() -> Story:
    # The company moved its own window later: dispatch still judges by the 03:00 promise.
    o = W()
    return Story().arrived(
        o,
        1,
        TECH_A,
        "2026-11-12T08:00:00+00:00",
        "2026-11-12T09:00:00+00:00",
        deadline="2026-11-12T03:00:00+00:00",
    )


def second_visit() -> Story:
    o = W()
    return (
        Story()
        .arrived(o, 1, TECH_A, "2026-11-14T05:00:00+00:00", "2026-11-14T06:00:00+00:00")
        .completed(o, 1, TECH_A, "2026-11-14T07:00:00+00:00", result="not_fixed")
        .rejected(o, 1, TECH_A, "2026-11-14T08:00:00+00:00", rating=2)
        .arrived(o, 2, TECH_B, "2026-11-16T06:00:01+00:00", "2026-11-16T06:00:00+00:00")
        .completed(o, 2, TECH_B, "2026-11-16T08:00:00+00:00")
        .accepted(o, 2, TECH_B, "2026-11-16T09:00:00+00:00", rating=4)
    )


def first_time_fix() -> Story:
    o = W()
    return (
        Story()
        .arrived(o, 1, TECH_A, "2026-11-14T05:00:00+00:00", "2026-11-14T06:00:00+00:00")
        .completed(o, 1, TECH_A, "2026-11-14T07:00:00+00:00")
        .accepted(o, 1, TECH_A, "2026-11-14T08:00:00+00:00", rating=5)
    )


def escalation() -> Story:
    o = W()
    return (
        Story()
        .completed(o, 1, TECH_A, "2026-11-14T07:00:00+00:00", result="not_fixed")
        .rejected(o, 1, TECH_A, "2026-11-14T08:00:00+00:00", rating=1)
        .completed(o, 2, TECH_A, "2026-11-15T07:00:00+00:00", result="not_fixed")
        .rejected(o, 2, TECH_A, "2026-11-15T08:00:00+00:00", rating=1)
        .escalated(o, 2, TECH_A, "2026-11-15T08:00:00+00:00")
    )


def ratings_three_and_four() -> Story:
    o1, o2 = W(), W()
    return (
        Story()
        .completed(o1, 1, TECH_A, "2026-11-14T07:00:00+00:00")
        .accepted(o1, 1, TECH_A, "2026-11-14T08:00:00+00:00", rating=3)
        .completed(o2, 1, TECH_B, "2026-11-14T07:00:00+00:00")
        .accepted(o2, 1, TECH_B, "2026-11-14T08:00:00+00:00", rating=4)
    )


DEADLINE = "2026-11-06T09:30:00+00:00"


def complaint_reopened_closed_late() -> Story:
    c = C()
    return (
        Story()
        .filed(c, "2026-11-04T01:30:00+00:00", DEADLINE)
        .resolved(c, 1, "2026-11-05T08:00:00+00:00", DEADLINE)
        .reopened(c, 1, "2026-11-06T02:00:00+00:00", DEADLINE, rating=2)
        .resolved(c, 2, "2026-11-07T03:00:00+00:00", DEADLINE)
        .complaint_closed(
            c, 2, "2026-11-07T03:00:00+00:00", "2026-11-07T06:00:00+00:00", DEADLINE, 4
        )
    )


def complaint_reopened_closed_on_time() -> Story:
    c, deadline = C(), "2026-11-20T09:30:00+00:00"
    return (
        Story()
        .filed(c, "2026-11-04T01:30:00+00:00", deadline)
        .resolved(c, 1, "2026-11-05T08:00:00+00:00", deadline)
        .reopened(c, 1, "2026-11-06T02:00:00+00:00", deadline, rating=1)
        .resolved(c, 2, "2026-11-10T03:00:00+00:00", deadline)
        .complaint_closed(
            c, 2, "2026-11-10T03:00:00+00:00", "2026-11-11T06:00:00+00:00", deadline, 5
        )
    )


def complaints_open() -> Story:
    # One never resolved (past its deadline), one resolved in time awaiting feedback.
    c1, c2 = C(), C()
    return (
        Story()
        .filed(c1, "2026-11-04T01:30:00+00:00", DEADLINE)
        .filed(c2, "2026-11-04T01:30:00+00:00", DEADLINE)
        .resolved(c2, 1, "2026-11-05T08:00:00+00:00", DEADLINE)
    )


def month_boundary() -> Story:
    # 2026-11-30T16:30Z is 00:30 on 1 December in Shanghai.
    o = W()
    return Story().arrived(o, 1, TECH_A, "2026-11-30T16:30:00+00:00", "2026-11-30T17:00:00+00:00")


def first_responses() -> Story:
    t1, t2, t3 = T(), T(), T()
    due = "2026-11-02T13:00:00+00:00"
    return (
        Story()
        .ticket(t1, "2026-11-02T09:00:00+00:00", due)
        .assessed(t1, "2026-11-02T13:00:00+00:00", due)
        .ticket(t2, "2026-11-02T09:00:00+00:00", due)
        .assessed(t2, "2026-11-02T13:00:01+00:00", due)
        .ticket(t3, "2026-11-02T09:00:00+00:00", due)
    )


def time_to_repair() -> Story:
    t, o = T(), W()
    return (
        Story()
        .ticket(t, "2026-11-02T09:00:00+00:00", "2026-11-02T13:00:00+00:00")
        .assessed(t, "2026-11-02T10:00:00+00:00", "2026-11-02T13:00:00+00:00")
        .scheduled(o, 1, TECH_A, "2026-11-02T12:00:00+00:00", "2026-11-03T03:00:00+00:00", ticket=t)
        .arrived(o, 1, TECH_A, "2026-11-03T02:00:00+00:00", "2026-11-03T03:00:00+00:00", ticket=t)
        .completed(o, 1, TECH_A, "2026-11-03T04:00:00+00:00")
        .accepted(o, 1, TECH_A, "2026-11-03T05:00:00+00:00", rating=5, ticket=t)
        .ticket_closed(t, "2026-11-03T05:00:01+00:00", "2026-11-02T09:00:00+00:00", o)
    )


def repeat_visit() -> Story:
    return Story().scheduled(
        W(), 1, TECH_A, "2026-11-20T02:00:00+00:00", "2026-11-21T06:00:00+00:00", repeat_of=W()
    )


SCENARIOS: list[tuple[str, Callable[[], Story], dict[str, Any]]] = [
    ("late by one second", late_by_one_second, {"repair_timeliness": (0, 1)}),
    ("exactly on the window end", exactly_on_window_end, {"repair_timeliness": (1, 1)}),
    ("a missed window", missed_window, {"repair_timeliness": (0, 1)}),
    (
        "missed, then a late arrival: counted once",
        missed_then_arrived_late,
        {"repair_timeliness": (0, 1)},
    ),
    (
        "rescheduled at the customer's request",
        rescheduled_by_customer,
        {"repair_timeliness": (1, 1)},
    ),
    (
        "moved by the company: judged by the promise",
        moved_by_the_company,
        {"repair_timeliness": (0, 1)},
    ),
    (
        "a second visit",
        second_visit,
        {"repair_timeliness": (1, 2), "first_time_fix": (0, 1), "csat": (1, 2), "csat_mean": 3.0},
    ),
    (
        "a first-time fix",
        first_time_fix,
        {"repair_timeliness": (1, 1), "first_time_fix": (1, 1), "csat": (1, 1), "csat_mean": 5.0},
    ),
    ("an escalation", escalation, {"first_time_fix": (0, 1), "csat": (0, 2), "backlog": (0, 0)}),
    (
        "ratings 3 and 4",
        ratings_three_and_four,
        {"first_time_fix": (2, 2), "csat": (1, 2), "csat_mean": 3.5},
    ),
    (
        "a complaint reopened, then closed late",
        complaint_reopened_closed_late,
        {"complaint_timeliness": (0, 1), "complaint_satisfaction": (1, 2), "complaint_mean": 3.0},
    ),
    (
        "a complaint reopened, then closed on time",
        complaint_reopened_closed_on_time,
        {"complaint_timeliness": (1, 1), "complaint_satisfaction": (1, 2), "complaint_mean": 3.0},
    ),
    ("complaints still open", complaints_open, {"complaint_timeliness": (0, 1)}),
    ("first responses", first_responses, {"first_response_compliance": (1, 3), "backlog": (3, 0)}),
    (
        "time to repair",
        time_to_repair,
        {
            "mean_time_to_repair": (1, 20 * 3600),
            "first_response_compliance": (1, 1),
            "backlog": (0, 0),
            "repair_timeliness": (1, 1),
            "first_time_fix": (1, 1),
            "csat": (1, 1),
        },
    ),
    ("a repeat visit", repeat_visit, {"repeat_visits": (1, 1), "backlog": (0, 1)}),
]


@pytest.mark.parametrize(("case", "story", "expected"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_scenario(
    kpi: Kpi, case: str, story: Callable[[], Story], expected: dict[str, Any]
) -> None:
    kpi.deliver(story().events)

    kpis = kpi.kpis(region="east")
    for name, value in expected.items():
        if name == "csat_mean":
            assert kpis["csat"]["mean_rating"] == value
        elif name == "complaint_mean":
            assert kpis["complaint_satisfaction"]["mean_rating"] == value
        elif name == "mean_time_to_repair":
            got = kpis[name]
            assert (got["repairs"], got["mean_seconds"]) == value
        elif name == "backlog":
            got = kpis["open_backlog"]
            assert (got["tickets"], got["work_orders"]) == value
        else:
            assert share(kpis, name) == value, name
    # Every KPI not named has nothing in it (this scenario touches only what it names).
    quiet = {"repair_timeliness", "first_time_fix", "csat", "complaint_satisfaction"} - set(
        expected
    )
    for name in quiet:
        assert share(kpis, name) == (0, 0), name


def test_scenario_metrics_counters_and_gauges(kpi: Kpi) -> None:
    kpi.deliver(second_visit().events + complaint_reopened_closed_late().events)
    text = kpi.metrics()

    def value(name: str, **labels: str) -> float | None:
        return metric_value(text, name, **labels)

    assert value("aftercare_visits_total", region="east", on_time="true") == 1
    assert value("aftercare_visits_total", region="east", on_time="false") == 1
    assert value("aftercare_visits_total", region="north", on_time="true") == 0
    assert value("aftercare_work_orders_closed_total", region="east", first_time_fix="false") == 1
    assert value("aftercare_ratings_total", region="east", source="repair", score="2") == 1
    assert value("aftercare_ratings_total", region="east", source="repair", score="4") == 1
    assert value("aftercare_ratings_total", region="east", source="complaint", score="2") == 1
    assert value("aftercare_ratings_total", region="east", source="complaint", score="4") == 1
    assert value("aftercare_complaints_closed_total", region="east", within_deadline="false") == 1
    # This month's gauges (the clock says 2026-11 in Shanghai).
    assert value("aftercare_kpi_repair_timeliness_ratio", region="east") == 0.5
    assert value("aftercare_kpi_first_time_fix_ratio", region="east") == 0.0
    assert value("aftercare_kpi_csat_ratio", region="east") == 0.5
    assert value("aftercare_kpi_mean_satisfaction", region="east") == 3.0
    assert value("aftercare_kpi_complaint_timeliness_ratio", region="east") == 0.0
    assert value("aftercare_kpi_complaint_satisfaction_ratio", region="east") == 0.5
    assert value("aftercare_kpi_csat_ratio", region="north") is None  # nothing to rate there
    assert value("aftercare_backlog_open", service="dispatch", region="east") == 0
    assert value("aftercare_events_consumed_total", type="repair.rejected", region="east") == 1
    assert value("aftercare_event_lag_seconds_count") == 11


def test_month_boundary_in_shanghai(kpi: Kpi) -> None:
    kpi.deliver(month_boundary().events)

    assert share(kpi.kpis("2026-11", region="east"), "repair_timeliness") == (0, 0)
    assert share(kpi.kpis("2026-12", region="east"), "repair_timeliness") == (1, 1)
    # The gauges are this month's (November): nothing judged in it yet.
    text = kpi.metrics()
    assert metric_value(text, "aftercare_kpi_repair_timeliness_ratio", region="east") is None
    assert metric_value(text, "aftercare_visits_total", region="east", on_time="true") == 1


def test_technician_and_overall_views(kpi: Kpi) -> None:
    north = Story("north")
    o = W()
    north.arrived(o, 1, TECH_A, "2026-11-14T05:00:00+00:00", "2026-11-14T06:00:00+00:00")
    kpi.deliver(second_visit().events + north.events)

    assert share(kpi.kpis(), "repair_timeliness") == (2, 3)  # east 1/2, north 1/1
    assert share(kpi.kpis(region="north"), "repair_timeliness") == (1, 1)
    by_a = kpi.kpis(technician=TECH_A)
    assert share(by_a, "repair_timeliness") == (2, 2)  # visit 1 in east, visit in north
    assert share(by_a, "csat") == (0, 1)  # visit 1 rejected, rated 2
    assert by_a["complaint_timeliness"] is None and by_a["open_backlog"] is None
    by_b = kpi.kpis(region="east", technician=TECH_B)
    assert share(by_b, "repair_timeliness") == (0, 1)
    assert share(by_b, "first_time_fix") == (0, 1)


# -- order independence, duplicates, rebuild ----------------------------------------------------
ALL = [s for _, s, _ in SCENARIOS] + [month_boundary]
MONTHS_READ = ("2026-11", "2026-12")
# The families kpi reads from its database (the rest are per process: HTTP, consumer...).
KPI_METRICS = tuple(
    f"aftercare_{name}"
    for name in (
        "events_consumed",
        "event_lag",
        "visits",
        "work_orders_closed",
        "ratings",
        "complaints_closed",
        "kpi_",
        "backlog_open",
    )
)


def snapshot(kpi: Kpi) -> dict[str, Any]:
    """Every KPI of the months read, overall and for east and north, and every kpi metric."""
    views = {
        (month, region): kpi.kpis(month, **({"region": region} if region else {}))
        for month in MONTHS_READ
        for region in (None, "east", "north")
    }
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(kpi.metrics())
        for s in family.samples
        if s.name.startswith(KPI_METRICS)
    }
    return {"kpis": views, "metrics": samples}


def every_event() -> list[Event]:
    events = [e for make in ALL for e in make().events]
    north = Story("north")
    o = W()
    north.arrived(o, 1, TECH_A, "2026-11-14T05:00:00+00:00", "2026-11-14T06:00:00+00:00")
    north.completed(o, 1, TECH_A, "2026-11-14T07:00:00+00:00").accepted(
        o, 1, TECH_A, "2026-11-14T08:00:00+00:00", rating=3
    )
    return events + north.events


def test_shuffled_and_duplicated_delivery_gives_identical_numbers(database_url: str) -> None:
    events = every_event()
    in_order = kpi_service(database_url)
    in_order.deliver(events)
    expected = snapshot(in_order)
    # The scenarios' hand-computed numbers, summed, as a check on the whole (east, November):
    east = expected["kpis"][("2026-11", "east")]
    # visits: late 1s, on the end, missed, missed+late, customer, company, second visit (2),
    # first-time fix, time to repair; the month-boundary arrival is December's.
    assert share(east, "repair_timeliness") == (0 + 1 + 0 + 0 + 1 + 0 + 1 + 1 + 1, 10)
    # work orders: second visit, first-time fix, escalation, ratings 3 and 4 (two), time to repair
    assert share(east, "first_time_fix") == (0 + 1 + 0 + 2 + 1, 6)
    # ratings: second visit (2 and 4), fix (5), escalation (1, 1), 3 and 4, time to repair (5)
    assert share(east, "csat") == (1 + 1 + 0 + 1 + 1, 2 + 1 + 2 + 2 + 1)
    assert east["csat"]["mean_rating"] == (2 + 4 + 5 + 1 + 1 + 3 + 4 + 5) / 8
    in_order.rt.db.dispose()

    rng = random.Random(20261128)
    for attempt in range(2):
        delivered = events + rng.sample(events, len(events) // 2)  # half of them twice
        rng.shuffle(delivered)
        # Batches of 7: some duplicates share a batch, others come batches apart.
        shuffled = kpi_service(_fresh(database_url, attempt))
        outcomes = shuffled.deliver(delivered, batch=7)
        assert outcomes.count(Outcome.DUPLICATE) == len(events) // 2
        assert snapshot(shuffled) == expected
        shuffled.rt.db.dispose()


def test_rebuild_from_the_archive_gives_the_same_numbers(kpi: Kpi) -> None:
    events = every_event()
    rng = random.Random(7)
    delivered = events + events[:10]
    rng.shuffle(delivered)
    kpi.deliver(delivered, batch=13)
    live = snapshot(kpi)

    report = rebuild(kpi.rt, chunk_size=9)

    assert (report.replayed, report.skipped) == (len(events), 0)
    assert snapshot(kpi) == live
    # A rebuild also repairs aggregates that went wrong.
    with kpi.rt.db.session() as session:
        session.execute(delete(MonthlyAggregate).where(MonthlyAggregate.region == "east"))
        session.commit()
    assert snapshot(kpi) != live
    rebuild(kpi.rt)
    assert snapshot(kpi) == live


_FRESH: dict[str, list[str]] = {}


def _fresh(database_url: str, attempt: int) -> str:
    """Another empty database of the same kind as ``database_url``."""
    if database_url.startswith("sqlite"):
        return database_url.replace("service.db", f"shuffled-{attempt}.db")
    from tests.helpers import create_pg_database

    url = create_pg_database()
    _FRESH.setdefault(database_url, []).append(url)
    return url


@pytest.fixture(autouse=True)
def _drop_fresh_databases() -> Iterator[None]:
    yield
    from tests.helpers import drop_pg_database

    for urls in _FRESH.values():
        for url in urls:
            drop_pg_database(url)
    _FRESH.clear()
