"""The questionnaire an accepted repair calls for, sent by support's notices on SQLite and
PostgreSQL to a real SMTP server: the email arrives once, in the customer's language, and
the link in it answers the questionnaire once; the link is on no event, in no inbox or
idempotency record; a customer with no email and no phone is sent nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from services.support.models import Questionnaire
from tests.helpers import Mailbox, smtp_server
from tests.integration.support_service import LINK_BASE, Support, make_support
from tests.notices_support import send_notices

LINK = re.compile(re.escape(LINK_BASE) + r"/([A-Za-z0-9_-]{43})")


@pytest.fixture
def s(database_url: str) -> Iterator[Support]:
    support = make_support(database_url)
    yield support
    support.rt.db.dispose()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _stored_text(s: Support) -> str:
    """Everything support keeps besides the notices: questionnaires, outbox, inbox, keys."""
    with s.rt.db.session() as session:
        rows = [
            session.execute(text(f"SELECT * FROM {table}")).all()
            for table in ("questionnaires", "outbox", "inbox", "idempotency_keys")
        ]
    return str(rows)


def test_the_emailed_link_answers_the_questionnaire_once(s: Support, mailbox: Mailbox) -> None:
    ticket = uuid.uuid4()
    contact = {"customer_email": "emma@example.com", "customer_language": "en"}
    event = s.repair_accepted(work_order_id=uuid.uuid4(), ticket_id=ticket, **contact)
    s.deliver(event)
    s.deliver(event)  # redelivered: nothing more
    assert send_notices(s.rt, s.clock, mailbox.url) == 1
    assert send_notices(s.rt, s.clock, mailbox.url) == 0
    (message,) = mailbox.to("emma@example.com")
    assert message["Subject"] == "How did we do? A short questionnaire about your repair"
    assert message["Content-Language"] == "en"
    body = message.get_content()
    assert "Dear Li Wei," in body and str(ticket) in body
    assert "2026-12-21 10:00 (UTC+0800)" in body  # 14 days from Monday 10:00 in Shanghai
    match = LINK.search(body)
    assert match is not None, body
    token = match.group(1)
    assert token not in _stored_text(s)
    with s.rt.db.session() as session:
        stored = session.scalars(select(Questionnaire)).one()
    assert stored.expires_at is not None and stored.token_digest is not None

    path = f"/questionnaires/answer/{token}"
    assert s.client.get(path).status_code == 200
    answer = {"customer_ref": str(ticket), "rating": 3, "remarks": "fine"}
    answered = s.client.post(path, json=answer)
    assert answered.status_code == 204, answered.get_json()
    again = s.client.post(path, json=answer | {"rating": 5})
    assert again.status_code == 409 and "token" in again.get_json()["errors"]
    [survey] = s.events("survey.answered")
    assert (survey["data"]["rating"], survey["data"]["source"]) == (3, "questionnaire")


def test_chinese_by_default_and_nothing_without_a_way_to_reach_the_customer(
    s: Support, mailbox: Mailbox
) -> None:
    s.deliver(s.repair_accepted(work_order_id=uuid.uuid4(), customer_language=None))
    nobody = {"customer_email": None, "customer_phone": None}
    s.deliver(s.repair_accepted(work_order_id=uuid.uuid4(), **nobody))
    assert send_notices(s.rt, s.clock, mailbox.url) == 1
    (message,) = mailbox.to("li.wei@example.com")
    assert message["Subject"] == "满意度回访：请为本次维修服务评分"
    assert "尊敬的Li Wei：" in message.get_content()
    assert len(s.events("questionnaire.created")) == 2
