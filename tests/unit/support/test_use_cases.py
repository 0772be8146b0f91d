"""support's use cases on the fake unit of work: what each commits and publishes, and that a
refusal (an attendee twice, a step the status forbids, another region, a link used twice or
for another customer) commits nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.support.models import Questionnaire
from services.support.use_cases import (
    answer_questionnaire,
    create_questionnaire,
    issue_questionnaire_link,
    open_questionnaire_for_repair,
    record_attendance,
    record_qualification,
    request_training,
    schedule_training,
)
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.links import link_digest
from tests.unit.support.factories import (
    AGENT,
    MANAGER,
    NORTH_MANAGER,
    START,
    clock_of,
    make_uow,
    plan,
    record_in,
    session_in,
)


def test_a_request_names_its_topics_once_and_announces_itself() -> None:
    uow = make_uow()
    session = request_training(uow, session_in=session_in(), by=AGENT)
    assert (session.status, session.topics) == ("requested", ["principles", "troubleshooting"])
    [event] = uow.published("training.requested")
    assert event.data["session_id"] == str(session.id) and event.sequence == 1
    assert event.data["site_address"] == "88 Harbour Road, Ningbo" and uow.commits == 1


def test_schedule_and_hold_publish_in_sequence() -> None:
    uow = make_uow()
    session = request_training(uow, session_in=session_in(), by=AGENT)
    schedule_training(uow, session_id=session.id, plan=plan(), by=MANAGER)
    clock_of(uow).advance(days=8)
    attendance = [
        {"person_id": "p-1", "attended": True, "rating": 3},
        {"person_id": "p-2", "attended": True, "rating": 4},
    ]
    record_attendance(
        uow, session_id=session.id, attendance_in={"attendance": attendance}, by=MANAGER
    )
    assert [(e.type, e.sequence) for e in uow.published()] == [
        ("training.requested", 1),
        ("training.scheduled", 2),
        ("training.held", 3),
    ]
    held = uow.published("training.held")[0].data
    assert held["feedback"]["mean"] == "3.50" and held["attended_count"] == 2


def test_refusals_commit_nothing() -> None:
    uow = make_uow()
    session = request_training(uow, session_in=session_in(), by=AGENT)
    twice = plan(attendees=[{"person_id": "p-1", "name": "a"}, {"person_id": "p-1", "name": "b"}])
    with pytest.raises(InvalidInput):
        schedule_training(uow, session_id=session.id, plan=twice, by=MANAGER)
    with pytest.raises(NotFound):
        schedule_training(uow, session_id=session.id, plan=plan(), by=NORTH_MANAGER)
    with pytest.raises(Conflict):
        record_attendance(uow, session_id=session.id, attendance_in={"attendance": []}, by=MANAGER)
    with pytest.raises(InvalidInput):
        record_qualification(
            uow, record_in=record_in(passed=False, valid_until=dt.date(2027, 1, 1)), by=MANAGER
        )
    assert uow.commits == 1 and session.status == "requested"


def test_a_pass_is_valid_for_the_configured_months() -> None:
    uow = make_uow(qualification_validity_months="36")
    record = record_qualification(uow, record_in=record_in(), by=MANAGER)
    assert record.valid_until == dt.date(2029, 12, 1)
    failed = record_qualification(uow, record_in=record_in(passed=False, score=30), by=MANAGER)
    assert failed.valid_until is None
    assert [e.data["passed"] for e in uow.published("qualification.recorded")] == [True, False]


def test_a_questionnaire_link_is_kept_as_a_digest_and_answered_once() -> None:
    uow = make_uow(questionnaire_link_base="https://x.example/q/", questionnaire_valid_days="3")
    body = {"region": "east", "work_order_id": uuid.uuid4(), "customer_ref": " C-1 "}
    made = create_questionnaire(uow, questionnaire_in=body, by=AGENT)
    assert made.issued_link is None and made.token_digest is None
    issue_questionnaire_link(uow, questionnaire_id=made.id, by=AGENT)
    assert made.issued_link is not None and made.issued_link.startswith("https://x.example/q/")
    token = made.issued_link.rsplit("/", 1)[1]
    stored = {c.name: getattr(made, c.name) for c in Questionnaire.__table__.columns}
    assert made.token_digest == link_digest(token) and token not in str(stored)
    assert made.expires_at == START + dt.timedelta(days=3) and made.customer_ref == "C-1"
    with pytest.raises(Forbidden):
        answer_questionnaire(
            uow, link=link_digest(token), answer_in={"customer_ref": "C-2", "rating": 5}
        )
    assert uow.published("survey.answered") == []
    answer_questionnaire(
        uow, link=link_digest(token), answer_in={"customer_ref": "c-1", "rating": 5}
    )
    with pytest.raises(Conflict):
        answer_questionnaire(
            uow, link=link_digest(token), answer_in={"customer_ref": "C-1", "rating": 5}
        )
    with pytest.raises(Conflict):
        issue_questionnaire_link(uow, questionnaire_id=made.id, by=AGENT)
    [answered] = uow.published("survey.answered")
    assert (answered.data["rating"], answered.data["source"]) == (5, "questionnaire")


def test_an_accepted_repair_opens_one_questionnaire_with_no_link_yet() -> None:
    uow = make_uow()
    work_order, ticket, technician = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    accepted = {"work_order_id": work_order, "ticket_id": ticket, "technician_id": technician}
    first = open_questionnaire_for_repair(
        uow, source_event_id="e1", region="east", accepted=accepted
    )
    again = open_questionnaire_for_repair(
        uow, source_event_id="e2", region="east", accepted=accepted
    )
    assert first is again and first.token_digest is None and first.customer_ref == str(ticket)
    assert len(uow.published("questionnaire.created")) == 1
    named = open_questionnaire_for_repair(
        uow,
        source_event_id="e3",
        region="east",
        accepted=accepted | {"work_order_id": uuid.uuid4(), "customer_ref": "C-7"},
    )
    assert named.customer_ref == "C-7"
