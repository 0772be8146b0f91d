"""Dispatch's copy of support's staff qualifications: per person and skill, the latest
passing record (``domain.qualifications`` says which is latest)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from services.dispatch.models.base import Base
from shared.db import UTCDateTime


class Qualification(Base):
    """A person's current qualification in a skill: the latest passing record's validity."""

    __tablename__ = "qualifications"

    # Support's person id: a technician's login (user_sub) or work ID.
    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    skill: Mapped[str] = mapped_column(String(100), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36))
    course: Mapped[str | None] = mapped_column(String(200))
    taken_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
