"""The maintenance notice: each occurrence's notice date tells the asset's customer, once,
in their language, however often the scheduler runs."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.maintenance.support import make_uow, new_asset, new_plan, run_days


@pytest.mark.parametrize(("language", "subject", "line"), [
    ("en", "Maintenance due for your CP-400 on 2026-01-15",
     "Work planned: anode check, fastening, cleaning"),
    ("zh-CN", "您的 CP-400 将于 2026-01-15 进行定期维护", "维护内容：阳极检查、紧固、清洁"),
])  # fmt: skip
def test_each_occurrence_tells_the_customer_once_in_their_language(
    language: str, subject: str, line: str
) -> None:
    uow = make_uow()
    new_asset(uow, customer_email="ops@harbour.example", customer_language=language)
    new_plan(uow, interval_months=1, notice_days=7)
    run_days(uow, dt.date(2026, 2, 28), times=3)
    first, second = uow.notices_of("maintenance_due")
    assert (first.recipient, first.language, first.subject) == (
        "ops@harbour.example",
        language,
        subject,
    )
    assert line in first.body and "SN-1" in first.body
    assert "2026-02-15" in second.subject
    (event, _) = uow.published("maintenance.due")
    assert first.dedupe_key == f"{event.id}:maintenance_due"


def test_a_customer_with_a_phone_only_gets_a_text() -> None:
    uow = make_uow()
    new_asset(uow)
    new_plan(uow, interval_months=1, notice_days=7)
    run_days(uow, dt.date(2026, 1, 8))
    (notice,) = uow.notices_of("maintenance_due")
    assert notice.channel == "sms" and notice.language == "zh-CN"
