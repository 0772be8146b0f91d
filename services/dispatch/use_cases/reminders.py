"""The day-before reminder: each visit booked for tomorrow (the region's local day) gets one
notice, however often the job runs and from however many replicas."""

from __future__ import annotations

from services.dispatch.domain import next_local_day
from services.dispatch.repositories import DispatchUnitOfWork

# Reminders staged in one transaction.
REMINDER_BATCH = 100


def remind_tomorrows_visits(uow: DispatchUnitOfWork, *, batch_size: int = REMINDER_BATCH) -> int:
    """Stage the reminder of up to ``batch_size`` of tomorrow's visits, region by region;
    returns how many. A visit is claimed (``reminded_at``) in the same transaction, and a
    moved appointment is reminded again for its new day."""
    now = uow.clock.now()
    reminded = 0
    for region in uow.settings.regions:
        if reminded >= batch_size:
            break
        start, end = next_local_day(now, uow.calendar(region).tz)
        claimed = uow.work_orders.claim_reminders(
            region=region, start=start, end=end, at=now, limit=batch_size - reminded
        )
        for work_order, visit in claimed:
            uow.notices.add(
                "visit_reminder",
                key=f"{visit.id}:reminder:{visit.window_start.isoformat()}",
                to=work_order.notice_recipient(),
                region=region,
                context=visit.window() | work_order.notice_details(),
            )
            reminded += 1
    uow.commit()
    return reminded
