"""Technicians: employees and partner workshops, each working in one region."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.dispatch.domain import skill_set
from services.dispatch.models.base import Base
from shared.db import UTCDateTime
from shared.domain import Aggregate


class Technician(Base, Aggregate):
    """An employee or a partner workshop that carries out visits in one region (an
    aggregate that records no events)."""

    __tablename__ = "technicians"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(50), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    phone: Mapped[str | None] = mapped_column(String(50))
    # The JWT ``sub`` of the technician's login: only they may check in on their visits.
    user_sub: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The ID on the badge the technician shows the customer on arrival (always set: issued
    # when none is given; the column admits NULL only so SQLite could add it in place).
    work_id: Mapped[str | None] = mapped_column(String(50), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    skill_rows: Mapped[list[TechnicianSkill]] = relationship(
        cascade="all, delete-orphan", order_by="TechnicianSkill.skill", lazy="selectin"
    )

    @property
    def skills(self) -> list[str]:
        return [row.skill for row in self.skill_rows]

    def set_skills(self, raw: Iterable[str]) -> None:
        """Replace the skills (normalised, each once)."""
        self.skill_rows = [TechnicianSkill(skill=s) for s in skill_set(raw)]

    def change(self, changes: dict[str, Any]) -> None:
        """Apply a partial change: name, active flag, phone, login, work ID, skills."""
        for name in ("name", "active", "phone", "user_sub", "work_id"):
            if name in changes:
                setattr(self, name, changes[name])
        if "skills" in changes:
            self.set_skills(changes["skills"])


class TechnicianSkill(Base):
    __tablename__ = "technician_skills"

    technician_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("technicians.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
