"""Intake's unit of work: tickets (SQL and in memory) and the warranty policy."""

from __future__ import annotations

import functools
from abc import abstractmethod
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.intake.domain import Policy, WarrantyPolicy
from services.intake.models import Ticket
from shared.unit_of_work import (
    FakeRepository,
    FakeUnitOfWork,
    SqlRepository,
    SqlUnitOfWork,
    UnitOfWork,
)

DEFAULT_POLICY_FILE = Path(__file__).with_name("warranty.yaml")


@functools.lru_cache(maxsize=8)
def load_warranty_policy(path: str | None) -> WarrantyPolicy:
    """The default policy and the per-model ones (YAML; the shipped file when None)."""
    raw = yaml.safe_load(Path(path or DEFAULT_POLICY_FILE).read_text())
    models = {
        model: Policy(**{**raw["default"], **spec})
        for model, spec in (raw.get("models") or {}).items()
    }
    return WarrantyPolicy(default=Policy(**raw["default"]), models=models)


class Tickets:
    """Where tickets are kept."""

    @abstractmethod
    def get(self, id_: object, *, for_update: bool = False) -> Ticket | None:
        """A ticket with its rounds and timeline; ``for_update`` locks it."""

    @abstractmethod
    def add(self, ticket: Ticket) -> Ticket:
        """A new ticket."""

    @abstractmethod
    def by_source_event(self, event_id: str) -> Ticket | None:
        """The ticket an event opened, if one did."""


class IntakeUnitOfWork(UnitOfWork):
    """What intake's use cases are given."""

    tickets: Tickets

    def warranty_policy(self) -> WarrantyPolicy:
        """Warranty months per model (AFTERCARE_INTAKE_WARRANTY_POLICY_FILE)."""
        return load_warranty_policy(self.option("warranty_policy_file", "") or None)


class SqlTickets(SqlRepository[Ticket], Tickets):
    model = Ticket

    # Rounds and timeline come with the ticket: every step reads them, and the response shows
    # them without a query after the commit.
    load_with = (selectinload(Ticket.assessments), selectinload(Ticket.timeline))

    def by_source_event(self, event_id: str) -> Ticket | None:
        return self.first(select(Ticket).where(Ticket.source_event_id == event_id))


class SqlIntakeUnitOfWork(SqlUnitOfWork, IntakeUnitOfWork):
    def _open_repositories(self) -> None:
        self.tickets = SqlTickets(self)


class FakeTickets(FakeRepository[Ticket], Tickets):
    def by_source_event(self, event_id: str) -> Ticket | None:
        return self.first(lambda t: t.source_event_id == event_id)


class FakeIntakeUnitOfWork(FakeUnitOfWork, IntakeUnitOfWork):
    def _open_repositories(self) -> None:
        self.tickets = FakeTickets(self)
