"""What a complaint is made of besides itself: evidence items, resolution rounds with the
complainant's feedback, corrective measures, pauses while waiting on the complainant, and its
timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.complaints.models.base import Base
from shared.db import BigIntPK, UTCDateTime


class Evidence(Base):
    """An evidence item: a reference to the document and its SHA-256, verified against the
    content when the content was uploaded with it."""

    __tablename__ = "complaint_evidence"
    __table_args__ = (UniqueConstraint("complaint_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    verified: Mapped[bool]
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    description: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Resolution(Base):
    """One resolution round: the measures taken and the reasons communicated, then the
    complainant's feedback on them."""

    __tablename__ = "complaint_resolutions"
    __table_args__ = (UniqueConstraint("complaint_id", "round"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    measures_taken: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text)
    communicated_via: Mapped[str] = mapped_column(String(20))
    resolved_by: Mapped[str] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    within_deadline: Mapped[bool]
    satisfied: Mapped[bool | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Measure(Base):
    """A corrective measure decided with a resolution: an owner, a due date, done or not."""

    __tablename__ = "complaint_measures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    round: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    done_by: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(Text)

    @property
    def status(self) -> str:
        return "done" if self.done_at is not None else "open"


class Pause(Base):
    """A stretch spent waiting on the complainant: the deadline's clock stood still."""

    __tablename__ = "complaint_pauses"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resumed_status: Mapped[str] = mapped_column(String(20))


class TimelineEntry(Base):
    """A step in a complaint's life, written with every change (routing with its reason)."""

    __tablename__ = "complaint_timeline"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
