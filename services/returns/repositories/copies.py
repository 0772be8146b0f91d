"""Returns's copies of billing's fee schedules and intake's ticket customers, on SQL and in
memory. Writes are idempotent (a schedule version is recorded once; a ticket's customer is
the latest one told), so a redelivered event changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.returns.models import FeeSchedule, ScheduledPrice, TicketCustomer
from shared.db import insert_ignoring_conflicts, replace
from shared.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True)
class Price:
    """A model's price in the fee schedule in force."""

    amount: Decimal
    currency: str
    schedule_version: int


@dataclass(frozen=True)
class Schedule:
    """A fee-schedule version as returns keeps it."""

    version: int
    effective_from: dt.datetime
    currency: str
    prices: dict[str, Decimal]


class PriceBook(ABC):
    """Fee-schedule versions, and the price in force for a model."""

    @abstractmethod
    def record(self, schedule: Schedule, *, at: dt.datetime) -> None:
        """Keep a schedule version (once: a version is never rewritten)."""

    @abstractmethod
    def price_in_force(self, model: str, *, at: dt.datetime) -> Price | None:
        """The model's price in the schedule in force at ``at`` (effective by then, highest
        version); None when that schedule has no price for it, or none is in force."""


class Customers(ABC):
    """The customer of each ticket, as intake told it."""

    @abstractmethod
    def remember(self, ticket_id: uuid.UUID, name: str, phone: str | None, at: dt.datetime) -> None:
        """Keep (or update) a ticket's customer."""

    @abstractmethod
    def of_ticket(self, ticket_id: uuid.UUID) -> tuple[str, str | None] | None:
        """A ticket's customer name and phone, if known."""


class SqlPriceBook(PriceBook):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.session = uow.session

    def record(self, schedule: Schedule, *, at: dt.datetime) -> None:
        head = {
            "schedule_version": schedule.version,
            "effective_from": schedule.effective_from,
            "currency": schedule.currency,
            "recorded_at": at,
        }
        table: Any = FeeSchedule.__table__
        statement = insert_ignoring_conflicts(self.session, table, ["schedule_version"])
        inserted: Any = self.session.execute(statement, head)
        if inserted.rowcount == 0:
            return  # this version is already kept
        rows = [
            {"schedule_version": schedule.version, "model": model, "price": price}
            for model, price in schedule.prices.items()
        ]
        prices: Any = ScheduledPrice.__table__
        replace(self.session, prices, ["schedule_version", "model"], rows)

    def price_in_force(self, model: str, *, at: dt.datetime) -> Price | None:
        in_force = self.session.scalars(
            select(FeeSchedule)
            .where(FeeSchedule.effective_from <= at)
            .order_by(FeeSchedule.schedule_version.desc())
            .limit(1)
        ).first()
        if in_force is None:
            return None
        price = self.session.get(ScheduledPrice, (in_force.schedule_version, model))
        if price is None:
            return None
        return Price(price.price, in_force.currency, in_force.schedule_version)


class SqlCustomers(Customers):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.session = uow.session

    def remember(self, ticket_id: uuid.UUID, name: str, phone: str | None, at: dt.datetime) -> None:
        row = {"ticket_id": ticket_id, "customer_name": name, "customer_phone": phone}
        table: Any = TicketCustomer.__table__
        replace(self.session, table, ["ticket_id"], [row | {"recorded_at": at}])

    def of_ticket(self, ticket_id: uuid.UUID) -> tuple[str, str | None] | None:
        found = self.session.get(TicketCustomer, ticket_id)
        return (found.customer_name, found.customer_phone) if found is not None else None


class FakePriceBook(PriceBook):
    def __init__(self, schedules: list[Schedule] | None = None) -> None:
        self.schedules: dict[int, Schedule] = {s.version: s for s in schedules or []}

    def record(self, schedule: Schedule, *, at: dt.datetime) -> None:
        self.schedules.setdefault(schedule.version, schedule)

    def price_in_force(self, model: str, *, at: dt.datetime) -> Price | None:
        effective = [s for s in self.schedules.values() if s.effective_from <= at]
        if not effective:
            return None
        in_force = max(effective, key=lambda s: s.version)
        amount = in_force.prices.get(model)
        if amount is None:
            return None
        return Price(amount, in_force.currency, in_force.version)


class FakeCustomers(Customers):
    def __init__(self) -> None:
        self.known: dict[uuid.UUID, tuple[str, str | None]] = {}

    def remember(self, ticket_id: uuid.UUID, name: str, phone: str | None, at: dt.datetime) -> None:
        self.known[ticket_id] = (name, phone)

    def of_ticket(self, ticket_id: uuid.UUID) -> tuple[str, str | None] | None:
        return self.known.get(ticket_id)
