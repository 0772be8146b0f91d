"""A service's own copy of a versioned price list another service publishes (billing's fee
schedule): each version is kept once, and the price in force at a moment is the one of the
highest version effective by then. On SQL and in memory, with the same methods.

The kit holds the mechanism; the service owns its two tables (a version's head and its
prices, keyed by whatever it prices: a product model, a part number) and names them here::

    class SqlPriceBook(price_book.SqlPriceBook):
        head, prices, key = FeeSchedule, PartPrice, "part_no"

Writes are idempotent (a version is never rewritten), so a redelivered event changes nothing.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import insert_ignoring_conflicts, replace


@dataclass(frozen=True)
class Price:
    """An item's price in the version in force."""

    amount: Decimal
    currency: str
    schedule_version: int


@dataclass(frozen=True)
class Schedule:
    """A price-list version as a consumer keeps it: the price of each item (its key)."""

    version: int
    effective_from: dt.datetime
    currency: str
    prices: dict[str, Decimal]


class PriceBook(ABC):
    """Price-list versions, and the price in force for an item."""

    @abstractmethod
    def record(self, schedule: Schedule, *, at: dt.datetime) -> None:
        """Keep a version (once: a version is never rewritten)."""

    @abstractmethod
    def price_in_force(self, key: str, *, at: dt.datetime) -> Price | None:
        """The item's price in the version in force at ``at`` (effective by then, highest
        version); None when that version has no price for it, or none is in force."""

    def prices_in_force(self, keys: Iterable[str], *, at: dt.datetime) -> dict[str, Price]:
        """The prices in force of the items that have one (the others are left out)."""
        found = {key: self.price_in_force(key, at=at) for key in set(keys)}
        return {key: price for key, price in found.items() if price is not None}


class SqlPriceBook(PriceBook):
    """On the service's tables: ``head`` (schedule_version, effective_from, currency,
    recorded_at) and ``prices`` (schedule_version, <key>, price)."""

    head: ClassVar[Any]
    prices: ClassVar[Any]
    key: ClassVar[str]

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, schedule: Schedule, *, at: dt.datetime) -> None:
        row = {
            "schedule_version": schedule.version,
            "effective_from": schedule.effective_from,
            "currency": schedule.currency,
            "recorded_at": at,
        }
        head = self.head.__table__
        statement = insert_ignoring_conflicts(self.session, head, ["schedule_version"])
        inserted: Any = self.session.execute(statement, row)
        if inserted.rowcount == 0:
            return  # this version is already kept
        rows = [
            {"schedule_version": schedule.version, self.key: key, "price": price}
            for key, price in schedule.prices.items()
        ]
        replace(self.session, self.prices.__table__, ["schedule_version", self.key], rows)

    def price_in_force(self, key: str, *, at: dt.datetime) -> Price | None:
        in_force = self.session.scalars(
            select(self.head)
            .where(self.head.effective_from <= at)
            .order_by(self.head.schedule_version.desc())
            .limit(1)
        ).first()
        if in_force is None:
            return None
        price = self.session.get(self.prices, (in_force.schedule_version, key))
        if price is None:
            return None
        return Price(price.price, in_force.currency, in_force.schedule_version)


class FakePriceBook(PriceBook):
    """In memory, for unit tests of use cases."""

    def __init__(self, schedules: Iterable[Schedule] = ()) -> None:
        self.schedules: dict[int, Schedule] = {s.version: s for s in schedules}

    def record(self, schedule: Schedule, *, at: dt.datetime) -> None:
        self.schedules.setdefault(schedule.version, schedule)

    def price_in_force(self, key: str, *, at: dt.datetime) -> Price | None:
        effective = [s for s in self.schedules.values() if s.effective_from <= at]
        if not effective:
            return None
        in_force = max(effective, key=lambda s: s.version)
        amount = in_force.prices.get(key)
        if amount is None:
            return None
        return Price(amount, in_force.currency, in_force.version)
