"""Warranty as of the report day, and the first-response deadline by priority, computed by
hand on fixed policies and a fixed calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.intake.domain import WarrantyPolicy, add_months, first_response_due, warranty_on
from services.intake.repositories import load_warranty_policy
from shared.calendar import BusinessCalendar

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = """
default: {parts_months: 24, labour_months: 24}
models:
  CP-400: {parts_months: 36, labour_months: 12}
  X-1: {parts_months: 1}
"""


@pytest.fixture
def policy(tmp_path: Path) -> WarrantyPolicy:
    path = tmp_path / "warranty.yaml"
    path.write_text(POLICY)
    return load_warranty_policy(str(path))


def cover(
    policy: WarrantyPolicy, model: str, bought: dt.date | None, reported: dt.date
) -> tuple[str, bool, bool]:
    w = warranty_on(model=model, purchase_date=bought, reported_on=reported, policy=policy)
    return w.status, w.parts_covered, w.labour_covered


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),  # over the year end
        (D(2025, 3, 1), 24, D(2027, 3, 1)),
        (D(2025, 5, 31), 1, D(2025, 6, 30)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


def test_default_policy_covers_through_the_last_day_and_not_the_day_after(
    policy: WarrantyPolicy,
) -> None:
    bought = D(2024, 3, 15)  # 24 months: to 2026-03-15 inclusive
    assert cover(policy, "GEN-1", bought, D(2026, 3, 15)) == ("in_warranty", True, True)
    assert cover(policy, "GEN-1", bought, D(2026, 3, 16)) == ("out_of_warranty", False, False)
    assert cover(policy, "GEN-1", bought, bought) == ("in_warranty", True, True)


def test_parts_and_labour_periods_differ_per_model(policy: WarrantyPolicy) -> None:
    bought = D(2025, 1, 10)  # CP-400: labour 12 months (to 2026-01-10), parts 36 (2028-01-10)
    assert cover(policy, "CP-400", bought, D(2026, 1, 10)) == ("in_warranty", True, True)
    assert cover(policy, "CP-400", bought, D(2026, 1, 11)) == ("in_warranty", True, False)
    assert cover(policy, "CP-400", bought, D(2028, 1, 10)) == ("in_warranty", True, False)
    assert cover(policy, "CP-400", bought, D(2028, 1, 11)) == ("out_of_warranty", False, False)


def test_31_january_plus_one_month_ends_on_the_last_day_of_february(policy: WarrantyPolicy) -> None:
    # 1 month of parts; labour falls back to the default 24 months.
    bought = D(2025, 1, 31)
    assert cover(policy, "X-1", bought, D(2025, 2, 28)) == ("in_warranty", True, True)
    assert cover(policy, "X-1", bought, D(2025, 3, 1)) == ("in_warranty", False, True)


def test_no_purchase_date_is_unknown(policy: WarrantyPolicy) -> None:
    w = warranty_on(model="CP-400", purchase_date=None, reported_on=D(2026, 1, 1), policy=policy)
    assert (w.status, w.parts_covered, w.labour_covered) == ("unknown", False, False)
    assert w.reason == "no purchase date given"


def test_reason_names_the_policy_and_the_dates(policy: WarrantyPolicy) -> None:
    own = warranty_on(
        model="CP-400", purchase_date=D(2025, 1, 10), reported_on=D(2026, 2, 1), policy=policy
    )
    default = warranty_on(
        model="ZZ-9", purchase_date=D(2025, 1, 10), reported_on=D(2026, 2, 1), policy=policy
    )
    assert own.reason == (
        "purchased 2025-01-10, reported 2026-02-01; model CP-400: parts until 2028-01-10, "
        "labour until 2026-01-10"
    )
    assert default.reason == (
        "purchased 2025-01-10, reported 2026-02-01; default policy: parts until 2027-01-10, "
        "labour until 2027-01-10"
    )
    assert (default.parts_covered, default.labour_covered) == (True, True)


OFFICE = (dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))
CALENDAR = BusinessCalendar(
    tz=SHANGHAI,
    weekly={day: OFFICE for day in range(5)},
    holidays=frozenset(D(2026, 10, d) for d in range(1, 8)),
    makeup_days=frozenset({D(2026, 10, 10)}),  # a Saturday worked for the holiday
    makeup_windows=OFFICE,
)


def local(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("priority", "reported", "due"),
    [
        # urgent, 2h: Friday 16:30-17:30 (1h), Monday 08:30-09:30 (1h).
        ("urgent", local(2026, 11, 27, 16, 30), local(2026, 11, 30, 9, 30)),
        # high, 4h: Monday 10:00-12:00 (2h), 13:30-15:30 (2h).
        ("high", local(2026, 11, 30, 10, 0), local(2026, 11, 30, 15, 30)),
        # high, 4h from 13:30 uses the afternoon up exactly: due at its close, not next day.
        ("high", local(2026, 11, 30, 13, 30), local(2026, 11, 30, 17, 30)),
        # normal, 8h before opening: Monday 7.5h, Tuesday 08:30-09:00.
        ("normal", local(2026, 11, 30, 7, 0), local(2026, 12, 1, 9, 0)),
        # normal, 8h over lunch: from 13:30 Monday (4h), Tuesday 08:30-12:00 (3.5h), 13:30-14:00.
        ("normal", local(2026, 11, 30, 12, 15), local(2026, 12, 1, 14, 0)),
        # low, 16h: Thursday 8 Oct 09:00-17:30 (7h), Friday (7.5h), the make-up Saturday
        # 08:30-10:00 (1.5h).
        ("low", local(2026, 10, 8, 9, 0), local(2026, 10, 10, 10, 0)),
        # urgent on the eve of the holidays: Wednesday 30 Sep 17:00-17:30, then Thursday
        # 8 Oct 08:30-10:00.
        ("urgent", local(2026, 9, 30, 17, 0), local(2026, 10, 8, 10, 0)),
    ],
)
def test_first_response_deadline_by_priority_in_business_hours(
    priority: str, reported: dt.datetime, due: dt.datetime
) -> None:
    assert first_response_due(CALENDAR, priority=priority, reported_at=reported) == due
