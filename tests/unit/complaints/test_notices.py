"""The complainant is told the expected handling time when the complaint is filed: once, in
their language, by email or else by text."""

from __future__ import annotations

from tests.unit.complaints.support import filed, make_uow


def test_an_english_complainant_gets_the_handling_time_by_email() -> None:
    uow = make_uow()
    person = {"name": "Ann Lee", "email": "ann@example.com", "language": "en"}
    complaint = filed(uow, complainant=person)
    (notice,) = uow.notices_of("complaint_received")
    ref = str(complaint.id)[:8]
    assert (notice.channel, notice.recipient, notice.language) == (
        "email",
        "ann@example.com",
        "en",
    )
    assert notice.subject == f"We have received your complaint {ref}: {complaint.subject}"
    assert complaint.handling_notice in notice.body
    assert "Expected answer by: 2026-11-05 10:30 (UTC+0800)" in notice.body
    (event,) = uow.published("complaint.filed")
    assert notice.dedupe_key == f"{event.id}:complaint_received"


def test_a_chinese_complainant_with_a_phone_gets_a_text_in_chinese() -> None:
    uow = make_uow()
    complaint = filed(uow)
    (notice,) = uow.notices_of()
    assert (notice.channel, notice.recipient, notice.language) == (
        "sms",
        "+86 138 0000 0000",
        "zh-CN",
    )
    assert notice.subject.startswith("我们已收到您的投诉")
    assert "预计答复时间：2026-11-05 10:30 (UTC+0800)" in notice.body
    assert complaint.handling_notice in notice.body
