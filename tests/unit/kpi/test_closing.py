"""Closing months: the rule at its edges (the last second of a month in Asia/Shanghai and in
UTC, the grace boundary), and the close use cases on the in-memory unit of work: the month
frozen with the weights in force, closed once, refused before its end, and its scorecard
served frozen while the live figures move."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from services.kpi import use_cases
from services.kpi.domain.closing import (
    closes_at,
    local_close,
    may_close,
    month_after,
    months_due,
    parse_grace_days,
)
from services.kpi.models import Correction
from services.kpi.repositories import FakeKpiUnitOfWork
from shared.auth import Principal
from shared.clock import FixedClock
from shared.errors import Conflict
from tests.unit.kpi.support import ADMIN, MONTH, fake_uow, monthly, november

SHANGHAI, UTC = ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC")
SECOND = dt.timedelta(seconds=1)
NORTH_MANAGER = Principal("manager-n", frozenset({"manager"}), region="north")
# November's last second, in Shanghai (+08:00) and in UTC.
LAST_SECOND_SHANGHAI = dt.datetime(2026, 11, 30, 15, 59, 59, tzinfo=dt.UTC)
LAST_SECOND_UTC = dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC)


def test_a_month_ends_at_local_midnight() -> None:
    assert local_close("2026-11", SHANGHAI, 0) == LAST_SECOND_SHANGHAI + SECOND
    assert local_close("2026-11", UTC, 0) == LAST_SECOND_UTC + SECOND
    assert local_close("2026-12", SHANGHAI, 0) == dt.datetime(2026, 12, 31, 16, tzinfo=dt.UTC)
    assert month_after("2026-12") == "2027-01"


@pytest.mark.parametrize(
    ("now", "zones", "closable"),
    [
        (LAST_SECOND_SHANGHAI, [SHANGHAI], False),
        (LAST_SECOND_SHANGHAI + SECOND, [SHANGHAI], True),
        # Still November in UTC for eight more hours: a month closes when every zone is past.
        (LAST_SECOND_SHANGHAI + SECOND, [SHANGHAI, UTC], False),
        (LAST_SECOND_UTC, [SHANGHAI, UTC], False),
        (LAST_SECOND_UTC + SECOND, [SHANGHAI, UTC], True),
    ],
)
def test_the_last_second_of_the_month_without_grace(
    now: dt.datetime, zones: list[ZoneInfo], closable: bool
) -> None:
    assert may_close("2026-11", now, zones, 0) is closable


def test_the_grace_boundary_is_whole_local_days_after_the_end() -> None:
    # Five days' grace: a Shanghai November closes at 2026-12-06 00:00 +08:00.
    boundary = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)
    assert closes_at("2026-11", [SHANGHAI], 5) == boundary
    assert not may_close("2026-11", boundary - SECOND, [SHANGHAI], 5)
    assert may_close("2026-11", boundary, [SHANGHAI], 5)
    # With a UTC region too, the UTC close (eight hours later) decides.
    assert closes_at("2026-11", [SHANGHAI, UTC], 5) == dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


def test_months_due_run_from_the_earliest_with_figures_to_the_last_past_grace() -> None:
    now = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)
    assert months_due("2026-09", now, [SHANGHAI], 5) == ["2026-09", "2026-10", "2026-11"]
    assert months_due("2026-09", now - SECOND, [SHANGHAI], 5) == ["2026-09", "2026-10"]
    assert months_due("2026-12", now, [SHANGHAI], 5) == []
    assert months_due(None, now, [SHANGHAI], 5) == []


@pytest.mark.parametrize("text", ["-1", "367", "five", "1.5", ""])
def test_a_bad_grace_period_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_grace_days(text)


# -- the use cases ---------------------------------------------------------------------------
# support.NOW is 2026-11-28: November has not ended yet.
AFTER_GRACE = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)


def closing_uow(now: dt.datetime, **options: str) -> FakeKpiUnitOfWork:
    uow = fake_uow(november(), **options)
    uow.clock = FixedClock(now)
    return uow


def test_november_is_not_closed_before_its_grace_period_has_passed() -> None:
    uow = closing_uow(AFTER_GRACE - SECOND)

    # October (with figures) is due; November is not yet.
    assert [c.month for c in use_cases.close_due_months(uow, by="schedule")] == ["2026-10"]
    assert [c.month for c in uow.tables.closed_months] == ["2026-10"]


def test_a_month_due_is_frozen_once_with_the_weights_in_force() -> None:
    uow = closing_uow(AFTER_GRACE, scorecard_weights="csat=1")

    first = use_cases.close_due_months(uow, by="schedule")
    again = use_cases.close_due_months(uow, by="schedule")

    assert [(c.month, c.closed, c.closed_at) for c in first] == [
        ("2026-10", True, AFTER_GRACE),
        (MONTH, True, AFTER_GRACE),
    ]
    assert again == []
    [_october, record] = uow.tables.closed_months
    assert (record.closed_by, record.grace_days, record.weights) == ("schedule", 5, "csat=1")
    frozen = {
        (f.region, f.technician, f.measure): (f.count, f.hits)
        for f in uow.tables.frozen
        if f.month == MONTH
    }
    assert frozen[("east", "tech-a", "visits")] == (4, 3)
    # The open items past a deadline at the close: two complaints in east (one due an hour
    # after support.NOW, long past by the close), one in north; one ticket in north.
    assert frozen[("east", "", "past_deadline:complaints")] == (2, 0)
    assert frozen[("north", "", "past_deadline:complaints")] == (1, 0)
    assert frozen[("north", "", "past_deadline:tickets")] == (1, 0)


def test_closing_a_closed_month_explicitly_says_so_and_changes_nothing() -> None:
    uow = closing_uow(AFTER_GRACE)
    use_cases.close_month(uow, month=MONTH, by="schedule")
    frozen = list(uow.tables.frozen)

    again = use_cases.close_month(uow, month=MONTH, by="operator", early=True)

    assert (again.closed, again.closed_at) == (False, AFTER_GRACE)
    assert uow.tables.frozen == frozen


def test_an_explicit_close_waits_for_the_end_of_the_month_but_not_the_grace() -> None:
    end = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
    with pytest.raises(Conflict):
        use_cases.close_month(closing_uow(end - SECOND), month=MONTH, by="operator", early=True)
    with pytest.raises(Conflict):
        use_cases.close_month(closing_uow(end), month=MONTH, by="operator")

    closed = use_cases.close_month(closing_uow(end), month=MONTH, by="operator", early=True)

    assert closed.closed


def test_a_closed_months_scorecard_is_frozen_and_the_live_one_on_request() -> None:
    uow = closing_uow(AFTER_GRACE)
    use_cases.close_month(uow, month=MONTH, by="schedule")
    # After the close, east gains a visit on time in November: 5 on time of 5 live.
    uow.tables.monthly.append(monthly("east", "tech-a", "visits", 1, 1))
    uow.tables.corrections.append(
        Correction(
            id=1,
            month=MONTH,
            region="east",
            technician="",
            metric="repair_timeliness",
            frozen_numerator=3,
            frozen_denominator=4,
            live_numerator=4,
            live_denominator=5,
            event_id="e-1",
            event_type="technician.arrived",
            detected_at=AFTER_GRACE,
        )
    )

    frozen = use_cases.get_scorecard(
        uow, viewer=ADMIN, rank_by="region", month=MONTH, weights_text=None
    )
    live = use_cases.get_scorecard(uow, viewer=ADMIN, rank_by="region", month=MONTH, view="live")

    assert (frozen["view"], frozen["closed"], frozen["closed_at"]) == ("frozen", True, AFTER_GRACE)
    assert frozen["rows"][1]["region"] == "east"
    assert frozen["rows"][1]["kpis"]["repair_timeliness"] == 3 / 4
    assert live["view"] == "live"
    assert live["rows"][1]["kpis"]["repair_timeliness"] == 4 / 5
    [correction] = frozen["corrections"]
    assert (correction["frozen"]["value"], correction["live"]["value"]) == (3 / 4, 4 / 5)
    assert correction["cause"] == "event"
    # Region-limited: its own region's corrections only.
    north = use_cases.get_scorecard(
        uow,
        viewer=NORTH_MANAGER,
        rank_by="region",
        month=MONTH,
    )
    assert north["corrections"] == [] and north["corrections_total"] == 0


def test_kpis_say_whether_the_month_is_closed() -> None:
    uow = closing_uow(AFTER_GRACE)
    assert use_cases.get_kpis(uow, viewer=ADMIN, month=MONTH)["closed"] is False

    use_cases.close_month(uow, month=MONTH, by="schedule")
    uow.tables.monthly.append(monthly("east", "tech-a", "visits", 1, 1))
    body = use_cases.get_kpis(uow, viewer=ADMIN, month=MONTH, region="east")

    assert (body["closed"], body["closed_at"]) == (True, AFTER_GRACE)
    assert body["kpis"]["repair_timeliness"]["denominator"] == 5
    assert body["frozen_kpis"]["repair_timeliness"]["denominator"] == 4
    assert body["frozen_kpis"]["complaint_timeliness"]["open_past_deadline"] == 2


@pytest.mark.parametrize(
    ("rank_by", "region"),
    [("region", None), ("region", "north"), ("technician", None), ("technician", "east")],
)
def test_the_frozen_ranking_is_the_one_served_at_the_close(
    rank_by: str, region: str | None
) -> None:
    uow = closing_uow(AFTER_GRACE, scorecard_weights="repair_timeliness=1,csat=1")
    served = use_cases.get_scorecard(uow, viewer=ADMIN, rank_by=rank_by, month=MONTH, region=region)
    use_cases.close_month(uow, month=MONTH, by="schedule")
    # Later: other weights configured, and a late visit on time for every technician.
    uow.settings = uow.settings.with_overrides(extra={"scorecard_weights": "csat=1"})
    uow.tables.monthly += [monthly("east", "tech-a", "visits", 9, 9)]
    uow.tables.monthly += [monthly("north", "tech-b", "visits", 9, 0)]

    frozen = use_cases.get_scorecard(uow, viewer=ADMIN, rank_by=rank_by, month=MONTH, region=region)

    assert served["view"] == "live" and frozen["view"] == "frozen"
    assert frozen["rows"] == served["rows"]
    assert frozen["weights"] == served["weights"] == {"repair_timeliness": 1.0, "csat": 1.0}
    assert uow.tables.frozen_scorecards[MONTH, rank_by, region or ""] == served["rows"]
