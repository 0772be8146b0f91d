"""Installed products by serial number, and each serial's service file."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.maintenance.models.base import Base
from shared.db import UTCDateTime
from shared.domain import Aggregate

DETAILS = (
    "product_model",
    "product_type",
    "customer_name",
    "customer_phone",
    "customer_email",
    "customer_language",
    "contact_name",
    "site_address",
    "environment",
    "installed_on",
)


class Asset(Base, Aggregate):
    """An installed product: registered by an agent, or first seen on a ticket or work order
    (then its details are completed by an agent before a plan can run on it)."""

    __tablename__ = "assets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    serial_no: Mapped[str] = mapped_column(String(100), unique=True)
    product_model: Mapped[str] = mapped_column(String(100))
    product_type: Mapped[str] = mapped_column(String(30))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    # Where and in which language (zh-CN, en) the customer's maintenance notices go.
    customer_email: Mapped[str | None] = mapped_column(String(200))
    customer_language: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    site_address: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(50), index=True)
    environment: Mapped[str | None] = mapped_column(String(30))
    installed_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))
    # A replaced product keeps its history and points to the product that replaced it.
    successor_serial_no: Mapped[str | None] = mapped_column(String(100))
    predecessor_serial_no: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    @property
    def complete(self) -> bool:
        """Known well enough to plan visits for: a customer to tell, a date to count from."""
        return bool(self.customer_name) and self.installed_on is not None

    def change(self, changes: dict[str, Any], *, at: dt.datetime) -> None:
        """Complete or correct the asset's details."""
        for name in DETAILS:
            if name in changes:
                setattr(self, name, changes[name])
        self.updated_at = at

    def replaced_by(self, new_serial_no: str, *, at: dt.datetime) -> None:
        """The product was replaced: its file points to the successor."""
        self.successor_serial_no = new_serial_no
        self.updated_at = at


class ServiceFileEntry(Base):
    """One event in a product's life (ticket, repair, maintenance, replacement, return),
    kept once per event id. Ticket events after the first name only the ticket: they join
    the file of the serial the ticket's first event named, whatever order they arrived in."""

    __tablename__ = "service_file"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    serial_no: Mapped[str | None] = mapped_column(String(100), index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column()
    category: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(50))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
