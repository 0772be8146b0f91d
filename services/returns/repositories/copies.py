"""Returns's copies of billing's fee schedules (the kit's price book on returns's tables) and
intake's ticket customers, on SQL and in memory. Writes are idempotent (a schedule version is
recorded once; a ticket's customer is the latest one told), so a redelivered event changes
nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from typing import Any

from services.returns.models import FeeSchedule, ScheduledPrice, TicketCustomer
from shared import price_book
from shared.db import replace
from shared.price_book import FakePriceBook, Price, PriceBook, Schedule
from shared.unit_of_work import SqlUnitOfWork

__all__ = [
    "Customers",
    "FakeCustomers",
    "FakePriceBook",
    "Price",
    "PriceBook",
    "Schedule",
    "SqlCustomers",
    "SqlPriceBook",
]


class Customers(ABC):
    """The customer of each ticket, as intake told it."""

    @abstractmethod
    def remember(self, ticket_id: uuid.UUID, name: str, phone: str | None, at: dt.datetime) -> None:
        """Keep (or update) a ticket's customer."""

    @abstractmethod
    def of_ticket(self, ticket_id: uuid.UUID) -> tuple[str, str | None] | None:
        """A ticket's customer name and phone, if known."""


class SqlPriceBook(price_book.SqlPriceBook):
    """Returns prices paid replacements: the price of each product model."""

    head, prices, key = FeeSchedule, ScheduledPrice, "model"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow.session)


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


class FakeCustomers(Customers):
    def __init__(self) -> None:
        self.known: dict[uuid.UUID, tuple[str, str | None]] = {}

    def remember(self, ticket_id: uuid.UUID, name: str, phone: str | None, at: dt.datetime) -> None:
        self.known[ticket_id] = (name, phone)

    def of_ticket(self, ticket_id: uuid.UUID) -> tuple[str, str | None] | None:
        return self.known.get(ticket_id)
