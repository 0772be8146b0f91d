"""Intake's unit of work: tickets (SQL and in memory), the warranty policy and the
consultation response policy."""

from __future__ import annotations

import functools
from abc import abstractmethod
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.intake.domain import Policy, ResponsePolicy, WarrantyPolicy, response_policy
from services.intake.models import Ticket
from shared.unit_of_work import (
    FakeRepository,
    FakeUnitOfWork,
    SqlRepository,
    SqlUnitOfWork,
    UnitOfWork,
)

DEFAULT_POLICY_FILE = Path(__file__).with_name("warranty.yaml")
DEFAULT_RESPONSE_POLICY_FILE = Path(__file__).with_name("consultation.yaml")


@functools.lru_cache(maxsize=8)
def load_warranty_policy(path: str | None) -> WarrantyPolicy:
    """The default policy and the per-model ones (YAML; the shipped file when None)."""
    raw = yaml.safe_load(Path(path or DEFAULT_POLICY_FILE).read_text())
    models = {
        model: Policy(**{**raw["default"], **spec})
        for model, spec in (raw.get("models") or {}).items()
    }
    return WarrantyPolicy(default=Policy(**raw["default"]), models=models)


def load_response_policy(path: str | None) -> ResponsePolicy:
    """Business hours to answer a consultation (YAML; the shipped file when None), read
    again when the file changes."""
    file = Path(path or DEFAULT_RESPONSE_POLICY_FILE)
    return _parse_response_policy(str(file), file.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parse_response_policy(path: str, _mtime: int) -> ResponsePolicy:
    try:
        return response_policy(yaml.safe_load(Path(path).read_text()) or {})
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


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

    def response_policy(self) -> ResponsePolicy:
        """Business hours to answer a consultation (AFTERCARE_INTAKE_CONSULTATION_POLICY_FILE)."""
        return load_response_policy(self.option("consultation_policy_file", "") or None)


class SqlTickets(SqlRepository[Ticket], Tickets):
    model = Ticket

    # Rounds and timeline come with the ticket: every step reads them, and the response shows
    # them without a query after the commit.
    load_with = (
        selectinload(Ticket.assessments),
        selectinload(Ticket.timeline),
        selectinload(Ticket.consultation),
    )

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
