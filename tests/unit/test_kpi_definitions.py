"""kpi's judgements, merges and reports as pure functions: every expectation is computed by
hand in the table, never by the code under test."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.kpi.domain import definitions as d
from services.kpi.domain.facts import (
    ComplaintFacts,
    RatingFacts,
    TicketFacts,
    VisitFacts,
    WorkOrderFacts,
)
from services.kpi.domain.months import Months
from services.kpi.domain.report import Sums, composite, kpi_values, parse_weights, ranked
from shared.calendar import BusinessCalendar, CalendarBook

SHANGHAI = BusinessCalendar(tz=ZoneInfo("Asia/Shanghai"), weekly={})
LOS_ANGELES = BusinessCalendar(tz=ZoneInfo("America/Los_Angeles"), weekly={})
MONTHS = Months(CalendarBook(regions={"east": SHANGHAI, "pacific": LOS_ANGELES}, hotline=SHANGHAI))
T1, T2 = "tech-1", "tech-2"
END = dt.datetime(2026, 11, 10, 6, 0, tzinfo=dt.UTC)  # a window's end: 14:00 in Shanghai


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def visit(**kw: Any) -> VisitFacts:
    return VisitFacts("wo-1", 1, kw.pop("region", "east"), **kw)


# -- months ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("moment", "region", "month"),
    [
        ("2026-11-30T15:59:59+00:00", "east", "2026-11"),  # 23:59:59 in Shanghai
        ("2026-11-30T16:00:00+00:00", "east", "2026-12"),  # midnight in Shanghai
        ("2026-11-30T16:30:00+00:00", "east", "2026-12"),
        ("2026-12-01T07:59:59+00:00", "pacific", "2026-11"),  # 23:59:59 in Los Angeles
        ("2026-12-01T08:00:00+00:00", "pacific", "2026-12"),
        ("2026-11-30T16:30:00+00:00", "atlantis", "2026-12"),  # no calendar: default zone
    ],
)
def test_a_moment_belongs_to_the_month_of_its_regions_time_zone(
    moment: str, region: str, month: str
) -> None:
    assert MONTHS(at(moment), region) == month


# -- repair timeliness -------------------------------------------------------------------------
VISIT_CASES: list[tuple[str, Callable[[VisitFacts], None], d.Contributions]] = [
    (
        "late by one second",
        lambda v: v.add_arrival(END + dt.timedelta(seconds=1), END, T1),
        {
            ("m", "2026-11", "east", T1, "visits"): (1, 0, 0),
            ("c", "visits", "east", "false"): (1, 0, 0),
        },
    ),
    (
        "exactly on the window end",
        lambda v: v.add_arrival(END, END, T1),
        {
            ("m", "2026-11", "east", T1, "visits"): (1, 1, 0),
            ("c", "visits", "east", "true"): (1, 0, 0),
        },
    ),
    (
        "a missed window",
        lambda v: v.add_miss(END, T2),
        {
            ("m", "2026-11", "east", T2, "visits"): (1, 0, 0),
            ("c", "visits", "east", "false"): (1, 0, 0),
        },
    ),
    (
        "missed, then a late arrival: judged once, late, in the month of the window's end",
        lambda v: (
            v.add_miss(at("2026-11-30T15:00:00+00:00"), T1),
            v.add_arrival(at("2026-11-30T16:30:00+00:00"), at("2026-11-30T15:00:00+00:00"), T1),
        ),
        {
            ("m", "2026-11", "east", T1, "visits"): (1, 0, 0),
            ("c", "visits", "east", "false"): (1, 0, 0),
        },
    ),
    (
        "a check-in by the window's end voids a miss reported for it",
        lambda v: (v.add_miss(END, T1), v.add_arrival(END - dt.timedelta(minutes=5), END, T1)),
        {
            ("m", "2026-11", "east", T1, "visits"): (1, 1, 0),
            ("c", "visits", "east", "true"): (1, 0, 0),
        },
    ),
    (
        "judged by the deadline it carries (a window the customer moved later)",
        lambda v: v.add_arrival(END + dt.timedelta(hours=3), END + dt.timedelta(hours=4), T1),
        {
            ("m", "2026-11", "east", T1, "visits"): (1, 1, 0),
            ("c", "visits", "east", "true"): (1, 0, 0),
        },
    ),
    (
        "an arrival after local midnight counts in the next month",
        lambda v: v.add_arrival(
            at("2026-11-30T16:30:00+00:00"), at("2026-11-30T17:00:00+00:00"), T1
        ),
        {
            ("m", "2026-12", "east", T1, "visits"): (1, 1, 0),
            ("c", "visits", "east", "true"): (1, 0, 0),
        },
    ),
    ("scheduled only: nothing judged yet", lambda v: None, {}),
]


@pytest.mark.parametrize(
    ("case", "events", "expected"), VISIT_CASES, ids=[c[0] for c in VISIT_CASES]
)
def test_visit_judgement(
    case: str, events: Callable[[VisitFacts], None], expected: d.Contributions
) -> None:
    facts = visit()
    events(facts)
    assert d.judge_visit(facts, MONTHS) == expected


# -- work orders ------------------------------------------------------------------------------
def order(**kw: Any) -> WorkOrderFacts:
    facts = WorkOrderFacts("wo-1", "east", kind=kw.pop("kind", "repair"))
    for name, value in kw.items():
        setattr(facts, name, value)
    return facts


ACCEPTED = at("2026-11-03T05:00:00+00:00")
ORDER_CASES: list[tuple[str, Callable[[WorkOrderFacts], None], d.Contributions]] = [
    (
        "open: in the dispatch backlog, and opened this month",
        lambda w: w.add_schedule(at("2026-11-02T12:00:00+00:00"), T1, None),
        {
            ("b", "dispatch", "east"): (1, 0, 0),
            ("m", "2026-11", "east", T1, "repeat_visits"): (1, 0, 0),
        },
    ),
    (
        "accepted on the first visit: a first-time fix; time to repair from the report",
        lambda w: (
            w.add_completion(ACCEPTED - dt.timedelta(hours=1), 1, T1, "fixed"),
            w.add_acceptance(ACCEPTED, 1, T1, None),
            w.add_ticket_created(at("2026-11-02T09:00:00+00:00")),
        ),
        {
            ("m", "2026-11", "east", T1, "work_orders"): (1, 1, 0),
            ("c", "work_orders_closed", "east", "true"): (1, 0, 0),
            ("m", "2026-11", "east", T1, "repair_time"): (1, 0, 20 * 3600),
        },
    ),
    (
        "accepted on the second visit after a rejected one: not a first-time fix",
        lambda w: (
            w.add_repair_record(1),
            w.add_completion(ACCEPTED, 2, T2, "fixed"),
            w.add_acceptance(ACCEPTED, 2, T2, None),
        ),
        {
            ("m", "2026-11", "east", T2, "work_orders"): (1, 0, 0),
            ("c", "work_orders_closed", "east", "false"): (1, 0, 0),
        },
    ),
    (
        "visit 1 missed, visit 2 the first repair: a first-time fix",
        lambda w: (
            w.add_completion(ACCEPTED, 2, T1, "fixed"),
            w.add_acceptance(ACCEPTED, 2, T1, None),
        ),
        {
            ("m", "2026-11", "east", T1, "work_orders"): (1, 1, 0),
            ("c", "work_orders_closed", "east", "true"): (1, 0, 0),
        },
    ),
    (
        "escalated: a final outcome without a fix",
        lambda w: (w.add_repair_record(1), w.add_repair_record(2), w.add_escalation(ACCEPTED, T1)),
        {
            ("m", "2026-11", "east", T1, "work_orders"): (1, 0, 0),
            ("c", "work_orders_closed", "east", "false"): (1, 0, 0),
        },
    ),
    (
        "escalated before an (inconsistent) acceptance: the earlier outcome counts",
        lambda w: (
            w.add_acceptance(ACCEPTED + dt.timedelta(days=40), 1, T1, None),
            w.add_escalation(ACCEPTED, T2),
        ),
        {
            ("m", "2026-11", "east", T2, "work_orders"): (1, 0, 0),
            ("c", "work_orders_closed", "east", "false"): (1, 0, 0),
        },
    ),
    (
        "a repeat of an accepted repair",
        lambda w: w.add_schedule(at("2026-11-02T12:00:00+00:00"), T1, "wo-0"),
        {
            ("b", "dispatch", "east"): (1, 0, 0),
            ("m", "2026-11", "east", T1, "repeat_visits"): (1, 1, 0),
        },
    ),
    (
        "a maintenance work order: backlog only, no first-time fix or repeat",
        lambda w: (setattr(w, "kind", "maintenance"), w.add_schedule(ACCEPTED, T1, None)),
        {("b", "dispatch", "east"): (1, 0, 0)},
    ),
]


@pytest.mark.parametrize(
    ("case", "events", "expected"), ORDER_CASES, ids=[c[0] for c in ORDER_CASES]
)
def test_work_order_judgement(
    case: str, events: Callable[[WorkOrderFacts], None], expected: d.Contributions
) -> None:
    facts = order()
    events(facts)
    assert d.judge_work_order(facts, MONTHS) == expected


# -- tickets, complaints, ratings --------------------------------------------------------------
DUE = at("2026-11-02T13:00:00+00:00")


@pytest.mark.parametrize(
    ("answered", "expected", "awaiting"),
    [
        (DUE, {("m", "2026-11", "east", "", "first_response"): (1, 1, 0)}, None),
        (
            DUE + dt.timedelta(seconds=1),
            {("m", "2026-11", "east", "", "first_response"): (1, 0, 0)},
            None,
        ),
        (None, {}, DUE),
    ],
    ids=["answered on the deadline", "answered a second late", "unanswered"],
)
def test_first_response(
    answered: dt.datetime | None, expected: d.Contributions, awaiting: dt.datetime | None
) -> None:
    ticket = TicketFacts("t-1", "east")
    ticket.add_created(DUE - dt.timedelta(hours=4), DUE)
    ticket.add_closing(DUE + dt.timedelta(days=3))
    if answered is not None:
        ticket.add_response(answered + dt.timedelta(hours=1))  # a later response changes nothing
        ticket.add_response(answered)
    assert d.judge_ticket(ticket, MONTHS) == expected
    assert d.awaiting_response(ticket) == awaiting


def test_late_first_response_counts_in_the_month_of_its_deadline() -> None:
    ticket = TicketFacts("t-1", "east")
    ticket.add_created(at("2026-11-30T10:00:00+00:00"), at("2026-11-30T15:00:00+00:00"))
    ticket.add_response(at("2026-11-30T17:00:00+00:00"))  # December in Shanghai

    assert d.judge_ticket(ticket, MONTHS) == {
        ("m", "2026-11", "east", "", "first_response"): (1, 0, 0),
        ("b", "intake", "east"): (1, 0, 0),
    }


DEADLINE = at("2026-11-06T09:30:00+00:00")


def complaint(*steps: Callable[[ComplaintFacts], None]) -> ComplaintFacts:
    facts = ComplaintFacts("c-1", "east")
    facts.add_deadline("east", DEADLINE)
    for step in steps:
        step(facts)
    return facts


def resolved(n: int, when: str) -> Callable[[ComplaintFacts], None]:
    return lambda c: c.add_resolution(n, at(when))


def reopened(n: int) -> Callable[[ComplaintFacts], None]:
    return lambda c: c.add_reopening(n)


def closed(n: int, when: str, closed_at: str) -> Callable[[ComplaintFacts], None]:
    return lambda c: c.add_closing(n, at(when), at(closed_at))


COMPLAINT_CASES = [
    ("open, never resolved: overdue from its deadline", (), {}, DEADLINE),
    (
        "resolved in time, awaiting feedback: not overdue",
        (resolved(1, "2026-11-05T08:00:00+00:00"),),
        {},
        None,
    ),
    (
        "resolved in time but reopened: overdue from its deadline",
        (resolved(1, "2026-11-05T08:00:00+00:00"), reopened(1)),
        {},
        DEADLINE,
    ),
    (
        "resolved late, awaiting feedback: overdue",
        (resolved(1, "2026-11-06T09:30:01+00:00"),),
        {},
        DEADLINE,
    ),
    (
        "reopened, then closed on a resolution after the original deadline: late",
        (
            resolved(1, "2026-11-05T08:00:00+00:00"),
            reopened(1),
            closed(2, "2026-11-07T03:00:00+00:00", "2026-11-07T06:00:00+00:00"),
        ),
        {
            ("m", "2026-11", "east", "", "complaints"): (1, 0, 0),
            ("c", "complaints_closed", "east", "false"): (1, 0, 0),
        },
        None,
    ),
    (
        "reopened, then closed on a resolution exactly at the deadline: in time",
        (
            reopened(1),
            resolved(1, "2026-11-04T08:00:00+00:00"),
            closed(2, "2026-11-06T09:30:00+00:00", "2026-11-30T16:00:00+00:00"),
        ),
        {
            ("m", "2026-12", "east", "", "complaints"): (1, 1, 0),
            ("c", "complaints_closed", "east", "true"): (1, 0, 0),
        },
        None,
    ),
]


@pytest.mark.parametrize("order", ["in order", "extended deadline first"])
def test_a_complaint_is_judged_on_the_deadline_waiting_extended(order: str) -> None:
    """Waiting 7.5 business hours on the complainant moved the deadline a day later: a
    resolution between the two deadlines is in time, whichever event came first."""
    extended = at("2026-11-09T02:30:00+00:00")
    facts = ComplaintFacts("c-1", "east")
    deadlines = [DEADLINE, extended] if order == "in order" else [extended, DEADLINE]
    for deadline in deadlines:
        facts.add_deadline("east", deadline)
    facts.add_closing(1, at("2026-11-08T03:00:00+00:00"), at("2026-11-08T04:00:00+00:00"))
    assert d.judge_complaint(facts, MONTHS) == {
        ("m", "2026-11", "east", "", "complaints"): (1, 1, 0),
        ("c", "complaints_closed", "east", "true"): (1, 0, 0),
    }


@pytest.mark.parametrize(
    ("case", "steps", "expected", "overdue"), COMPLAINT_CASES, ids=[c[0] for c in COMPLAINT_CASES]
)
def test_complaint_judgement(
    case: str, steps: Any, expected: d.Contributions, overdue: dt.datetime | None
) -> None:
    facts = complaint(*steps)
    assert d.judge_complaint(facts, MONTHS) == expected
    assert d.overdue_from(facts) == overdue


@pytest.mark.parametrize(
    ("source", "score", "satisfied", "expected"),
    [
        (
            "repair",
            3,
            None,
            {
                ("m", "2026-11", "east", T1, "csat"): (1, 0, 3),
                ("c", "ratings", "east", "repair|3"): (1, 0, 0),
            },
        ),
        (
            "repair",
            4,
            None,
            {
                ("m", "2026-11", "east", T1, "csat"): (1, 1, 4),
                ("c", "ratings", "east", "repair|4"): (1, 0, 0),
            },
        ),
        (
            "followup",
            5,
            None,
            {
                ("m", "2026-11", "east", T1, "followup"): (1, 1, 5),
                ("c", "ratings", "east", "followup|5"): (1, 0, 0),
            },
        ),
        (
            "complaint",
            2,
            False,
            {
                ("m", "2026-11", "east", "", "complaint_feedback"): (1, 0, 2),
                ("c", "ratings", "east", "complaint|2"): (1, 0, 0),
            },
        ),
    ],
    ids=["repair rating 3", "repair rating 4", "follow-up 5", "complaint reopened rating 2"],
)
def test_rating_judgement(
    source: str, score: int, satisfied: bool | None, expected: d.Contributions
) -> None:
    rating = RatingFacts(f"{source}/x", source, "east")
    technician = T1 if source != "complaint" else None
    rating.add_rating("east", score, ACCEPTED, technician, satisfied)
    assert d.judge_rating(rating, MONTHS) == expected


# -- order independence and idempotence of the merges ------------------------------------------
VISIT_EVENTS: list[Callable[[VisitFacts], None]] = [
    lambda v: v.add_miss(END, T1),
    lambda v: v.add_arrival(END + dt.timedelta(minutes=20), END, T2),
    lambda v: v.add_arrival(END + dt.timedelta(minutes=5), END, T1),
    lambda v: v.add_region("east", "repair"),
]
ORDER_EVENTS: list[Callable[[WorkOrderFacts], None]] = [
    lambda w: w.add_schedule(ACCEPTED - dt.timedelta(days=2), T1, None),
    lambda w: w.add_schedule(ACCEPTED - dt.timedelta(days=1), T2, "wo-0"),
    lambda w: w.add_completion(ACCEPTED - dt.timedelta(days=1), 1, T1, "not_fixed"),
    lambda w: w.add_repair_record(1),
    lambda w: w.add_completion(ACCEPTED, 2, T2, "fixed"),
    lambda w: w.add_acceptance(ACCEPTED, 2, T2, None),
    lambda w: w.add_ticket_created(ACCEPTED - dt.timedelta(days=3)),
]


TICKET_EVENTS: list[Callable[[TicketFacts], None]] = [
    lambda t: t.add_created(DUE - dt.timedelta(hours=4), DUE),
    lambda t: t.add_created_at(DUE - dt.timedelta(hours=5)),
    lambda t: t.add_due(DUE + dt.timedelta(hours=1)),
    lambda t: t.add_response(DUE + dt.timedelta(minutes=3)),
    lambda t: t.add_response(DUE - dt.timedelta(minutes=3)),
    lambda t: t.add_closing(DUE + dt.timedelta(days=1)),
    lambda t: t.add_region("east"),
]
COMPLAINT_EVENTS: list[Callable[[ComplaintFacts], None]] = [
    resolved(1, "2026-11-05T08:00:00+00:00"),
    reopened(1),
    resolved(2, "2026-11-07T03:00:00+00:00"),
    reopened(2),
    closed(3, "2026-11-08T03:00:00+00:00", "2026-11-08T06:00:00+00:00"),
    lambda c: c.add_deadline("east", DEADLINE - dt.timedelta(days=1)),
]
RATING_EVENTS: list[Callable[[RatingFacts], None]] = [
    lambda r: r.add_rating("east", 2, ACCEPTED, T1, False),
    lambda r: r.add_rating("east", 5, ACCEPTED, T1, True),
    lambda r: r.add_rating("east", 4, ACCEPTED + dt.timedelta(seconds=1), T2, True),
]


@pytest.mark.parametrize(
    ("make", "events"),
    [
        (visit, VISIT_EVENTS),
        (lambda: order(kind=None), ORDER_EVENTS),
        (lambda: TicketFacts("t-1", "east"), TICKET_EVENTS),
        (lambda: complaint(), COMPLAINT_EVENTS),
        (lambda: RatingFacts("complaint/c-1/1", "complaint", "east"), RATING_EVENTS),
    ],
    ids=["visit", "work order", "ticket", "complaint", "rating"],
)
def test_merges_converge_whatever_the_order_and_repetition(make: Any, events: list[Any]) -> None:
    states = set()
    for permutation in itertools.permutations(events):
        facts = make()
        for event in (*permutation, *permutation[:2]):  # some twice
            event(facts)
        states.add(tuple(vars(facts).items()))
    assert len(states) == 1


def test_contributions_round_trip_and_difference() -> None:
    old = {("m", "2026-11", "east", T1, "visits"): (1, 1, 0), ("b", "dispatch", "east"): (1, 0, 0)}
    new = {
        ("m", "2026-11", "east", T1, "visits"): (1, 0, 0),
        ("c", "visits", "east", "false"): (1, 0, 0),
    }

    assert d.load_contributions(d.dump_contributions(old)) == old
    assert dict(d.difference(old, new)) == {
        ("m", "2026-11", "east", T1, "visits"): (0, -1, 0),
        ("b", "dispatch", "east"): (-1, 0, 0),
        ("c", "visits", "east", "false"): (1, 0, 0),
    }


# -- reports and scorecards ---------------------------------------------------------------------
def test_kpi_values_from_sums() -> None:
    sums = Sums(
        {
            "visits": (9, 4, 0),
            "work_orders": (4, 3, 0),
            "csat": (4, 3, 17),
            "complaints": (2, 1, 0),
            "complaint_feedback": (3, 1, 9),
            "repair_time": (2, 0, 3 * 3600),
            "first_response": (3, 2, 0),
            "repeat_visits": (5, 1, 0),
        },
        overdue_complaints=2,
        unanswered_tickets=1,
        backlog={"intake": 7, "dispatch": 3},
    )
    values = kpi_values(sums)
    assert values["repair_timeliness"] == {
        "version": 1,
        "numerator": 4,
        "denominator": 9,
        "ratio": 4 / 9,
    }
    assert values["csat"]["ratio"] == 0.75 and values["csat"]["mean_rating"] == 4.25
    assert (
        values["complaint_timeliness"]["numerator"],
        values["complaint_timeliness"]["denominator"],
    ) == (1, 4)
    assert values["complaint_satisfaction"]["mean_rating"] == 3.0
    assert values["mean_time_to_repair"]["mean_hours"] == 1.5
    assert values["first_response_compliance"]["ratio"] == 0.5
    assert values["repeat_visits"]["ratio"] == 0.2
    assert values["open_backlog"] == {"version": 1, "tickets": 7, "work_orders": 3}
    assert values["followup_satisfaction"]["ratio"] is None


def test_technician_scope_has_no_complaint_or_ticket_kpis() -> None:
    values = kpi_values(Sums({"visits": (1, 1, 0)}))
    assert values["complaint_timeliness"] is None
    assert values["first_response_compliance"] is None
    assert values["open_backlog"] is None
    assert values["repair_timeliness"]["ratio"] == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("speed=1", "expected name=weight"),
        ("csat", "expected name=weight"),
        ("csat=x", "not a number"),
        ("csat=-1", "between 0 and 1000"),
        ("csat=NaN", "between 0 and 1000"),
        ("csat=0,first_time_fix=0", "at least one weight must be positive"),
        ("csat=1,csat=2", "weighted twice"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_composite_renormalises_over_the_kpis_a_scope_has() -> None:
    weights = parse_weights(
        "repair_timeliness=0.3,first_time_fix=0.3,csat=0.25,complaint_timeliness=0.15"
    )
    assert weights["csat"] == Decimal("0.25")
    parts = {"repair_timeliness": (1, 2), "first_time_fix": (1, 1), "csat": (0, 0)}
    # (0.3 * 1/2 + 0.3 * 1) / (0.3 + 0.3)
    assert composite(parts, weights) == Fraction(3, 4)
    assert composite({"csat": (0, 0)}, weights) is None


def test_ranking_breaks_ties_by_key_and_puts_unscored_last() -> None:
    entries = [
        ("south", Fraction(1, 2)),
        ("east", Fraction(3, 4)),
        ("north", None),
        ("central", Fraction(3, 4)),
        ("west", Fraction(1, 2)),
    ]
    assert ranked(entries) == [
        (1, "central", Fraction(3, 4)),
        (2, "east", Fraction(3, 4)),
        (3, "south", Fraction(1, 2)),
        (4, "west", Fraction(1, 2)),
        (5, "north", None),
    ]
