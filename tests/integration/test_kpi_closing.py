"""Closed months on SQLite and PostgreSQL, through the real consumer path and the REST API: a
frozen month's scorecard is unchanged by a late event, which is listed as a correction with
the frozen and live figures (worked out by hand below); a duplicate of it changes nothing; a
rebuild keeps the frozen figures and re-derives corrections; two closers freeze once.

November, east, technician A (the hand-computed figures):
- before the close: a visit on time and a visit late -> repair timeliness 1/2 (region and
  technician alike).
- the late event (after the close): a third November visit, on time -> live 2/3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from services.kpi import SERVICE as KPI
from services.kpi.commands import CLOSE, close, rebuild
from services.kpi.domain import definitions
from services.kpi.domain.facts import VisitFacts
from services.kpi.jobs import close_months
from services.kpi.models import FrozenMeasure, FrozenScorecardRow
from services.kpi.repositories.lock import APPLY_LOCK
from shared.clock import FixedClock
from shared.db import Database
from shared.messaging.processing import Outcome
from shared.service import Runtime
from tests.helpers import auth, metric_value, wait_until
from tests.integration.test_kpi_facts import NOW, Kpi, Story, kpi_service, new_id

TECH_A = "1a1a1a1a-0000-4000-8000-000000000001"
# Five days' grace after the end of a Shanghai November: 2026-12-06 00:00 +08:00.
CLOSING = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)
LATER = CLOSING + dt.timedelta(days=1)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def kpi(database_url: str, clock: FixedClock) -> Iterator[Kpi]:
    service = kpi_service(database_url, clock)
    yield service
    service.client.application.extensions["aftercare"].db.dispose()
    service.rt.db.dispose()


def visit(story: Story, day: int, *, on_time: bool) -> Story:
    """One November visit of technician A's, its window ending at 14:00 in Shanghai."""
    arrival = (
        f"2026-11-{day:02d}T05:00:00+00:00" if on_time else f"2026-11-{day:02d}T06:30:00+00:00"
    )
    return story.arrived(new_id(), 1, TECH_A, arrival, f"2026-11-{day:02d}T06:00:00+00:00")


def closed_november(kpi: Kpi, clock: FixedClock) -> None:
    """Deliver November's two visits, then close November once its grace has passed."""
    story = Story("east")
    visit(story, 10, on_time=True)
    visit(story, 11, on_time=False)
    kpi.deliver(story.events)
    clock.at = CLOSING
    [closed] = close(kpi.rt, month=None, by="schedule")
    assert (closed.month, closed.closed, closed.closed_at) == ("2026-11", True, CLOSING)


def get(kpi: Kpi, path: str, **headers: Any) -> Any:
    response = kpi.client.get(path, headers=headers or auth("manager"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def east(card: dict[str, Any]) -> dict[str, Any]:
    [row] = [r for r in card["rows"] if r.get("region") == "east"]
    return row


def frozen_rows(kpi: Kpi) -> list[tuple[Any, ...]]:
    """Every frozen row: the aggregates and the rankings kept at the close."""
    with kpi.rt.db.session() as session:
        return [
            tuple(row)
            for model in (FrozenMeasure, FrozenScorecardRow)
            for row in sorted(session.execute(select(model.__table__)).all())
        ]


def figure(numerator: int, denominator: int) -> dict[str, Any]:
    return {"numerator": numerator, "denominator": denominator, "value": numerator / denominator}


def test_a_late_event_is_a_correction_and_the_frozen_scorecard_stays(
    kpi: Kpi, clock: FixedClock
) -> None:
    closed_november(kpi, clock)
    frozen_before = frozen_rows(kpi)
    late = visit(Story("east"), 20, on_time=True).events
    clock.at = LATER

    assert kpi.deliver(late) == [Outcome.APPLIED]

    card = get(kpi, "/scorecards?month=2026-11&by=region")
    assert (card["view"], card["closed"], card["closed_at"]) == (
        "frozen",
        True,
        "2026-12-05T16:00:00Z",
    )
    assert east(card)["kpis"]["repair_timeliness"] == 1 / 2
    assert east(card)["judged"]["repair_timeliness"] == 2
    live = get(kpi, "/scorecards?month=2026-11&by=region&view=live")
    assert (live["view"], east(live)["kpis"]["repair_timeliness"]) == ("live", 2 / 3)
    expected = [
        ("region", None, "repair_timeliness", figure(1, 2), figure(2, 3)),
        ("technician", TECH_A, "repair_timeliness", figure(1, 2), figure(2, 3)),
    ]
    listed = [
        (c["scope"], c["technician"], c["metric"], c["frozen"], c["live"])
        for c in card["corrections"]
    ]
    assert listed == expected
    assert card["corrections_total"] == 2
    for correction in card["corrections"]:
        assert (correction["event_id"], correction["event_type"]) == (
            str(late[0].id),
            "technician.arrived",
        )
        assert (correction["cause"], correction["detected_at"]) == ("event", "2026-12-06T16:00:00Z")
    assert frozen_rows(kpi) == frozen_before
    pending = {"month": "2026-11", "region": "east"}
    assert metric_value(kpi.metrics(), "aftercare_kpi_corrections_pending", **pending) == 2
    # /metrics stays on the live figures (the current month, December, has none yet).
    assert metric_value(kpi.metrics(), "aftercare_visits_total", region="east", on_time="true") == 2

    # The same event again: nothing more.
    assert kpi.deliver(late) == [Outcome.DUPLICATE]
    assert get(kpi, "/scorecards?month=2026-11&by=region")["corrections_total"] == 2
    assert frozen_rows(kpi) == frozen_before
    assert metric_value(kpi.metrics(), "aftercare_kpi_corrections_pending", **pending) == 2


def test_the_technician_scorecard_of_a_closed_month_is_frozen_too(
    kpi: Kpi, clock: FixedClock
) -> None:
    closed_november(kpi, clock)
    kpi.deliver(visit(Story("east"), 20, on_time=True).events)

    card = get(kpi, "/scorecards?month=2026-11&by=technician&region=east")
    live = get(kpi, "/scorecards?month=2026-11&by=technician&region=east&view=live")

    assert [(r["technician"], r["kpis"]["repair_timeliness"]) for r in card["rows"]] == [
        (TECH_A, 1 / 2)
    ]
    assert [(r["technician"], r["kpis"]["repair_timeliness"]) for r in live["rows"]] == [
        (TECH_A, 2 / 3)
    ]


def test_kpis_say_the_month_is_closed_and_show_the_frozen_figures(
    kpi: Kpi, clock: FixedClock
) -> None:
    story = Story("east")
    visit(story, 10, on_time=True)
    kpi.deliver(story.events)
    assert get(kpi, "/kpis?month=2026-11")["closed"] is False
    closed_november(kpi, clock)
    kpi.deliver(visit(Story("east"), 20, on_time=True).events)

    body = get(kpi, "/kpis?month=2026-11&region=east")

    assert (body["closed"], body["closed_at"]) == (True, "2026-12-05T16:00:00Z")
    # Live: 3 on time of 4; frozen: 2 of 3.
    timeliness = body["kpis"]["repair_timeliness"]
    assert (timeliness["numerator"], timeliness["denominator"]) == (3, 4)
    frozen = body["frozen_kpis"]["repair_timeliness"]
    assert (frozen["numerator"], frozen["denominator"]) == (2, 3)
    assert get(kpi, "/kpis?month=2026-12")["frozen_kpis"] is None


def test_a_complaint_closed_late_corrects_the_month_it_was_open_past_deadline_in(
    kpi: Kpi, clock: FixedClock
) -> None:
    complaint, deadline = new_id(), "2026-11-20T09:30:00+00:00"
    kpi.deliver(Story("east").filed(complaint, "2026-11-04T01:30:00+00:00", deadline).events)
    closed_november(kpi, clock)
    # Frozen: November's complaint timeliness 0 of 1 (open past its deadline).
    closing = Story("east").complaint_closed(
        complaint, 1, "2026-12-06T02:00:00+00:00", "2026-12-06T03:00:00+00:00", deadline, 4
    )

    kpi.deliver(closing.events)

    # Closed in December, late: November's open one is gone (0 of 0), December counts it.
    [correction] = [
        c
        for c in get(kpi, "/scorecards/corrections?month=2026-11")
        if c["metric"] == "complaint_timeliness"
    ]
    assert correction["scope"] == "region"
    assert (correction["frozen"], correction["live"]) == (
        figure(0, 1),
        {"numerator": 0, "denominator": 0, "value": None},
    )
    assert correction["event_type"] == "complaint.closed"
    card = get(kpi, "/scorecards?month=2026-11&by=region")
    assert east(card)["kpis"]["complaint_timeliness"] == 0.0


def test_corrections_list_is_paginated_and_region_limited(kpi: Kpi, clock: FixedClock) -> None:
    closed_november(kpi, clock)
    kpi.deliver(visit(Story("east"), 20, on_time=True).events)

    page = kpi.client.get(
        "/scorecards/corrections?month=2026-11&region=east&page_size=1&page=2",
        headers=auth("engineer"),
    )
    assert page.status_code == 200
    assert json.loads(page.headers["X-Pagination"])["total"] == 2
    assert [c["scope"] for c in page.get_json()] == ["technician"]
    north = auth("manager", region="north")
    assert get(kpi, "/scorecards/corrections?month=2026-11", **north) == []
    assert (
        kpi.client.get(
            "/scorecards/corrections?month=2026-11&region=east", headers=north
        ).status_code
        == 403
    )
    east_only = get(kpi, "/scorecards?month=2026-11&by=region", **auth("manager", region="east"))
    assert east_only["corrections_total"] == 2
    assert (
        kpi.client.get("/scorecards/corrections?month=2026-11", headers=auth("agent")).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/scorecards/corrections", "month"),
        ("/scorecards/corrections?month=2026-13", "month"),
        ("/scorecards/corrections?month=2026-11&region=atlantis", "region"),
        ("/scorecards?month=2026-11&by=region&view=draft", "view"),
        ("/scorecards?month=11/2026&by=region&view=live", "month"),
    ],
)
def test_bad_query_is_a_problem_naming_the_field(kpi: Kpi, path: str, field: str) -> None:
    response = kpi.client.get(path, headers=auth("manager"))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_rebuild_keeps_the_frozen_figures_and_re_derives_corrections(
    kpi: Kpi, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed_november(kpi, clock)
    kpi.deliver(visit(Story("east"), 20, on_time=True).events)
    frozen_before = frozen_rows(kpi)

    # Same definitions: the live figures come back the same, no new correction.
    assert rebuild(kpi.rt).corrections == 0
    assert get(kpi, "/scorecards?month=2026-11&by=region")["corrections_total"] == 2

    # A changed definition (for this test): half an hour's grace makes the late visit on time.
    original = definitions.judge_visit

    def with_grace(visit: VisitFacts, month_of: definitions.MonthOf) -> definitions.Contributions:
        if visit.arrival_deadline is not None:
            later = visit.arrival_deadline + dt.timedelta(minutes=30)
            visit = VisitFacts(**{**vars(visit), "arrival_deadline": later})
        return original(visit, month_of)

    monkeypatch.setattr(definitions, "judge_visit", with_grace)
    clock.at = LATER + dt.timedelta(days=1)

    assert rebuild(kpi.rt).corrections == 2  # east and technician A: 3 of 3 now

    card = get(kpi, "/scorecards?month=2026-11&by=region")
    assert east(card)["kpis"]["repair_timeliness"] == 1 / 2  # frozen, still
    rebuilt = card["corrections"][2:]
    assert [(c["cause"], c["event_id"], c["frozen"], c["live"]) for c in rebuilt] == [
        ("rebuild", None, figure(1, 2), figure(3, 3)),
        ("rebuild", None, figure(1, 2), figure(3, 3)),
    ]
    assert frozen_rows(kpi) == frozen_before


def test_two_closers_at_once_freeze_once(kpi: Kpi, clock: FixedClock) -> None:
    story = Story("east")
    visit(story, 10, on_time=True)
    kpi.deliver(story.events)
    clock.at = CLOSING
    url = kpi.rt.settings.database_url
    runtimes = [Runtime(KPI, kpi.rt.settings, clock=clock, db=Database(url)) for _ in range(2)]
    results: list[Any] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def closer(rt: Runtime) -> None:
        try:
            start.wait(10)
            results.extend(close(rt, month="2026-11", by="operator"))
        except BaseException as exc:
            failures.append(exc)

    with held_apply_lock(url, waiting=2):
        threads = [threading.Thread(target=closer, args=(rt,)) for rt in runtimes]
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(60)
    for rt in runtimes:
        rt.db.dispose()

    assert not failures, failures
    assert sorted(r.closed for r in results) == [False, True]
    assert {r.closed_at for r in results} == {CLOSING}
    with kpi.rt.db.session() as session:
        measures = session.execute(select(FrozenMeasure.__table__)).all()
        rankings = session.execute(select(FrozenScorecardRow.__table__)).all()
    assert len(measures) == 1  # east, technician A, visits: once
    # By region: all seven together, and each alone; by technician: A, over all and in east.
    assert len(rankings) == 7 + 7 + 1 + 1


class held_apply_lock:
    """On PostgreSQL, hold kpi's apply lock until ``waiting`` others queue behind it, so two
    closers both pass their look for a closed month before either claims it. SQLite
    serialises the closers' transactions by itself (BEGIN IMMEDIATE)."""

    def __init__(self, url: str, *, waiting: int) -> None:
        self.url, self.waiting = url, waiting
        self.db = Database(url)

    def __enter__(self) -> None:
        if self.db.dialect != "postgresql":
            return
        self.connection = self.db.engine.connect()
        self.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPLY_LOCK})

    def __exit__(self, *exc: object) -> None:
        if self.db.dialect == "postgresql":
            with self.db.engine.connect() as probe:

                def queued() -> bool:
                    found = probe.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND NOT granted AND database = (SELECT oid FROM pg_database "
                            "WHERE datname = current_database())"
                        )
                    ).scalar_one()
                    probe.rollback()
                    return int(found) >= self.waiting

                wait_until(queued, what="both closers waiting on the apply lock")
            self.connection.rollback()
            self.connection.close()
        self.db.dispose()


def test_the_workers_job_closes_each_month_due_once(kpi: Kpi, clock: FixedClock) -> None:
    story = Story("east")
    visit(story, 10, on_time=True)
    kpi.deliver(story.events)
    clock.at = CLOSING - dt.timedelta(seconds=1)
    assert close_months(kpi.rt) == []

    clock.at = CLOSING
    assert close_months(kpi.rt) == ["2026-11"]
    assert close_months(kpi.rt) == []
    assert get(kpi, "/kpis?month=2026-11")["closed_at"] == "2026-12-05T16:00:00Z"


def test_the_close_command(
    kpi: Kpi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFTERCARE_KPI_DATABASE_URL", kpi.rt.settings.database_url)
    story = Story("east")
    visit(story, 10, on_time=True)
    kpi.deliver(story.events)

    # The command runs on the real clock: November 2026 has ended, 2999-01 has not.
    assert CLOSE.run(argparse.Namespace(month="2026-11")) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert CLOSE.run(argparse.Namespace(month="2026-11")) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert CLOSE.run(argparse.Namespace(month="2999-01")) == 1

    assert (first["month"], first["closed"]) == ("2026-11", True)
    assert (again["closed"], again["closed_at"]) == (False, first["closed_at"])
    assert "2999-01 may close from" in capsys.readouterr().err
    assert get(kpi, "/kpis?month=2026-11")["closed"] is True
