"""A maintenance plan on an asset: what to do, how often, and where its schedule stands;
and the occurrences the scheduler has claimed (each announced exactly once)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.maintenance.domain import (
    NOTICE,
    VISIT,
    PlanSpec,
    check_schedule,
    first_cycle,
    next_anchor,
    occurrence,
)
from services.maintenance.models.assets import Asset
from services.maintenance.models.base import HOURS, Base
from shared.db import UTCDateTime
from shared.domain import Aggregate
from shared.notices.recipient import Recipient

ACTIVE = "active"


class Plan(Base, Aggregate):
    """A plan's schedule runs ``anchor + cycle * interval``; ``last_visit_due`` is the last
    occurrence handed to dispatch, which a later edit or record never announces again."""

    __tablename__ = "plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"), index=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    interval_months: Mapped[int] = mapped_column(Integer)
    notice_days: Mapped[int] = mapped_column(Integer)
    tasks: Mapped[list[str]] = mapped_column(JSON)
    method: Mapped[str] = mapped_column(Text)
    team: Mapped[str] = mapped_column(String(200))
    required_skill: Mapped[str | None] = mapped_column(String(100))
    estimated_hours: Mapped[Decimal] = mapped_column(HOURS)
    # The fields the plan sets itself rather than taking from the defaults file.
    overrides: Mapped[list[str]] = mapped_column(JSON)
    anchor_date: Mapped[dt.date] = mapped_column(Date)
    cycle: Mapped[int] = mapped_column(Integer)
    next_due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    notified_due: Mapped[dt.date | None] = mapped_column(Date)
    last_visit_due: Mapped[dt.date | None] = mapped_column(Date)
    # The announced occurrence no record has answered yet (what the next record fulfils).
    open_due: Mapped[dt.date | None] = mapped_column(Date)
    # When the scheduler next has something to do for this plan (none while paused).
    next_run_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)
    asset: Mapped[Asset] = relationship(lazy="joined", innerjoin=True)

    def event_identity(self) -> dict[str, Any]:
        """Every maintenance event names the plan and the product it is for."""
        return {
            "plan_id": self.id,
            "serial_no": self.asset.serial_no,
            "product_model": self.asset.product_model,
            "customer_name": self.asset.customer_name,
            "customer_phone": self.asset.customer_phone,
            "customer_email": self.asset.customer_email,
            "customer_language": self.asset.customer_language,
        }

    def notice_recipient(self) -> Recipient | None:
        """The asset's customer, who is told of each occurrence's visit."""
        asset = self.asset
        return Recipient(
            name=asset.customer_name or "",
            email=asset.customer_email,
            phone=asset.customer_phone,
            language=asset.customer_language,
        )

    def notice_details(self) -> dict[str, Any]:
        """Where the visit goes, and whom to ask there."""
        return {"site_address": self.asset.site_address, "contact_name": self.asset.contact_name}

    @property
    def spec(self) -> PlanSpec:
        return PlanSpec(
            interval_months=self.interval_months,
            notice_days=self.notice_days,
            tasks=tuple(self.tasks),
            method=self.method,
            team=self.team,
            required_skill=self.required_skill,
            estimated_hours=self.estimated_hours,
        )

    @property
    def notice_on(self) -> dt.date:
        return self.next_due_date - dt.timedelta(days=self.notice_days)

    def apply(self, spec: PlanSpec) -> None:
        """Take a spec's values (checked: a possible schedule)."""
        check_schedule(spec.interval_months, spec.notice_days)
        self.interval_months, self.notice_days = spec.interval_months, spec.notice_days
        self.tasks, self.method, self.team = list(spec.tasks), spec.method, spec.team
        self.required_skill, self.estimated_hours = spec.required_skill, spec.estimated_hours

    def start(self, anchor: dt.date, *, today: dt.date, minimum: int = 1) -> None:
        """Run from ``anchor`` (due itself when ``minimum`` is 0), starting with the first
        occurrence not already past."""
        self.anchor_date = anchor
        self.cycle = first_cycle(anchor, self.interval_months, today, minimum)
        self._refresh()

    def edit(self, spec: PlanSpec, *, today: dt.date, at: dt.datetime) -> None:
        """A changed plan: occurrences already announced stay, future ones move."""
        self.apply(spec)
        if self.last_visit_due is not None and self.last_visit_due >= self.anchor_date:
            self.anchor_date, self.cycle = self.last_visit_due, 1
            self._refresh()
        else:
            self.start(self.anchor_date, today=today, minimum=min(self.cycle, 1))
        self.updated_at = at

    def set_status(self, status: str, *, today: dt.date, at: dt.datetime) -> None:
        """Pause, or resume from the next occurrence not already past."""
        if status != self.status:
            self.status = status
            if status == ACTIVE:
                self.start(self.last_visit_due or self.anchor_date, today=today)
            self._refresh()
        self.updated_at = at

    def visited(self, on: dt.date, *, at: dt.datetime) -> None:
        """A visit was done: the next due date counts from it (never re-announcing an
        occurrence already handed to dispatch)."""
        self.anchor_date = next_anchor(on, self.last_visit_due or on)
        self.cycle, self.open_due = 1, None
        self._refresh()
        self.updated_at = at

    def pending(self, today: dt.date) -> str | None:
        """What the scheduler owes this plan today: the notice, the visit, or nothing. A
        notice whose due date has already come is skipped (the visit is what matters)."""
        if self.status != ACTIVE:
            return None
        due = self.next_due_date
        if self.notified_due != due and self.notice_on <= today < due:
            return NOTICE
        return VISIT if due <= today else None

    def announce(self, kind: str, *, claimed: bool) -> dt.date:
        """Record the notice or the visit of the next occurrence (when this transaction
        claimed it) and move on; returns the occurrence's due date."""
        due = self.next_due_date
        if kind == NOTICE:
            if claimed:
                self.record("maintenance.due", self._notice(due))
            self.notified_due = due
        else:
            if claimed:
                self.record("maintenance.visit_due", self._visit(due))
            self.last_visit_due, self.open_due, self.cycle = due, due, self.cycle + 1
        self._refresh()
        return due

    def _notice(self, due: dt.date) -> dict[str, Any]:
        return {"due_date": due, "notice_date": self.notice_on, "tasks": list(self.tasks)}

    def _visit(self, due: dt.date) -> dict[str, Any]:
        return {
            "due_date": due,
            "tasks": list(self.tasks),
            "required_skill": self.required_skill,
            "estimated_hours": self.estimated_hours,
        }

    def _refresh(self) -> None:
        self.next_due_date = occurrence(self.anchor_date, self.cycle, self.interval_months)
        if self.status != ACTIVE:
            self.next_run_on = None
        elif self.notified_due != self.next_due_date and self.notice_on < self.next_due_date:
            self.next_run_on = self.notice_on
        else:
            self.next_run_on = self.next_due_date


class Occurrence(Base):
    """A notice or a visit of one plan's due date, claimed by the scheduler that announced
    it: the primary key is what makes two replicas (or a rerun) announce it once."""

    __tablename__ = "occurrences"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    region: Mapped[str] = mapped_column(String(50))
    announced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


KINDS = (NOTICE, VISIT)
