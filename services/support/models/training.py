"""A customer training session: the aggregate that goes requested → scheduled → held (or
cancelled), recording ``training.requested``, ``training.scheduled``, ``training.held`` and
``training.cancelled``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.support import domain
from services.support.models.base import Base
from shared.db import UTCDateTime
from shared.domain import Aggregate


class TrainingSession(Base, Aggregate):
    """One training session for one or more customers."""

    __tablename__ = "training_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region: Mapped[str] = mapped_column(String(50), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    origin: Mapped[str] = mapped_column(String(20))
    product_model: Mapped[str] = mapped_column(String(100), index=True)
    topics: Mapped[list[str]] = mapped_column(JSON)
    customers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    site_address: Mapped[str | None] = mapped_column(Text)
    preferred_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    trainer_id: Mapped[str | None] = mapped_column(String(100), index=True)
    trainer_name: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Each attendee: person_id, name, customer; once held also attended, rating, comment.
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    scheduled_by: Mapped[str | None] = mapped_column(String(200))
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    held_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    held_recorded_by: Mapped[str | None] = mapped_column(String(200))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(200))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=0)

    def event_identity(self) -> dict[str, Any]:
        return {
            "session_id": self.id,
            "kind": self.kind,
            "product_model": self.product_model,
            "topics": list(self.topics),
        }

    def _trainer(self) -> dict[str, Any]:
        return {"trainer_id": self.trainer_id, "trainer_name": self.trainer_name}

    def announce(self) -> None:
        """Record ``training.requested``: what dispatch needs to book an on-site visit."""
        first = self.customers[0]
        self.record(
            "training.requested",
            self._trainer()
            | {
                "origin": self.origin,
                "customer_name": first["name"],
                "customer_ref": first.get("ref"),
                "customers": [c["name"] for c in self.customers],
                "contact_name": self.contact_name,
                "contact_phone": self.contact_phone,
                "site_address": self.site_address,
                "preferred_time": self.preferred_time,
                "requested_by": self.requested_by,
                "requested_at": self.requested_at,
            },
        )

    def schedule(self, plan: dict[str, Any], *, by: str, at: dt.datetime) -> None:
        """Trainer, time, place or link, attendees and materials (``training.scheduled``)."""
        domain.require_step(self.status, "schedule")
        self.trainer_id, self.trainer_name = plan["trainer"]["id"], plan["trainer"]["name"]
        self.starts_at, self.ends_at = plan["starts_at"], plan["ends_at"]
        self.place, self.link = plan.get("place") or self.site_address, plan.get("link")
        self.attendees = [dict(a) for a in plan["attendees"]]
        if "materials" in plan:
            self.materials = [dict(m) for m in plan["materials"]]
        self.status, self.scheduled_by, self.scheduled_at = domain.SCHEDULED, by, at
        self.record(
            "training.scheduled",
            self._trainer()
            | {
                "starts_at": self.starts_at,
                "ends_at": self.ends_at,
                "place": self.place,
                "link": self.link,
                "site_address": self.site_address,
                "customers": [c["name"] for c in self.customers],
                "attendees_count": len(self.attendees),
                "scheduled_at": at,
            },
        )

    def hold(self, attendance: list[dict[str, Any]], *, held_at: dt.datetime, by: str) -> None:
        """Attendance and each attendee's feedback (``training.held``)."""
        domain.require_step(self.status, "hold")
        by_person = {str(e["person_id"]).strip().casefold(): e for e in attendance}
        marked = []
        for attendee in self.attendees:
            entry = by_person[str(attendee["person_id"]).strip().casefold()]
            marked.append(
                attendee
                | {
                    "attended": entry["attended"],
                    "rating": entry.get("rating"),
                    "comment": entry.get("comment"),
                }
            )
        self.attendees = marked
        self.status, self.held_at, self.held_recorded_by = domain.HELD, held_at, by
        ratings = [a["rating"] for a in marked if a["rating"] is not None]
        self.record(
            "training.held",
            self._trainer()
            | {
                "attendees_count": len(marked),
                "attended_count": sum(1 for a in marked if a["attended"]),
                "attendee_ids": sorted(
                    str(a["person_id"]).strip() for a in marked if a["attended"]
                ),
                "feedback": domain.feedback_summary(ratings),
                "starts_at": self.starts_at,
                "held_at": held_at,
            },
        )

    def cancel(self, reason: str, *, by: str, at: dt.datetime) -> None:
        """Call the session off (``training.cancelled``): dispatch drops its visit."""
        domain.require_step(self.status, "cancel")
        self.status, self.cancelled_at, self.cancelled_by = domain.CANCELLED, at, by
        self.cancel_reason = reason
        self.record(
            "training.cancelled",
            self._trainer() | {"reason": reason, "cancelled_at": at},
        )
