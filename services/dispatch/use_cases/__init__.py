"""Dispatch's use cases: each loads through the unit of work, asks the domain, lets the work
order record what happened, and commits."""

from __future__ import annotations

from services.dispatch.use_cases.opening import (
    open_maintenance_work_order,
    open_repair_work_order,
)
from services.dispatch.use_cases.parts import (
    agree_parts,
    allow_non_genuine_part,
    propose_parts,
    record_fee_schedule,
)
from services.dispatch.use_cases.qualifications import record_qualification
from services.dispatch.use_cases.reminders import REMINDER_BATCH, remind_tomorrows_visits
from services.dispatch.use_cases.scheduling import BATCH_SIZE, schedule_visit, sweep_missed_visits
from services.dispatch.use_cases.technicians import (
    choose_technician,
    register_technician,
    update_technician,
)
from services.dispatch.use_cases.training import (
    cancel_training_work_order,
    finish_training_visit,
    open_training_work_order,
    schedule_training_visit,
)
from services.dispatch.use_cases.visits import (
    answer_repair,
    check_in,
    complete_visit,
    record_follow_up,
    set_off,
)

__all__ = [
    "BATCH_SIZE",
    "REMINDER_BATCH",
    "agree_parts",
    "allow_non_genuine_part",
    "answer_repair",
    "cancel_training_work_order",
    "check_in",
    "choose_technician",
    "complete_visit",
    "finish_training_visit",
    "open_maintenance_work_order",
    "open_repair_work_order",
    "open_training_work_order",
    "propose_parts",
    "record_fee_schedule",
    "record_follow_up",
    "record_qualification",
    "register_technician",
    "remind_tomorrows_visits",
    "schedule_training_visit",
    "schedule_visit",
    "set_off",
    "sweep_missed_visits",
    "update_technician",
]
