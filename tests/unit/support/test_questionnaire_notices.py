"""The questionnaire an accepted repair calls for is sent by the customer notices: the
one-time link made in the same unit of work, in the customer's language, once per event,
and only in the notice's body."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest

from services.support.use_cases import answer_questionnaire, open_questionnaire_for_repair
from shared.errors import Conflict
from shared.links import link_digest
from tests.unit.support.factories import START, make_uow

BASE = "https://aftercare.example/questionnaires/answer"
LINK = re.compile(re.escape(BASE) + r"/([A-Za-z0-9_-]+)")


def accepted(**changes: Any) -> dict[str, Any]:
    """repair.accepted's payload as support's handler loads it."""
    body: dict[str, Any] = {
        "work_order_id": uuid.uuid4(),
        "ticket_id": uuid.UUID("7d1c1a52-5b1e-4a8e-9f77-1c2b3d4e5f60"),
        "technician_id": uuid.uuid4(),
        "customer_ref": None,
        "customer_name": "Emma Stone",
        "customer_email": "emma@example.com",
        "customer_phone": None,
        "customer_language": "en-GB",
    }
    return body | changes


def test_an_accepted_repair_sends_the_questionnaire_once_in_english_with_a_working_link() -> None:
    uow = make_uow(questionnaire_link_base=BASE, questionnaire_valid_days="14")
    payload = accepted()
    made = open_questionnaire_for_repair(uow, source_event_id="e1", region="east", accepted=payload)
    again = open_questionnaire_for_repair(
        uow, source_event_id="e1", region="east", accepted=payload
    )

    assert again is made and uow.commits == 1
    [notice] = uow.notices_of("questionnaire")
    assert (notice.channel, notice.recipient, notice.language) == (
        "email",
        "emma@example.com",
        "en",
    )
    assert notice.dedupe_key == "e1:questionnaire" and notice.region == "east"
    assert notice.subject == "How did we do? A short questionnaire about your repair"
    assert "Dear Emma Stone," in notice.body
    # the reference the form asks for, and the expiry in Shanghai time: 14 days after 10:00
    assert "7d1c1a52-5b1e-4a8e-9f77-1c2b3d4e5f60" in notice.body
    assert "2026-12-21 10:00 (UTC+0800)" in notice.body
    assert made.expires_at == START + dt.timedelta(days=14)
    match = LINK.search(notice.body)
    assert match is not None
    token = match.group(1)
    assert made.token_digest == link_digest(token)
    # the link is on no event: only the notice carries it
    assert token not in json.dumps([e.data for e in uow.published()], default=str)

    answer_questionnaire(
        uow,
        link=link_digest(token),
        answer_in={"customer_ref": str(payload["ticket_id"]), "rating": 4},
    )
    [answered] = uow.published("survey.answered")
    assert (answered.data["rating"], answered.data["source"]) == (4, "questionnaire")
    with pytest.raises(Conflict):
        answer_questionnaire(
            uow,
            link=link_digest(token),
            answer_in={"customer_ref": str(payload["ticket_id"]), "rating": 1},
        )


def test_a_later_event_about_the_same_work_order_sends_nothing_more() -> None:
    uow = make_uow()
    payload = accepted()
    open_questionnaire_for_repair(uow, source_event_id="e1", region="east", accepted=payload)
    open_questionnaire_for_repair(uow, source_event_id="e2", region="east", accepted=payload)
    assert [n.dedupe_key for n in uow.notices_of()] == ["e1:questionnaire"]


def test_chinese_is_the_default_and_a_phone_alone_gets_a_text() -> None:
    uow = make_uow()
    open_questionnaire_for_repair(
        uow,
        source_event_id="e1",
        region="east",
        accepted=accepted(
            customer_email=None,
            customer_phone="+86 138 0000 0001",
            customer_language=None,
            customer_name="李伟",
        ),
    )
    [notice] = uow.notices_of("questionnaire")
    assert (notice.channel, notice.recipient, notice.language) == (
        "sms",
        "+86 138 0000 0001",
        "zh-CN",
    )
    assert notice.subject == "满意度回访：请为本次维修服务评分"
    assert "尊敬的李伟：" in notice.body
    assert "http://127.0.0.1:8008/questionnaires/answer/" in notice.body


def test_no_email_and_no_phone_no_notice_and_no_link() -> None:
    uow = make_uow()
    made = open_questionnaire_for_repair(
        uow,
        source_event_id="e1",
        region="east",
        accepted=accepted(customer_email=None, customer_phone=None),
    )
    assert uow.notices_of() == [] and made.token_digest is None and made.expires_at is None
    assert len(uow.published("questionnaire.created")) == 1
