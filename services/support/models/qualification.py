"""A qualification record: one training or exam of one person in one skill
(``qualification.recorded``)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.support.models.base import Base
from shared.db import UTCDateTime
from shared.domain import Aggregate


class QualificationRecord(Base, Aggregate):
    """A training or exam taken: its course, date, score, pass and validity."""

    __tablename__ = "qualification_records"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(String(100), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(50), index=True)
    skill: Mapped[str] = mapped_column(String(100), index=True)
    course: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    taken_on: Mapped[dt.date] = mapped_column(Date, index=True)
    score: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=0)

    def announce(self) -> None:
        """Record ``qualification.recorded``."""
        self.record(
            "qualification.recorded",
            {
                "record_id": self.id,
                "person_id": self.person_id,
                "person_name": self.person_name,
                "skill": self.skill,
                "course": self.course,
                "kind": self.kind,
                "taken_on": self.taken_on,
                "score": self.score,
                "passed": self.passed,
                "valid_until": self.valid_until,
                "recorded_at": self.recorded_at,
            },
        )
