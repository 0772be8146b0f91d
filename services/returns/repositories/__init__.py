"""Returns's unit of work and its repositories (return requests, the fee-schedule price
book, ticket customers): on a database session for requests and handlers, and in memory
(``Fake…``) for unit tests of the use cases; plus returns's copy of the warranty policy."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from services.returns.domain import Policy, WarrantyPolicy
from services.returns.models import ReturnRequest
from services.returns.repositories.copies import (
    Customers,
    FakeCustomers,
    FakePriceBook,
    Price,
    PriceBook,
    Schedule,
    SqlCustomers,
    SqlPriceBook,
)
from services.returns.repositories.requests import (
    FakeReturnRequests,
    ReturnRequests,
    SqlReturnRequests,
)
from shared.clock import Clock
from shared.config import Settings
from shared.events import EventCatalog
from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork

if TYPE_CHECKING:
    from shared.calendar import CalendarBook

__all__ = [
    "Customers",
    "FakeReturnsUnitOfWork",
    "Price",
    "PriceBook",
    "ReturnRequests",
    "ReturnsUnitOfWork",
    "Schedule",
    "SqlReturnsUnitOfWork",
]

DEFAULT_POLICY_FILE = Path(__file__).parent.parent / "warranty.yaml"


@functools.lru_cache(maxsize=8)
def load_warranty_policy(path: str | None) -> WarrantyPolicy:
    """The default policy and the per-model ones (YAML; the shipped file when None)."""
    raw = yaml.safe_load(Path(path or DEFAULT_POLICY_FILE).read_text())
    models = {
        model: Policy(**{**raw["default"], **spec})
        for model, spec in (raw.get("models") or {}).items()
    }
    return WarrantyPolicy(default=Policy(**raw["default"]), models=models)


class ReturnsUnitOfWork(UnitOfWork):
    """What returns's use cases are given: the transaction and its repositories."""

    returns: ReturnRequests
    prices: PriceBook
    customers: Customers

    def warranty_policy(self) -> WarrantyPolicy:
        """Warranty months per model (AFTERCARE_RETURNS_WARRANTY_POLICY_FILE): returns's copy
        of intake's policy, which operations keep equal to intake's."""
        return load_warranty_policy(self.option("warranty_policy_file", "") or None)


class SqlReturnsUnitOfWork(SqlUnitOfWork, ReturnsUnitOfWork):
    """Returns's unit of work on a database session (web requests, handlers)."""

    def _open_repositories(self) -> None:
        self.returns = SqlReturnRequests(self)
        self.prices = SqlPriceBook(self)
        self.customers = SqlCustomers(self)


class FakeReturnsUnitOfWork(FakeUnitOfWork, ReturnsUnitOfWork):
    """Returns's unit of work in memory, optionally with requests and fee schedules."""

    def __init__(
        self,
        catalog: EventCatalog,
        *,
        clock: Clock,
        settings: Settings | None = None,
        calendars: CalendarBook | None = None,
        returns: Iterable[ReturnRequest] = (),
        schedules: Iterable[Schedule] = (),
    ) -> None:
        self._seed = (list(returns), list(schedules))
        super().__init__(catalog, clock=clock, settings=settings, calendars=calendars)

    def _open_repositories(self) -> None:
        returns, schedules = self._seed
        self.returns = FakeReturnRequests(self, returns)
        self.prices = FakePriceBook(schedules)
        self.customers = FakeCustomers()
