"""kpi's maintenance plan adherence on SQLite and PostgreSQL: maintenance's own sample events
through the EventProcessor, in any order and duplicated, read back through GET /kpis and
/metrics (visits done / visits due, in the month of the due date, per region)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from services.kpi.commands import rebuild
from services.maintenance.events import PUBLISHES as MAINTENANCE
from shared.events import Event
from tests.helpers import metric_value
from tests.integration.test_kpi_facts import NOW, Kpi, kpi_service


@pytest.fixture
def kpi(database_url: str) -> Iterator[Kpi]:
    service = kpi_service(database_url)
    yield service
    service.client.application.extensions["aftercare"].db.dispose()
    service.rt.db.dispose()


def _event(type_: str, region: str, **changes: Any) -> Event:
    declaration = MAINTENANCE.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return MAINTENANCE.build(type_, data, region=region, occurred_at=NOW)


def due(plan: str, on: str, region: str = "east") -> Event:
    return _event("maintenance.visit_due", region, plan_id=plan, due_date=dt.date.fromisoformat(on))


def done(plan: str, due_on: str | None, visited: str, region: str = "east") -> Event:
    visited_on = dt.date.fromisoformat(visited)
    return _event(
        "maintenance.completed",
        region,
        plan_id=plan,
        record_id=uuid.uuid4(),
        due_date=dt.date.fromisoformat(due_on) if due_on else None,
        visited_on=visited_on,
        completed_at=dt.datetime.combine(visited_on, dt.time(3), dt.UTC),
    )


def test_adherence_is_visits_done_over_visits_due_by_due_month(kpi: Kpi) -> None:
    a, b, c, d, e = (str(uuid.uuid4()) for _ in range(5))
    events = [
        due(a, "2026-11-05"),
        done(a, "2026-11-05", "2026-11-06"),  # on time
        due(b, "2026-11-10"),
        done(b, "2026-11-10", "2026-11-20"),  # done, ten days late
        due(c, "2026-11-25"),  # not done yet
        done(d, "2026-11-12", "2026-11-12"),  # its visit_due has not arrived: not counted yet
        done(d, None, "2026-11-02"),  # a visit ahead of any due date answers none
        due(a, "2026-10-05"),
        done(a, "2026-10-05", "2026-10-05"),
        due(e, "2026-11-10", region="north"),
    ]
    shuffled = events + events[:4]
    random.Random(7).shuffle(shuffled)

    kpi.deliver(shuffled)

    east = kpi.kpis("2026-11", region="east")["maintenance_adherence"]
    assert (east["numerator"], east["denominator"], east["on_time"]) == (2, 3, 1)
    assert east["ratio"] == pytest.approx(2 / 3) and east["on_time_ratio"] == 0.5
    assert east["version"] == 1
    october = kpi.kpis("2026-10", region="east")["maintenance_adherence"]
    assert (october["numerator"], october["denominator"]) == (1, 1)
    north = kpi.kpis("2026-11", region="north")["maintenance_adherence"]
    assert (north["numerator"], north["denominator"], north["ratio"]) == (0, 1, 0.0)

    kpi.deliver([due(d, "2026-11-12")])  # the late announcement completes d's occurrence
    east = kpi.kpis("2026-11", region="east")["maintenance_adherence"]
    assert (east["numerator"], east["denominator"], east["on_time"]) == (3, 4, 2)
    text = kpi.metrics()
    gauge = "aftercare_kpi_maintenance_adherence_ratio"
    assert metric_value(text, gauge, region="east") == pytest.approx(0.75)
    assert metric_value(text, gauge, region="north") == 0.0
    assert metric_value(text, gauge, region="south") is None  # nothing due: no ratio

    rebuild(kpi.rt)  # from the archive: the same numbers
    rebuilt = kpi.kpis("2026-11", region="east")["maintenance_adherence"]
    assert (rebuilt["numerator"], rebuilt["denominator"], rebuilt["on_time"]) == (3, 4, 2)
