"""Fee-schedule versions, credit notes and the gap-free counters, on SQL and in memory.

A number is taken with one upsert that adds 1 to the counter row of (series, year, region)
and returns it: on PostgreSQL the row stays locked until the issuing transaction ends, so
concurrent issuers of one region and year queue on it (as ``SELECT ... FOR UPDATE`` would)
and a rollback gives the number back; SQLite serialises writers with ``BEGIN IMMEDIATE``.
Numbers are therefore distinct and gap-free however many invoices are issued at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import select

from services.billing.models import CreditNote, DocumentCounter, FeeSchedule
from shared.unit_of_work import FakeRepository, SqlRepository, SqlUnitOfWork


class Schedules(ABC):
    """Where fee-schedule versions are kept."""

    @abstractmethod
    def add(self, aggregate: FeeSchedule) -> FeeSchedule: ...

    @abstractmethod
    def in_force(self, at: dt.datetime) -> FeeSchedule | None:
        """The version in force at ``at``: the latest effective one, the last published on a
        tie."""

    @abstractmethod
    def latest(self) -> FeeSchedule | None:
        """The version with the latest effective date (the last published on a tie)."""


class SqlSchedules(SqlRepository[FeeSchedule], Schedules):
    model = FeeSchedule
    ORDER = (FeeSchedule.effective_from.desc(), FeeSchedule.number.desc())

    def in_force(self, at: dt.datetime) -> FeeSchedule | None:
        query = select(FeeSchedule).where(FeeSchedule.effective_from <= at)
        return self.first(query.order_by(*self.ORDER))

    def latest(self) -> FeeSchedule | None:
        return self.first(select(FeeSchedule).order_by(*self.ORDER))


class FakeSchedules(FakeRepository[FeeSchedule], Schedules):
    def _last(self, at: dt.datetime | None) -> FeeSchedule | None:
        found = [s for s in self.items.values() if at is None or s.effective_from <= at]
        last = max(found, key=lambda s: (s.effective_from, s.number), default=None)
        return self.uow.track(last) if last is not None else None

    def in_force(self, at: dt.datetime) -> FeeSchedule | None:
        return self._last(at)

    def latest(self) -> FeeSchedule | None:
        return self._last(None)


class CreditNotes(ABC):
    """Where credit notes are kept."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> CreditNote | None: ...

    @abstractmethod
    def add(self, aggregate: CreditNote) -> CreditNote: ...

    @abstractmethod
    def by_source(self, source_key: str) -> CreditNote | None:
        """The credit note a refund or an audit caused, if it was made before."""


class SqlCreditNotes(SqlRepository[CreditNote], CreditNotes):
    model = CreditNote

    def by_source(self, source_key: str) -> CreditNote | None:
        return self.first(select(CreditNote).where(CreditNote.source_key == source_key))


class FakeCreditNotes(FakeRepository[CreditNote], CreditNotes):
    def by_source(self, source_key: str) -> CreditNote | None:
        return self.first(lambda c: c.source_key == source_key)


class Counters(ABC):
    """Gap-free sequences per series, year and region."""

    @abstractmethod
    def next_number(self, series: str, year: int, region: str) -> int:
        """The next number of the sequence, taken inside the caller's transaction."""


class SqlCounters(Counters):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.session = uow.session

    def next_number(self, series: str, year: int, region: str) -> int:
        insert: Any
        if self.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = DocumentCounter.__table__
        statement = (
            insert(table)
            .values(series=series, year=year, region=region, last=1)
            .on_conflict_do_update(
                index_elements=["series", "year", "region"], set_={"last": table.c.last + 1}
            )
            .returning(table.c.last)
        )
        return int(self.session.execute(statement).scalar_one())


class FakeCounters(Counters):
    def __init__(self) -> None:
        self.last: dict[tuple[str, int, str], int] = {}

    def next_number(self, series: str, year: int, region: str) -> int:
        key = (series, year, region)
        self.last[key] = self.last.get(key, 0) + 1
        return self.last[key]
