"""The notices kit without I/O: languages, addresses, templates, backoff, staging."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from shared.clock import FixedClock
from shared.config import NoticeSettings
from shared.events import EventCatalog
from shared.notices.recipient import Recipient, language_of
from shared.notices.sender import retry_delay
from shared.notices.templates import render
from shared.notices.transports import email_message, message_id
from shared.unit_of_work import FakeUnitOfWork
from tests.notices_support import BOOK, TEMPLATES, WINDOW


@pytest.mark.parametrize(
    ("tag", "language"),
    [("en", "en"), ("en-GB", "en"), ("EN", "en"), ("zh-CN", "zh-CN"), ("zh", "zh-CN"),
     (None, "zh-CN"), ("", "zh-CN"), ("fr", "zh-CN")],
)  # fmt: skip
def test_language_of_a_customer(tag: str | None, language: str) -> None:
    assert language_of(tag) == language


def test_email_first_then_phone_then_nothing() -> None:
    assert Recipient("A", email="a@x.cn", phone="+86 1").address() == ("email", "a@x.cn")
    assert Recipient("A", phone="+86 1").address() == ("sms", "+86 1")
    assert Recipient("A").address() is None


def test_templates_render_subject_and_body_in_the_regions_time() -> None:
    context = {"name": "Ann", "window_start": WINDOW, "tz": "Asia/Shanghai", "ref": "R9"}
    subject, body = render(TEMPLATES, "visit_confirmed", "en", context)
    assert subject == "Visit confirmed for Ann"
    assert body == "Dear Ann, we will come on 2026-12-09 09:30 (UTC+0800).\nReference R9.\n"
    with pytest.raises(UndefinedError):
        render(TEMPLATES, "visit_confirmed", "en", {"name": "Ann", "tz": "UTC"})


@pytest.mark.parametrize("attempts", [1, 2, 3, 10, 30])
def test_backoff_doubles_with_jitter_up_to_a_cap(attempts: int) -> None:
    settings = NoticeSettings(retry_base_seconds=10, retry_max_seconds=300)
    ceiling = min(300, 10 * 2 ** (attempts - 1))
    assert retry_delay(attempts, settings, rand=0.0) == ceiling * 0.75
    assert retry_delay(attempts, settings, rand=1.0) == ceiling
    assert ceiling * 0.75 <= retry_delay(attempts, settings) <= ceiling


def test_the_message_id_is_the_notice_ids() -> None:
    class Row:
        id, recipient, subject, body, language = "n-1", "a@x.cn", "主题", "正文\n", "zh-CN"

    message = email_message(Row(), sender="s@x.cn", service="dispatch")
    assert (
        message["Message-ID"] == message_id("n-1", "dispatch") == "<notice-n-1@dispatch.aftercare>"
    )
    assert message["Content-Language"] == "zh-CN"
    assert message.get_content() == "正文\n"


class _Uow(FakeUnitOfWork):
    notice_book = BOOK


def _uow() -> _Uow:
    return _Uow(EventCatalog("test"), clock=FixedClock(WINDOW))


def _stage(uow: _Uow, key: str, to: Recipient) -> None:
    uow.notices.add(
        "visit_confirmed",
        key=key,
        to=to,
        region="east",
        context={"window_start": WINDOW, "ref": key},
    )


def test_a_notice_commits_with_the_change_and_once_per_key() -> None:
    uow = _uow()
    _stage(uow, "k1", Recipient("Ann", email="a@x.cn", language="en"))
    _stage(uow, "k1", Recipient("Ann", email="a@x.cn", language="en"))
    _stage(uow, "k2", Recipient("李", phone="+86 138"))
    assert uow.notices_of() == []  # nothing before the commit
    uow.commit()
    first, second = uow.notices_of()
    assert (first.dedupe_key, first.channel, first.language) == ("k1", "email", "en")
    assert (second.channel, second.recipient, second.language) == ("sms", "+86 138", "zh-CN")
    assert second.subject == "上门服务预约确认 李"


def test_a_rollback_drops_the_staged_notices() -> None:
    uow = _uow()
    _stage(uow, "k1", Recipient("Ann", email="a@x.cn"))
    uow.rollback()
    uow.commit()
    assert uow.notices_of() == []


def test_no_address_no_notice() -> None:
    uow = _uow()
    _stage(uow, "k1", Recipient("Ann"))
    uow.commit()
    assert uow.notices_of() == []
