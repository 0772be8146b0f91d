"""A maintenance visit's record: each planned task done or not, findings, problems found
(a hazard among them), photos and documents by reference and checksum, the customer's
signature. The record is the aggregate that announces the visit and its problems."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.maintenance.domain import issue_priority
from services.maintenance.models.base import Base
from services.maintenance.models.plans import Plan
from shared.db import UTCDateTime
from shared.domain import Aggregate


class Record(Base, Aggregate):
    """What a technician found and did on a maintenance visit, signed by the customer."""

    __tablename__ = "records"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    serial_no: Mapped[str] = mapped_column(String(100), index=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column()
    # The announced occurrence this visit answers (none for a visit made before it was due).
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    visited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    technician: Mapped[str] = mapped_column(String(200))
    tasks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    findings: Mapped[str] = mapped_column(Text)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    customer_signature: Mapped[str] = mapped_column(Text)
    signed_by: Mapped[str] = mapped_column(String(200))
    next_due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer)
    plan: Mapped[Plan] = relationship(lazy="joined", innerjoin=True)

    def event_identity(self) -> dict[str, Any]:
        return self.plan.event_identity() | {"record_id": self.id}

    @property
    def tasks_done(self) -> list[str]:
        return [t["task"] for t in self.tasks if t["done"]]

    def announce(self, *, environment: str | None) -> None:
        """``maintenance.completed``, then one ``maintenance.issue_found`` per problem."""
        self.record(
            "maintenance.completed",
            {
                "work_order_id": self.work_order_id,
                "tasks_done": self.tasks_done,
                "findings": self.findings,
                "completed_at": self.visited_at,
                "due_date": self.due_date,
                "visited_on": self.visited_on,
                "next_due_date": self.next_due_date,
                "problems": len(self.problems),
            },
        )
        for number, problem in enumerate(self.problems, start=1):
            self.record(
                "maintenance.issue_found",
                {
                    "issue_no": number,
                    "description": problem["description"],
                    "environment": environment,
                    "found_at": self.visited_at,
                    "hazard": problem["hazard"],
                    "priority": issue_priority(problem["hazard"]),
                },
            )
