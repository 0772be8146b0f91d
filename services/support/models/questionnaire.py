"""A satisfaction questionnaire about a completed job, answered once through a one-time link
(``questionnaire.created``, ``survey.answered``). Only the link token's digest is kept."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.support import domain
from services.support.models.base import Base
from shared.db import UTCDateTime
from shared.domain import Aggregate
from shared.errors import NotFound


class Questionnaire(Base, Aggregate):
    """The short form one customer is asked to fill in about one work order."""

    __tablename__ = "questionnaires"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region: Mapped[str] = mapped_column(String(50), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str] = mapped_column(String(20))
    # The repair.accepted event that created it: redelivery never creates a second one.
    source_event_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column()
    technician_id: Mapped[str | None] = mapped_column(String(100), index=True)
    customer_ref: Mapped[str] = mapped_column(String(200))
    token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    remarks: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=0)

    @property
    def issued_link(self) -> str | None:
        """The link made in this unit of work (never stored): shown once, to whom asked."""
        link: str | None = getattr(self, "_issued_link", None)
        return link

    def event_identity(self) -> dict[str, Any]:
        return {
            "questionnaire_id": self.id,
            "work_order_id": self.work_order_id,
            "technician_id": self.technician_id,
        }

    def announce(self) -> None:
        """Record ``questionnaire.created``."""
        self.record(
            "questionnaire.created",
            {
                "ticket_id": self.ticket_id,
                "customer_ref": self.customer_ref,
                "source": self.source,
                "created_at": self.created_at,
            },
        )

    def issue_link(self, *, digest: str, link: str, at: dt.datetime, valid_days: int) -> None:
        """A new one-time link (any earlier one stops working), valid for ``valid_days``."""
        domain.require_unanswered(self.status)
        self.token_digest, self._issued_link = digest, link
        self.link_issued_at, self.expires_at = at, at + dt.timedelta(days=valid_days)

    def answer(
        self, *, customer_ref: str, rating: int, remarks: str | None, at: dt.datetime
    ) -> None:
        """The customer's answer through the link (``survey.answered``)."""
        if self.expires_at is None:  # never sent: no link can reach it
            raise NotFound("no such link")
        domain.require_answerable(self.status, self.expires_at, at)
        domain.require_customer(self.customer_ref, customer_ref)
        self.status, self.rating, self.remarks = domain.ANSWERED, rating, remarks
        self.answered_at = at
        self.record(
            "survey.answered",
            {"source": "questionnaire", "rating": rating, "answered_at": at},
        )
