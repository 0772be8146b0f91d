"""Filing, routing, reassigning and waiting on the complainant, on the in-memory unit of
work. Deadlines are worked out by hand on the shipped calendar (Asia/Shanghai, 08:30-12:00
and 13:30-17:30 on weekdays, 7.5 business hours a day, the 2026 public holidays) and the
shipped routing file (medium 24 business hours, high 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.complaints import use_cases
from services.complaints.domain import complainant_key
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.unit.complaints.support import (
    AGENT,
    ENGINEER,
    MANAGER,
    MONDAY_9,
    NORTH_AGENT,
    clock_of,
    complaint_in,
    feedback,
    filed,
    investigated,
    make_uow,
    resolve,
    utc,
)


def test_filing_routes_sets_the_deadline_and_announces_without_the_contact() -> None:
    uow = make_uow()
    complaint = filed(uow)
    # medium = 24 business hours from Mon 09:00: Mon 7, Tue 7.5, Wed 7.5, Thu 08:30-10:30.
    assert complaint.deadline_at == utc(2026, 11, 5, 2, 30)
    assert complaint.handling_hours == 24
    assert (complaint.owner_department, complaint.owner_person) == (
        "field-service",
        "field-service-lead",
    )
    assert complaint.status == "open" and complaint.filed_at == MONDAY_9
    assert "24" in complaint.handling_notice and "2026-11-05 10:30" in complaint.handling_notice
    assert [entry.kind for entry in complaint.timeline] == ["filed", "routed"]
    assert uow.commits == 1
    (event,) = uow.published("complaint.filed")
    assert event.region == "east" and event.sequence == 1
    assert event.data["deadline_at"] == "2026-11-05T02:30:00+00:00"
    assert event.data["filed_at"] == "2026-11-02T01:00:00+00:00"
    assert event.data["complainant_key"] == complaint.complainant_key
    assert "138 0000" not in event.to_json() and "Li Wei" not in event.to_json()


def test_the_complainant_key_is_the_same_however_the_contact_is_written() -> None:
    uow = make_uow()
    first = filed(uow)
    again = filed(uow, complainant={"name": "Li", "phone": "13800000000", "language": "zh"})
    other = filed(uow, complainant={"name": "Li", "phone": "13900000000", "language": "zh"})
    assert first.complainant_key == again.complainant_key != other.complainant_key
    by_mail = filed(uow, complainant={"name": "W", "email": "Wang@Example.com", "language": "en"})
    assert by_mail.complainant_key == complainant_key(
        "mailto:wang@example.com", "aftercare-complaints-local"
    )
    assert "Your complaint" in by_mail.handling_notice
    # Another installation's secret gives other keys: a key cannot be looked up by phone.
    assert filed(make_uow(complainant_key_secret="s3cret")).complainant_key != first.complainant_key


def test_a_deadline_across_a_holiday_and_a_weekend() -> None:
    # Thu 24 Sep 2026 15:00 Shanghai, high = 16 h: Thu 2.5, (Fri 25 holiday, weekend,
    # Sun 27 holiday) Mon 28 7.5, Tue 29 08:30-12:00 and 13:30-16:00.
    uow = make_uow()
    complaint = filed(uow, severity="high", filed_at=utc(2026, 9, 24, 7, 0))
    assert complaint.deadline_at == utc(2026, 9, 29, 8, 0)


def test_unknown_category_is_refused_naming_the_field_and_nothing_is_written() -> None:
    uow = make_uow()
    with pytest.raises(InvalidInput) as refused:
        filed(uow, category="weather")
    assert "category" in refused.value.errors
    assert uow.commits == 0 and not uow.complaints.items and not uow.published()


def test_a_region_limited_agent_files_only_in_their_region() -> None:
    uow = make_uow()
    with pytest.raises(Forbidden):
        use_cases.file_complaint(uow, complaint_in=complaint_in(region="east"), by=NORTH_AGENT)
    complaint = use_cases.file_complaint(
        uow, complaint_in=complaint_in(region="north"), by=NORTH_AGENT
    )
    assert complaint.region == "north"


def test_routing_and_deadlines_come_from_the_file_operations_maintain(tmp_path: Path) -> None:
    routing = tmp_path / "routing.yaml"
    routing.write_text(
        "deadline_hours: {critical: 2, high: 4, medium: 8, low: 16}\n"
        "categories: [delay]\n"
        "rules:\n"
        "  - {category: delay, region: north, owners: [{department: north-desk, person: zhao}]}\n"
        "  - {category: '*', region: '*', owners: [{department: desk, person: qian}]}\n"
    )
    uow = make_uow(routing_file=str(routing))
    north = filed(uow, category="delay", region="north")
    east = filed(uow, category="delay", region="east")
    assert (north.owner_person, east.owner_person) == ("zhao", "qian")
    # medium = 8 h from Mon 09:00: Mon 7 h, Tue 08:30-09:30.
    assert north.deadline_at == utc(2026, 11, 3, 1, 30)
    with pytest.raises(InvalidInput):
        filed(uow, category="repair_quality")


def test_reassignment_keeps_the_reason_and_a_closed_complaint_keeps_its_owner() -> None:
    uow = make_uow()
    complaint = filed(uow)
    change = {"department": "quality", "person": "zhang", "reason": "on leave this week"}
    use_cases.reassign_complaint(uow, complaint_id=complaint.id, reassignment_in=change, by=MANAGER)
    assert (complaint.owner_department, complaint.owner_person) == ("quality", "zhang")
    assert complaint.timeline[-1].details["reason"] == "on leave this week"
    assert len(uow.published()) == 1  # only complaint.filed
    with pytest.raises(NotFound):
        use_cases.reassign_complaint(
            uow, complaint_id=complaint.id, reassignment_in=change, by=NORTH_AGENT
        )


def test_waiting_on_the_complainant_pauses_the_clock() -> None:
    uow = make_uow()
    complaint = filed(uow)
    clock = clock_of(uow)
    clock.advance(hours=1)  # Mon 10:00 Shanghai
    waiting = {"waiting": True, "reason": "asked for photos of the seam"}
    use_cases.set_waiting(uow, complaint_id=complaint.id, waiting_in=waiting, by=AGENT)
    assert complaint.status == "waiting"
    with pytest.raises(Conflict):
        use_cases.set_waiting(uow, complaint_id=complaint.id, waiting_in=waiting, by=AGENT)
    clock.advance(hours=24)  # Tue 10:00: 7.5 business hours paused
    use_cases.set_waiting(uow, complaint_id=complaint.id, waiting_in={"waiting": False}, by=AGENT)
    assert complaint.status == "open"
    # One business day later than Thu 10:30: Fri 6 Nov 10:30 Shanghai.
    assert complaint.deadline_at == utc(2026, 11, 6, 2, 30)
    assert [(p.started_at, p.ended_at) for p in complaint.pauses] == [
        (utc(2026, 11, 2, 2, 0), utc(2026, 11, 3, 2, 0))
    ]
    with pytest.raises(Conflict):
        use_cases.set_waiting(
            uow, complaint_id=complaint.id, waiting_in={"waiting": False}, by=AGENT
        )


def test_a_waiting_complaint_is_not_resolved_and_the_pause_moves_the_judgement() -> None:
    uow = make_uow()
    complaint = investigated(uow)
    waiting = {"waiting": True, "reason": "customer abroad", "at": utc(2026, 11, 2, 2, 0)}
    use_cases.set_waiting(uow, complaint_id=complaint.id, waiting_in=waiting, by=ENGINEER)
    clock_of(uow).advance(days=4)  # Fri 6 Nov 09:00 Shanghai
    with pytest.raises(Conflict) as refused:
        resolve(uow, complaint.id, None)
    assert refused.value.errors == {"status": ["is waiting"]}
    resumed = {"waiting": False, "at": utc(2026, 11, 3, 2, 0)}
    use_cases.set_waiting(uow, complaint_id=complaint.id, waiting_in=resumed, by=ENGINEER)
    # After the unpaused deadline (Thu 10:30), before the paused one (Fri 10:30).
    resolve(uow, complaint.id, utc(2026, 11, 6, 1, 0))
    event = uow.published("complaint.resolved")[-1]
    assert event.data["within_deadline"] is True
    assert event.data["deadline_at"] == "2026-11-06T02:30:00+00:00"
    feedback(uow, complaint.id, satisfied=True, rating=5)
    assert uow.published("complaint.closed")[-1].data["within_deadline"] is True
