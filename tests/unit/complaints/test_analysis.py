"""The analysis of a period as plain Python: each complaint counted once, judged on time by
its standing resolution, late when open past its deadline, not judged while it may still
make it or while waiting on the complainant."""

from __future__ import annotations

import datetime as dt

from services.complaints.domain.analysis import Filed, analyse, count_by_root_cause

DUE = dt.datetime(2026, 11, 5, 2, 30, tzinfo=dt.UTC)
NOW = DUE + dt.timedelta(days=1)
EARLY, LATE = DUE - dt.timedelta(minutes=1), DUE + dt.timedelta(minutes=1)


def complaint(status: str, resolved_at: dt.datetime | None = None, **kw: object) -> Filed:
    values: dict[str, object] = {
        "category": "repair_quality",
        "region": "east",
        "complainant_key": "c-a",
        "deadline_at": DUE,
        "root_cause": "technician skipped primer",
        "responsibility": "partner",
        "partner": "WS-1",
    }
    return Filed(status=status, resolved_at=resolved_at, **(values | kw))  # type: ignore[arg-type]


def test_counts_and_shares_by_every_dimension() -> None:
    filed = [
        complaint("closed", EARLY),  # on time
        complaint("closed", LATE, complainant_key="c-b"),  # late
        complaint(
            "resolved",
            EARLY,
            category="delay",
            region="north",
            partner=None,
            responsibility="company",
            root_cause="no parts",
        ),  # on time
        complaint(
            "open",
            None,
            category="delay",
            complainant_key="c-b",
            root_cause=None,
            responsibility=None,
            partner=None,
        ),  # open past the deadline: late
        complaint("waiting", None, complainant_key="c-c"),  # paused: not judged
        complaint(
            "reopened", None, deadline_at=NOW + dt.timedelta(hours=1), complainant_key="c-c"
        ),  # may still make it: not judged
    ]
    found = analyse(filed, NOW)
    assert (found.total.count, found.total.judged, found.total.on_time) == (6, 4, 2)
    assert found.total.on_time_share == 0.5
    by = {
        d: [(g.key, g.count, g.judged, g.on_time) for g in groups] for d, groups in found.by.items()
    }
    assert by["category"] == [("repair_quality", 4, 2, 1), ("delay", 2, 2, 1)]
    assert by["region"] == [("east", 5, 3, 1), ("north", 1, 1, 1)]
    assert by["responsibility"] == [
        ("partner", 4, 2, 1),
        ("(not investigated)", 1, 1, 0),
        ("company", 1, 1, 1),
    ]
    assert by["root_cause"][0] == ("technician skipped primer", 4, 2, 1)
    assert by["partner"] == [("WS-1", 4, 2, 1)]
    # c-a filed the first and third, c-b the second and fourth, c-c the last two.
    assert by["complainant"] == [("c-a", 2, 2, 2), ("c-b", 2, 2, 0), ("c-c", 2, 0, 0)]
    assert found.repeat_complainants == 3
    assert found.by["complainant"][2].on_time_share is None


def test_the_improvement_report_counts_measures_by_root_cause() -> None:
    assert count_by_root_cause(["a", None, "a", "b"]) == [
        {"key": "a", "count": 2},
        {"key": "(not investigated)", "count": 1},
        {"key": "b", "count": 1},
    ]
