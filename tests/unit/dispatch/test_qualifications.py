"""Staff qualifications gate assignment: which record is current (whatever the order they
arrive in), and a gated skill counting for automatic and named assignment only while its
qualification is valid in the work order's region (Asia/Shanghai by default)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.dispatch.domain.qualifications import gated_skills, requires_qualification
from services.dispatch.use_cases import record_qualification, schedule_visit
from shared.errors import Conflict, InvalidInput
from tests.unit.dispatch.support import (
    AGENT,
    HOUR,
    START,
    clock_of,
    make_uow,
    repair,
    technician,
    window,
)

TODAY = dt.date(2026, 11, 2)  # START (08:00 UTC) is 16:00 in Shanghai, the same day
YESTERDAY = TODAY - dt.timedelta(days=1)
GATED = {"qualified_skills": "welding"}


def exam(
    person_id: str,
    *,
    taken_on: dt.date,
    valid_until: dt.date | None,
    passed: bool = True,
    skill: str = "welding",
    recorded_at: dt.datetime = START - HOUR,
    record_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A qualification.recorded payload as dispatch's inbound schema loads it."""
    return {
        "record_id": record_id or uuid.uuid4(),
        "person_id": person_id,
        "skill": skill,
        "course": "Welding of lined pipes, level 2",
        "taken_on": taken_on,
        "passed": passed,
        "valid_until": valid_until,
        "recorded_at": recorded_at,
    }


def test_the_gated_skills_option_is_a_normalised_list_or_every_skill() -> None:
    assert gated_skills(" Welding ,  anode  CHECK,,") == frozenset({"welding", "anode check"})
    assert requires_qualification("welding", gated_skills("welding")) is True
    assert requires_qualification("coating", gated_skills("welding")) is False
    assert requires_qualification("coating", gated_skills("*")) is True
    assert requires_qualification(None, gated_skills("*")) is False
    assert gated_skills("") == frozenset()


def test_the_latest_pass_is_kept_whatever_order_the_records_arrive_in() -> None:
    uow = make_uow()
    newer = exam("tech-Bai", taken_on=dt.date(2026, 10, 1), valid_until=dt.date(2027, 1, 31))
    older = exam("tech-Bai", taken_on=dt.date(2025, 10, 1), valid_until=dt.date(2028, 10, 1))
    failed = exam("tech-Bai", taken_on=dt.date(2026, 10, 20), valid_until=None, passed=False)

    assert record_qualification(uow, record=newer) is True
    assert record_qualification(uow, record=older) is False  # late, and older: ignored
    assert record_qualification(uow, record=failed) is False  # a failed retake: nothing
    assert record_qualification(uow, record=newer) is False  # the same record again

    [kept] = uow.qualifications.of(["tech-Bai"])
    assert (kept.record_id, kept.valid_until) == (str(newer["record_id"]), dt.date(2027, 1, 31))
    assert uow.published() == []


def test_a_later_pass_with_a_shorter_validity_replaces_a_longer_one() -> None:
    uow = make_uow()
    record_qualification(
        uow, record=exam("W-BAI", taken_on=dt.date(2025, 1, 1), valid_until=dt.date(2030, 1, 1))
    )
    record_qualification(
        uow, record=exam("W-BAI", taken_on=dt.date(2026, 1, 1), valid_until=YESTERDAY)
    )

    [kept] = uow.qualifications.of(["W-BAI"])
    assert kept.valid_until == YESTERDAY


def test_an_expired_welder_is_not_chosen_and_is_again_after_a_new_exam() -> None:
    bai = technician("Bai", skills=("welding",))
    dong = technician("Dong", skills=("welding",))
    busy = repair(required_skill="welding", status="scheduled", technician_id=dong.id)
    job = repair(required_skill="welding")
    uow = make_uow(technicians=(bai, dong), work_orders=(busy, job), **GATED)
    # Bai has no open work (Dong has one), but Bai's welding expired yesterday.
    record_qualification(
        uow, record=exam("tech-Bai", taken_on=dt.date(2024, 11, 1), valid_until=YESTERDAY)
    )
    record_qualification(
        uow, record=exam("tech-Dong", taken_on=dt.date(2026, 6, 1), valid_until=TODAY)
    )

    schedule_visit(uow, work_order_id=job.id, schedule_in=window(START + HOUR), by=AGENT)
    assert job.technician_id == dong.id

    record_qualification(
        uow, record=exam("tech-Bai", taken_on=TODAY, valid_until=dt.date(2028, 11, 1))
    )
    second = repair(required_skill="welding")
    uow.work_orders.add(second)
    schedule_visit(uow, work_order_id=second.id, schedule_in=window(START + HOUR), by=AGENT)
    assert second.technician_id == bai.id


def test_nobody_qualified_is_409_and_writes_nothing() -> None:
    bai = technician("Bai", skills=("welding",))
    job = repair(required_skill="welding")
    uow = make_uow(technicians=(bai,), work_orders=(job,), **GATED)  # Bai: no record at all

    with pytest.raises(Conflict) as refused:
        schedule_visit(uow, work_order_id=job.id, schedule_in=window(START + HOUR), by=AGENT)

    assert refused.value.errors == {"technician_id": ["nobody fits: name a technician"]}
    assert "welding (with a valid qualification)" in refused.value.detail
    assert job.visits == [] and job.status == "unscheduled" and uow.commits == 0


def test_a_named_technician_whose_qualification_expired_is_refused_naming_the_skill() -> None:
    bai = technician("Bai", skills=("welding",))
    job = repair(required_skill="welding")
    uow = make_uow(technicians=(bai,), work_orders=(job,), **GATED)
    record_qualification(
        uow, record=exam("tech-Bai", taken_on=dt.date(2024, 11, 1), valid_until=YESTERDAY)
    )
    commits = uow.commits
    booking = window(START + HOUR, technician_id=bai.id)

    with pytest.raises(InvalidInput) as refused:
        schedule_visit(uow, work_order_id=job.id, schedule_in=booking, by=AGENT)

    assert refused.value.errors == {
        "technician_id": ["the welding qualification expired on 2026-11-01"]
    }
    assert job.visits == [] and uow.commits == commits and uow.published() == []


def test_validity_ends_with_its_last_day_in_the_regions_time_zone() -> None:
    # 2026-11-01 20:00 UTC is already 2026-11-02 04:00 in Shanghai: a qualification valid
    # through 2026-11-01 has ended there, though the UTC date is still the 1st.
    bai = technician("Bai", skills=("welding",))
    job = repair(required_skill="welding")
    uow = make_uow(technicians=(bai,), work_orders=(job,), **GATED)
    clock_of(uow).at = dt.datetime(2026, 11, 1, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    record_qualification(
        uow, record=exam("tech-Bai", taken_on=dt.date(2024, 11, 1), valid_until=YESTERDAY)
    )
    booking = window(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC), technician_id=bai.id)
    schedule_visit(uow, work_order_id=job.id, schedule_in=booking, by=AGENT)  # still valid
    assert job.technician_id == bai.id

    clock_of(uow).at = dt.datetime(2026, 11, 1, 16, 0, tzinfo=dt.UTC)  # midnight there
    with pytest.raises(InvalidInput):
        schedule_visit(uow, work_order_id=job.id, schedule_in=booking, by=AGENT)


def test_a_skill_not_listed_needs_no_qualification_and_a_work_id_counts_as_a_person() -> None:
    bai = technician("Bai", skills=("coating", "welding"), login=None)
    coating, welding = repair(required_skill="coating"), repair(required_skill="welding")
    uow = make_uow(technicians=(bai,), work_orders=(coating, welding), **GATED)

    schedule_visit(uow, work_order_id=coating.id, schedule_in=window(START + HOUR), by=AGENT)
    assert coating.technician_id == bai.id  # coating is not gated: no record needed

    record_qualification(
        uow, record=exam("W-BAI", taken_on=dt.date(2026, 1, 5), valid_until=dt.date(2028, 1, 5))
    )
    later = window(START + 4 * HOUR)  # Bai is booked for the coating job until START + 3h
    schedule_visit(uow, work_order_id=welding.id, schedule_in=later, by=AGENT)
    assert welding.technician_id == bai.id  # known to support by the badge's work ID


def test_a_moved_visit_leaves_a_technician_whose_qualification_expired_meanwhile() -> None:
    bai = technician("Bai", skills=("welding",))
    dong = technician("Dong", skills=("welding",))
    job = repair(required_skill="welding")
    uow = make_uow(technicians=(bai, dong), work_orders=(job,), **GATED)
    for person in ("tech-Bai", "tech-Dong"):
        record_qualification(
            uow, record=exam(person, taken_on=dt.date(2025, 1, 1), valid_until=TODAY)
        )
    schedule_visit(uow, work_order_id=job.id, schedule_in=window(START + 30 * HOUR), by=AGENT)
    assert job.technician_id == bai.id
    record_qualification(  # Bai's retake: a later pass, but valid only until yesterday
        uow,
        record=exam("tech-Bai", taken_on=YESTERDAY - dt.timedelta(days=1), valid_until=YESTERDAY),
    )

    schedule_visit(uow, work_order_id=job.id, schedule_in=window(START + 31 * HOUR), by=AGENT)

    assert job.technician_id == dong.id and len(job.visits) == 1
