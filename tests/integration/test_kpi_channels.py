"""kpi's issue-16 figures on SQLite and PostgreSQL: consultation response timeliness, training
sessions held, and satisfaction from every channel (acceptance, follow-up call,
questionnaire, consultation), each by source and combined. The producers' own samples
(built with their catalogs) go through the EventProcessor, shuffled and duplicated, and are
read back through GET /kpis and /metrics; a rebuild from the archive gives the same numbers.
Every expectation is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from services.dispatch.events import PUBLISHES as DISPATCH
from services.intake.events import PUBLISHES as INTAKE
from services.kpi.commands import close, rebuild
from services.support.events import PUBLISHES as SUPPORT
from shared.events import Event, EventCatalog
from tests.helpers import auth, metric_value
from tests.integration.test_kpi_facts import NOW, Kpi, kpi_service

TECH_A, TECH_B = "3e9d7b1a-2c4f-4e6a-8b0d-1f3a5c7e9b20", "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"


@pytest.fixture
def kpi(database_url: str) -> Iterator[Kpi]:
    service = kpi_service(database_url)
    yield service
    service.client.application.extensions["aftercare"].db.dispose()
    service.rt.db.dispose()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def build(catalog: EventCatalog, type_: str, in_region: str = "east", **changes: Any) -> Event:
    """The producer's sample with ``changes`` (its region too, where it carries one)."""
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    if "region" in data:
        data["region"] = in_region
    return catalog.build(type_, data, region=in_region, occurred_at=NOW)


def answered(ticket: str, due: str, answered_at: str, region: str = "east") -> Event:
    answer = at(answered_at)
    return build(
        INTAKE,
        "consultation.answered",
        region,
        ticket_id=uuid.UUID(ticket),
        response_due_at=at(due),
        answered_at=answer,
        within_deadline=answer <= at(due),
    )


def escalated(ticket: str, due: str) -> Event:
    return build(
        INTAKE, "consultation.escalated", ticket_id=uuid.UUID(ticket), response_due_at=at(due)
    )


def survey(rating: int, technician: str | None, when: str, region: str = "east") -> Event:
    return build(
        SUPPORT,
        "survey.answered",
        region,
        questionnaire_id=uuid.uuid4(),
        work_order_id=uuid.uuid4(),
        technician_id=technician,
        rating=rating,
        answered_at=at(when),
    )


def accepted(rating: int, technician: str, when: str) -> Event:
    return build(
        DISPATCH,
        "repair.accepted",
        work_order_id=uuid.uuid4(),
        technician_id=uuid.UUID(technician),
        visit_number=1,
        rating=rating,
        accepted_at=at(when),
    )


def followup(satisfaction: int, when: str) -> Event:
    return build(
        DISPATCH,
        "followup.recorded",
        work_order_id=uuid.uuid4(),
        satisfaction=satisfaction,
        recorded_at=at(when),
    )


def consultation_rated(rating: int, when: str) -> Event:
    return build(
        INTAKE, "consultation.rated", ticket_id=uuid.uuid4(), rating=rating, rated_at=at(when)
    )


def held(attendees: int, came: list[str], when: str) -> Event:
    return build(
        SUPPORT,
        "training.held",
        session_id=uuid.uuid4(),
        attendees_count=attendees,
        attended_count=len(came),
        attendee_ids=came,
        held_at=at(when),
    )


C1, C2, C3 = (str(uuid.uuid4()) for _ in range(3))
NOVEMBER = [
    # Consultations (east, Shanghai time): C1 answered 45 minutes early; C2 an hour late
    # (escalated first, with the same deadline); C3 answered at 01:00 on 1 December in
    # Shanghai (17:00 UTC on 30 November), so it counts in December, on time.
    answered(C1, "2026-11-02T05:15:00+00:00", "2026-11-02T04:30:00+00:00"),
    escalated(C2, "2026-11-05T05:00:00+00:00"),
    answered(C2, "2026-11-05T05:00:00+00:00", "2026-11-05T06:00:00+00:00"),
    answered(C3, "2026-12-01T02:00:00+00:00", "2026-11-30T17:00:00+00:00"),
    # Ratings: acceptance 5 (hit); follow-up 3 (miss); questionnaires 4 (hit, TECH_A) and
    # 2 (miss, TECH_B); consultation 5 (hit).
    accepted(5, TECH_A, "2026-11-10T03:00:00+00:00"),
    followup(3, "2026-11-12T03:00:00+00:00"),
    survey(4, TECH_A, "2026-11-15T03:00:00+00:00"),
    survey(2, TECH_B, "2026-11-16T03:00:00+00:00"),
    consultation_rated(5, "2026-11-20T03:00:00+00:00"),
    # Training: 2 of 3 came, then 4 of 4.
    held(3, ["p-1", "p-2"], "2026-11-14T04:00:00+00:00"),
    held(4, ["p-4", "p-5", "p-6", "p-7"], "2026-11-20T04:00:00+00:00"),
]


def figures(kpis: dict[str, Any], *path: str) -> tuple[int, int, float | None, float | None]:
    value = kpis
    for name in path:
        value = value[name]
    return value["numerator"], value["denominator"], value["ratio"], value["mean_rating"]


def test_every_channel_counts_by_source_and_combined(kpi: Kpi) -> None:
    shuffled = NOVEMBER + NOVEMBER[::2]  # every other event twice
    random.Random(16).shuffle(shuffled)
    kpi.deliver(shuffled)

    east = kpi.kpis("2026-11", region="east")
    # C1 on time, C2 late (C3 is December's): 1 of 2.
    timeliness = east["consultation_timeliness"]
    assert (timeliness["numerator"], timeliness["denominator"], timeliness["ratio"]) == (1, 2, 0.5)
    assert timeliness["version"] == 1
    december = kpi.kpis("2026-12", region="east")["consultation_timeliness"]
    assert (december["numerator"], december["denominator"]) == (1, 1)
    by_source = east["csat_by_source"]
    assert figures(by_source, "acceptance") == (1, 1, 1.0, 5.0)
    assert figures(by_source, "follow_up") == (0, 1, 0.0, 3.0)
    assert figures(by_source, "questionnaire") == (1, 2, 0.5, 3.0)  # (4 + 2) / 2
    assert figures(by_source, "consultation") == (1, 1, 1.0, 5.0)
    # 5, 3, 4, 2, 5: three of five are 4-5; mean 19 / 5.
    assert figures(east, "csat_all_sources") == (3, 5, 0.6, 3.8)
    assert figures(east, "csat") == (1, 1, 1.0, 5.0)  # the SPEC's csat: acceptance only
    # 2 sessions; 2 + 4 came of 3 + 4 listed.
    assert east["training"] == {
        "version": 1,
        "sessions": 2,
        "attendees": 7,
        "attended": 6,
        "attendance_rate": pytest.approx(6 / 7),
    }
    tech_a = kpi.kpis("2026-11", technician=TECH_A)["csat_by_source"]
    assert figures(tech_a, "questionnaire") == (1, 1, 1.0, 4.0)
    north = kpi.kpis("2026-11", region="north")
    assert north["consultation_timeliness"]["denominator"] == 0
    assert figures(north, "csat_all_sources") == (0, 0, None, None)

    # One more questionnaire, a 5 for TECH_B: questionnaires 2 of 3 (mean 11 / 3),
    # all sources 4 of 6 (mean 24 / 6 = 4.0).
    kpi.deliver([survey(5, TECH_B, "2026-11-25T03:00:00+00:00")])
    east = kpi.kpis("2026-11", region="east")
    questionnaire = figures(east, "csat_by_source", "questionnaire")
    assert questionnaire[:2] == (2, 3) and questionnaire[2:] == pytest.approx((2 / 3, 11 / 3))
    assert figures(east, "csat_all_sources")[:2] == (4, 6)
    assert figures(east, "csat_all_sources")[2:] == pytest.approx((4 / 6, 4.0))

    text = kpi.metrics()
    assert metric_value(text, "aftercare_kpi_consultation_timeliness_ratio", region="east") == 0.5
    assert metric_value(text, "aftercare_kpi_consultation_timeliness_ratio", region="north") is None
    answered_total = "aftercare_consultations_answered_total"
    assert metric_value(text, answered_total, region="east", within_deadline="true") == 2
    assert metric_value(text, answered_total, region="east", within_deadline="false") == 1
    ratings = "aftercare_ratings_total"
    assert metric_value(text, ratings, region="east", source="questionnaire", score="5") == 1
    assert metric_value(text, ratings, region="east", source="consultation", score="5") == 1
    assert metric_value(text, ratings, region="east", source="repair", score="5") == 1
    gauge = "aftercare_kpi_csat_by_source_ratio"
    assert metric_value(text, gauge, region="east", source="questionnaire") == pytest.approx(2 / 3)
    assert metric_value(text, gauge, region="east", source="all") == pytest.approx(4 / 6)
    assert metric_value(text, gauge, region="north", source="all") is None

    before = kpi.kpis("2026-11", region="east")
    rebuild(kpi.rt)  # from the archive: the same numbers
    assert kpi.kpis("2026-11", region="east") == before


def test_a_consultation_answered_after_its_deadline_counts_late_once(kpi: Kpi) -> None:
    ticket = str(uuid.uuid4())
    late = answered(ticket, "2026-11-05T05:00:00+00:00", "2026-11-05T05:00:01+00:00")
    kpi.deliver([late, late])

    timeliness = kpi.kpis("2026-11", region="east")["consultation_timeliness"]
    assert (timeliness["numerator"], timeliness["denominator"], timeliness["ratio"]) == (0, 1, 0.0)


# -- results applied ---------------------------------------------------------------------------
def attention(kpi: Kpi, **query: str) -> Any:
    return kpi.client.get("/scorecards/attention", query_string=query, headers=auth("manager"))


def test_a_technician_below_target_two_months_running_is_listed_with_the_training(
    kpi: Kpi,
) -> None:
    kpi.deliver(
        [
            # TECH_A's acceptance ratings: 5 and 3 in October (1 of 2), 3 in November (0 of
            # 1); a questionnaire 5 in November: every channel 1 of 2. Below 0.9 each month.
            accepted(5, TECH_A, "2026-10-05T03:00:00+00:00"),
            accepted(3, TECH_A, "2026-10-06T03:00:00+00:00"),
            accepted(3, TECH_A, "2026-11-06T03:00:00+00:00"),
            survey(5, TECH_A, "2026-11-07T03:00:00+00:00"),
            # TECH_B: 5 in both months, on target.
            accepted(5, TECH_B, "2026-10-05T03:00:00+00:00"),
            accepted(5, TECH_B, "2026-11-05T03:00:00+00:00"),
            # TECH_A came to an operation demo in late October.
            held(3, [TECH_A, "p-9"], "2026-10-25T04:00:00+00:00"),
        ]
    )
    [closed] = close(kpi.rt, month="2026-10", by="operator")
    assert closed.closed
    # A late October 5 for TECH_A: live 2 of 3, but October is read as frozen (1 of 2).
    kpi.deliver([accepted(5, TECH_A, "2026-10-07T03:00:00+00:00")])

    response = attention(kpi, month="2026-11")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["previous_month"], body["frozen"]) == ("2026-10", ["2026-10"])
    rows = [(r["technician"], r["kpi"], r["training"], r["attended"]) for r in body["rows"]]
    assert rows == [
        (TECH_A, "csat", "operation_demo", True),
        (TECH_A, "csat_all_sources", "operation_demo", True),
    ]
    csat, every_channel = body["rows"]
    assert csat["months"] == {
        "2026-10": {"numerator": 1, "denominator": 2, "ratio": 0.5},
        "2026-11": {"numerator": 0, "denominator": 1, "ratio": 0.0},
    }
    assert every_channel["months"]["2026-11"] == {"numerator": 1, "denominator": 2, "ratio": 0.5}
    assert len(csat["sessions"]) == 1

    refused = attention(kpi, month="2026-13")
    assert refused.status_code == 422
    assert "month" in refused.get_json()["errors"]
