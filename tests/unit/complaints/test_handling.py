"""Investigation with evidence, resolution judged against the deadline, the complainant's
feedback (closing, or reopening and escalating) and corrective measures, on the in-memory
unit of work."""

from __future__ import annotations

import hashlib

import pytest

from services.complaints import use_cases
from shared.errors import Conflict, InvalidInput, NotFound
from tests.unit.complaints.support import (
    ENGINEER,
    MANAGER,
    MINUTE,
    NORTH_ENGINEER,
    clock_of,
    evidence_in,
    feedback,
    filed,
    investigated,
    investigation_in,
    make_uow,
    resolution_in,
    resolve,
    resolved,
    utc,
)

# Filed Thu 24 Sep 2026 15:00 Shanghai, high: due Tue 29 Sep 16:00 (08:00 UTC), across the
# Mid-Autumn holiday (Fri 25, Sun 27) and the weekend.
FILED = utc(2026, 9, 24, 7, 0)
DUE = utc(2026, 9, 29, 8, 0)


def test_evidence_is_verified_against_its_checksum_and_counted_by_the_investigation() -> None:
    uow = make_uow()
    complaint = filed(uow)
    photo = use_cases.add_evidence(
        uow, complaint_id=complaint.id, evidence_in=evidence_in(b"seam photo"), by=ENGINEER
    )
    record = use_cases.add_evidence(
        uow,
        complaint_id=complaint.id,
        evidence_in=evidence_in(None, kind="repair_record", reference="archive://RR-7"),
        by=ENGINEER,
    )
    assert (photo.number, photo.verified, photo.size_bytes) == (1, True, 10)
    assert photo.sha256 == hashlib.sha256(b"seam photo").hexdigest()
    assert (record.number, record.verified, record.size_bytes) == (2, False, None)
    use_cases.investigate_complaint(
        uow, complaint_id=complaint.id, investigation_in=investigation_in(), by=ENGINEER
    )
    (event,) = uow.published("complaint.investigated")
    assert event.data["evidence_count"] == 2
    assert event.data["responsibility"] == "partner"
    assert event.data["root_cause"] == "technician skipped primer"
    assert complaint.status == "investigated" and complaint.partner == "Hangzhou Coatings Workshop"


def test_evidence_whose_checksum_does_not_match_is_refused_and_nothing_is_kept() -> None:
    uow = make_uow()
    complaint = filed(uow)
    tampered = evidence_in(b"other bytes", sha256=hashlib.sha256(b"seam photo").hexdigest())
    with pytest.raises(InvalidInput) as refused:
        use_cases.add_evidence(uow, complaint_id=complaint.id, evidence_in=tampered, by=ENGINEER)
    assert list(refused.value.errors) == ["sha256"]
    assert complaint.evidence == [] and uow.commits == 1


def test_resolved_a_minute_before_the_deadline_is_within_it_a_minute_after_is_not() -> None:
    for resolved_at, in_time in ((DUE - MINUTE, True), (DUE, True), (DUE + MINUTE, False)):
        uow = make_uow(at=FILED + 60 * MINUTE)
        complaint = investigated(uow, severity="high", filed_at=FILED)
        assert complaint.deadline_at == DUE
        clock_of(uow).at = DUE + 2 * MINUTE
        resolve(uow, complaint.id, resolved_at)
        (event,) = uow.published("complaint.resolved")
        assert event.data["within_deadline"] is in_time
        assert event.data["resolved_at"] == resolved_at.isoformat()
        assert event.data["resolution_round"] == 1
        feedback(uow, complaint.id, satisfied=True, rating=4)
        (closed,) = uow.published("complaint.closed")
        assert closed.data["within_deadline"] is in_time
        assert closed.data["resolved_at"] == resolved_at.isoformat()
        assert (closed.data["satisfied"], closed.data["rating"]) == (True, 4)


def test_a_step_before_the_previous_one_or_in_the_wrong_status_is_refused() -> None:
    uow = make_uow()
    complaint = filed(uow)
    with pytest.raises(Conflict) as refused:
        resolve(uow, complaint.id, None)
    assert refused.value.errors == {"status": ["is open"]}
    use_cases.investigate_complaint(
        uow, complaint_id=complaint.id, investigation_in=investigation_in(), by=ENGINEER
    )
    with pytest.raises(InvalidInput) as early:
        resolve(uow, complaint.id, utc(2026, 11, 1, 0, 0))
    assert list(early.value.errors) == ["resolved_at"]
    with pytest.raises(Conflict):
        feedback(uow, complaint.id, satisfied=True, rating=5)


def test_not_satisfied_reopens_escalates_and_keeps_the_original_deadline() -> None:
    uow = make_uow(at=DUE - 60 * MINUTE)
    complaint = investigated(uow, severity="high", filed_at=FILED)
    resolve(uow, complaint.id, None)
    feedback(uow, complaint.id, satisfied=False, rating=2)
    assert complaint.status == "reopened" and complaint.escalation_level == 1
    assert (complaint.owner_department, complaint.owner_person) == ("quality", "quality-manager")
    (reopened,) = uow.published("complaint.reopened")
    assert reopened.data["resolution_round"] == 1 and reopened.data["rating"] == 2
    assert reopened.data["reason"] == "nobody apologised"
    clock_of(uow).advance(hours=2)  # now past the deadline
    resolve(uow, complaint.id, None)
    feedback(uow, complaint.id, satisfied=True, rating=4)
    (closed,) = uow.published("complaint.closed")
    assert closed.data["resolution_round"] == 2 and closed.data["within_deadline"] is False
    assert closed.data["resolved_at"] == (DUE + 60 * MINUTE).isoformat()
    deadlines = {e.data["deadline_at"] for e in uow.published()}
    assert deadlines == {DUE.isoformat()}
    assert [e.sequence for e in uow.published()] == [1, 2, 3, 4, 5, 6]
    assert complaint.status == "closed" and complaint.within_deadline is False


def test_escalation_stops_at_the_last_owner_of_the_chain() -> None:
    uow = make_uow()
    complaint = resolved(uow)
    for _ in range(3):
        feedback(uow, complaint.id, satisfied=False, rating=1)
        resolve(uow, complaint.id, None)
    assert complaint.owner_person == "service-director" and complaint.escalation_level == 2
    assert len(uow.published("complaint.reopened")) == 3


def test_unknown_complaints_and_other_regions_are_absent() -> None:
    uow = make_uow()
    complaint = filed(uow)
    with pytest.raises(NotFound):
        use_cases.investigate_complaint(
            uow, complaint_id=complaint.id, investigation_in=investigation_in(), by=NORTH_ENGINEER
        )
    with pytest.raises(NotFound):
        use_cases.add_evidence(
            uow, complaint_id=filed(uow).id.__class__(int=1), evidence_in=evidence_in(), by=ENGINEER
        )


def test_corrective_measures_are_decided_with_the_resolution_and_checked_done() -> None:
    uow = make_uow()
    complaint = investigated(uow)
    measures = [
        {
            "description": "primer checklist",
            "owner": "quality-lead",
            "due_on": utc(2026, 11, 20).date(),
        },
        {
            "description": "retrain the workshop",
            "owner": "partner-manager",
            "due_on": utc(2026, 11, 30).date(),
        },
    ]
    use_cases.resolve_complaint(
        uow,
        complaint_id=complaint.id,
        resolution_in=resolution_in(corrective_measures=measures),
        by=ENGINEER,
    )
    first, second = complaint.measures
    assert (first.round, first.owner, first.status) == (1, "quality-lead", "open")
    clock_of(uow).advance(days=3)
    done = use_cases.complete_measure(
        uow, measure_id=first.id, done_in={"outcome": "checklist in use"}, by=MANAGER
    )
    assert done.status == "done" and done.done_at == utc(2026, 11, 5, 1, 0)
    assert done.done_by == "boss" and second.status == "open"
    with pytest.raises(Conflict):
        use_cases.complete_measure(uow, measure_id=first.id, done_in={"outcome": "x"}, by=MANAGER)
    with pytest.raises(NotFound):
        use_cases.complete_measure(
            uow, measure_id=second.id, done_in={"outcome": "x"}, by=NORTH_ENGINEER
        )
    with pytest.raises(InvalidInput) as early:
        use_cases.complete_measure(
            uow,
            measure_id=second.id,
            done_in={"outcome": "x", "done_at": utc(2026, 11, 1)},
            by=MANAGER,
        )
    assert list(early.value.errors) == ["done_at"]
