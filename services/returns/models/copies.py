"""Returns's copies of other services' facts, each written by a handler from an event:
billing's fee schedules (the price of a paid replacement) and the customer of each ticket
intake sent to dispatch (a request opened by an escalation names its customer)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.returns.models.base import MONEY, Base
from shared.db import UTCDateTime


class FeeSchedule(Base):
    """A version of billing's fee schedule, in force from ``effective_from``."""

    __tablename__ = "fee_schedules"

    schedule_version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ScheduledPrice(Base):
    """The price of a replacement unit of one model in one fee-schedule version."""

    __tablename__ = "fee_schedule_prices"

    schedule_version: Mapped[int] = mapped_column(
        ForeignKey("fee_schedules.schedule_version"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    price: Mapped[Decimal] = mapped_column(MONEY)


class TicketCustomer(Base):
    """The customer of a ticket whose solution was accepted (from intake's event)."""

    __tablename__ = "ticket_customers"

    ticket_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
