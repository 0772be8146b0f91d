"""Dispatch's unit of work and its repositories (work orders, technicians, the parts price
list copied from billing's fee schedule): on a database session for requests, handlers and
jobs, and in memory (``Fake…``) for unit tests of the use cases."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from services.dispatch.models import FeeSchedule, PartPrice, Technician, WorkOrder
from services.dispatch.repositories.qualifications import (
    FakeQualifications,
    Qualifications,
    SqlQualifications,
)
from services.dispatch.repositories.technicians import (
    FakeTechnicians,
    SqlTechnicians,
    Technicians,
)
from services.dispatch.repositories.work_orders import FakeWorkOrders, SqlWorkOrders, WorkOrders
from shared import price_book
from shared.clock import Clock
from shared.config import Settings
from shared.events import EventCatalog
from shared.notices.staging import NoticeBook
from shared.price_book import FakePriceBook, PriceBook, Schedule
from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork

if TYPE_CHECKING:
    from shared.calendar import CalendarBook

__all__ = [
    "DispatchUnitOfWork",
    "FakeDispatchUnitOfWork",
    "PriceBook",
    "Qualifications",
    "Schedule",
    "SqlDispatchUnitOfWork",
    "Technicians",
    "WorkOrders",
]


# The customer's notices: templates in services/dispatch/notices, and the events that cause
# one; the reminder and "on the way" are staged by their use cases.
NOTICE_BOOK = NoticeBook(
    templates=Path(__file__).resolve().parent.parent / "notices",
    on_events={
        "repair.scheduled": "appointment_confirmed",
        "repair.completed": "repair_completed",
    },
)


class DispatchUnitOfWork(UnitOfWork):
    """What dispatch's use cases are given: the transaction and its repositories."""

    notice_book = NOTICE_BOOK
    work_orders: WorkOrders
    technicians: Technicians
    prices: PriceBook
    qualifications: Qualifications


class SqlPartPrices(price_book.SqlPriceBook):
    """The parts price list of each fee-schedule version billing published."""

    head, prices, key = FeeSchedule, PartPrice, "part_no"


class SqlDispatchUnitOfWork(SqlUnitOfWork, DispatchUnitOfWork):
    """Dispatch's unit of work on a database session (web requests, handlers, jobs)."""

    def _open_repositories(self) -> None:
        self.work_orders = SqlWorkOrders(self)
        self.technicians = SqlTechnicians(self)
        self.prices = SqlPartPrices(self.session)
        self.qualifications = SqlQualifications(self)


class FakeDispatchUnitOfWork(FakeUnitOfWork, DispatchUnitOfWork):
    """Dispatch's unit of work in memory, optionally with technicians, work orders and fee
    schedules."""

    def __init__(
        self,
        catalog: EventCatalog,
        *,
        clock: Clock,
        settings: Settings | None = None,
        calendars: CalendarBook | None = None,
        technicians: Iterable[Technician] = (),
        work_orders: Iterable[WorkOrder] = (),
        schedules: Iterable[Schedule] = (),
    ) -> None:
        self._seed = (list(technicians), list(work_orders))
        self._schedules = list(schedules)
        super().__init__(catalog, clock=clock, settings=settings, calendars=calendars)

    def _open_repositories(self) -> None:
        technicians, work_orders = self._seed
        self.work_orders = fake_work_orders = FakeWorkOrders(self, work_orders)
        self.qualifications = fake_qualifications = FakeQualifications()
        self.technicians = FakeTechnicians(
            self, fake_work_orders, technicians, qualifications=fake_qualifications
        )
        self.prices = FakePriceBook(self._schedules)
