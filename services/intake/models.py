"""Intake's tables: tickets (customer reports and consultations)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), index=True)
    priority: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(50), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    customer_email: Mapped[str | None] = mapped_column(String(200))
    product_model: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str | None] = mapped_column(String(100), index=True)
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    installation_date: Mapped[dt.date | None] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(Text)
    usage_environment: Mapped[str | None] = mapped_column(String(200))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    # Per-aggregate sequence carried on every event of this ticket.
    version: Mapped[int] = mapped_column(Integer, default=1)
