"""The customer's notices dispatch stages, on the fake unit of work: the appointment
confirmed (and moved), the day-before reminder once per appointment, the technician on the
way, the repair completed with its record, each in the customer's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.dispatch.use_cases import (
    allow_non_genuine_part,
    check_in,
    complete_visit,
    remind_tomorrows_visits,
    schedule_visit,
    set_off,
)
from shared.errors import Conflict, Forbidden
from tests.unit.dispatch.support import (
    ADMIN,
    AGENT,
    COVERED_ANODE,
    HOUR,
    START,
    arrival,
    as_technician,
    clock_of,
    make_uow,
    repair,
    repair_record,
    technician,
    window,
)

EN = {"customer_email": "ann@example.com", "customer_language": "en", "customer_name": "Ann"}
ZH = {"customer_email": "li@example.cn", "customer_language": "zh-CN"}
# START is 16:00 in Shanghai on Monday 2 November: tomorrow there is 3 November.
TOMORROW_10 = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def _booked(contact: dict[str, Any], start: dt.datetime = START + HOUR, **changes: Any) -> Any:
    dong = technician("Dong")
    work_order = repair(site_address="No. 8 Harbour Road", **contact, **changes)
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))
    booking = window(start, technician_id=dong.id)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    return uow, work_order, dong


def test_the_appointment_is_confirmed_in_english_in_the_regions_time() -> None:
    uow, _, _ = _booked(EN, TOMORROW_10)
    (notice,) = uow.notices_of("appointment_confirmed")
    assert (notice.channel, notice.recipient, notice.language) == ("email", "ann@example.com", "en")
    assert notice.subject == "Your service visit is confirmed: 2026-11-03 10:00 (UTC+0800)"
    assert "Time: 2026-11-03 10:00 (UTC+0800) to 12:00" in notice.body
    assert "Address: No. 8 Harbour Road" in notice.body
    assert "Dear Ann," in notice.body
    (event,) = uow.published("repair.scheduled")
    assert notice.dedupe_key == f"{event.id}:appointment_confirmed"


def test_a_move_the_customer_asked_for_is_confirmed_again_in_chinese() -> None:
    uow, work_order, dong = _booked(ZH, TOMORROW_10)
    moved = window(TOMORROW_10 + HOUR, technician_id=dong.id, by_customer=True)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=moved, by=AGENT)
    first, second = uow.notices_of("appointment_confirmed")
    assert first.subject == "您的上门服务预约已确认：2026-11-03 10:00 (UTC+0800)"
    assert second.subject == "您的上门服务时间已调整：2026-11-03 11:00 (UTC+0800)"
    assert "按照您的要求" in second.body and second.language == "zh-CN"


def test_without_email_a_text_goes_to_the_phone_and_without_either_nothing() -> None:
    uow, _, _ = _booked({"customer_phone": "+86 138 0000 0000"})
    (notice,) = uow.notices_of()
    assert (notice.channel, notice.recipient) == ("sms", "+86 138 0000 0000")
    uow, _, _ = _booked({})
    assert uow.notices_of() == []


def test_the_technician_on_the_way_once_per_appointment() -> None:
    uow, work_order, dong = _booked(EN)
    expected = START + dt.timedelta(minutes=40)
    departure = {"expected_at": expected}
    set_off(uow, work_order_id=work_order.id, departure_in=departure, by=as_technician(dong))
    (notice,) = uow.notices_of("technician_on_the_way")
    assert notice.subject == "Our technician Dong is on the way"
    assert "expects to arrive around 2026-11-02 16:40 (UTC+0800)" in notice.body
    assert work_order.current_visit.departed_at == START
    with pytest.raises(Conflict):
        set_off(uow, work_order_id=work_order.id, departure_in={}, by=as_technician(dong))
    assert len(uow.notices_of("technician_on_the_way")) == 1


def test_only_the_assigned_technician_sets_off() -> None:
    uow, work_order, _ = _booked(EN)
    uow.technicians.add(bai := technician("Bai"))
    with pytest.raises(Forbidden):
        set_off(uow, work_order_id=work_order.id, departure_in={}, by=as_technician(bai))
    assert uow.notices_of("technician_on_the_way") == []


@pytest.mark.parametrize(("contact", "subject", "lines"), [
    (EN, "Your repair is complete (CP-400)",
     ["Work performed: replaced anode, touched up coating", "- CP-400-ANODE x 1",
      "- SEALANT-7 x 2 (non-genuine)", "Labour hours: 1.50", "Result: fixed",
      "Warranty: in_warranty, parts covered, labour covered"]),
    (ZH, "维修已完成（CP-400）",
     ["维修内容：replaced anode, touched up coating", "- CP-400-ANODE × 1",
      "- SEALANT-7 × 2（非原厂配件）", "工时：1.50 小时", "结果：已修复"]),
])  # fmt: skip
def test_the_repair_completed_notice_carries_the_record(
    contact: dict[str, Any], subject: str, lines: list[str]
) -> None:
    uow, work_order, dong = _booked(contact)
    clock_of(uow).advance(hours=1.5)
    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))
    clock_of(uow).advance(hours=1)
    sealant = {**COVERED_ANODE, "part_no": "SEALANT-7", "quantity": 2, "genuine": False}
    approval = {"part_no": "SEALANT-7", "reason": "the genuine sealant is out of stock"}
    allow_non_genuine_part(uow, work_order_id=work_order.id, approval_in=approval, by=ADMIN)
    now = clock_of(uow).now()
    record = repair_record(now - HOUR, now, parts=(COVERED_ANODE, sealant))
    complete_visit(uow, work_order_id=work_order.id, record_in=record, by=as_technician(dong))
    (notice,) = uow.notices_of("repair_completed")
    assert notice.subject == subject
    for line in lines:
        assert line in notice.body


@pytest.mark.parametrize(("contact", "subject"), [
    (EN, "Reminder: our technician visits you tomorrow, 2026-11-03 10:00 (UTC+0800)"),
    (ZH, "提醒：技术人员将于明天 2026-11-03 10:00 (UTC+0800) 上门服务"),
])  # fmt: skip
def test_tomorrows_visit_is_reminded_once(contact: dict[str, Any], subject: str) -> None:
    uow, work_order, _ = _booked(contact, TOMORROW_10)
    assert remind_tomorrows_visits(uow) == 1
    assert remind_tomorrows_visits(uow) == 0
    (notice,) = uow.notices_of("visit_reminder")
    assert notice.subject == subject
    assert work_order.current_visit.reminded_at == START


def test_no_reminder_for_today_or_the_day_after_tomorrow_until_its_eve() -> None:
    uow, work_order, dong = _booked(EN, START + HOUR)  # today, 17:00 in Shanghai
    assert remind_tomorrows_visits(uow) == 0
    later = window(TOMORROW_10 + 24 * HOUR, technician_id=dong.id, by_customer=True)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=later, by=AGENT)
    assert remind_tomorrows_visits(uow) == 0
    clock_of(uow).advance(hours=24)
    assert remind_tomorrows_visits(uow) == 1


def test_a_reminded_visit_moved_to_another_day_is_reminded_for_that_day() -> None:
    uow, work_order, dong = _booked(EN, TOMORROW_10)
    remind_tomorrows_visits(uow)
    moved = window(TOMORROW_10 + 2 * HOUR, technician_id=dong.id, by_customer=True)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=moved, by=AGENT)
    assert remind_tomorrows_visits(uow) == 1
    first, second = uow.notices_of("visit_reminder")
    assert "10:00" in first.subject and "12:00" in second.subject
