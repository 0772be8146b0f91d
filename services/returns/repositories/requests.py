"""Return requests, on SQL and in memory, with the same methods. A request is loaded for a
step with its row locked (``FOR NO KEY UPDATE`` on PostgreSQL; SQLite serialises writers),
so two clerks never ship one replacement or refund one product twice."""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod

from sqlalchemy import select

from services.returns.domain import UNKNOWN_CUSTOMER, is_open
from services.returns.models import ReturnRequest, still_open
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository


class ReturnRequests(ABC):
    """Where return requests are loaded from and added to."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> ReturnRequest | None: ...

    @abstractmethod
    def add(self, aggregate: ReturnRequest) -> ReturnRequest: ...

    def get_for_step(self, return_id: uuid.UUID, *, by: Principal) -> ReturnRequest:
        """The request, its row locked; 404 when unknown or outside the caller's region."""
        request = self.get(return_id, for_update=True)
        absent = f"no return {return_id}"
        if request is None:
            raise NotFound(absent)
        require_visible(by, request.region, absent)
        return request

    @abstractmethod
    def opened_by(self, source_event_id: str) -> ReturnRequest | None:
        """The request an event opened, if it was delivered before."""

    @abstractmethod
    def for_work_order(self, work_order_id: uuid.UUID) -> ReturnRequest | None:
        """The request an escalation of this work order opened, if any."""

    @abstractmethod
    def open_for_serial(self, serial_no: str) -> ReturnRequest | None:
        """A request for this serial number that has not ended yet."""

    @abstractmethod
    def without_customer(self, ticket_id: uuid.UUID) -> list[ReturnRequest]:
        """Requests of a ticket opened before returns knew the ticket's customer."""


class SqlReturnRequests(SqlRepository[ReturnRequest], ReturnRequests):
    model = ReturnRequest

    def opened_by(self, source_event_id: str) -> ReturnRequest | None:
        return self.first(
            select(ReturnRequest).where(ReturnRequest.source_event_id == source_event_id)
        )

    def for_work_order(self, work_order_id: uuid.UUID) -> ReturnRequest | None:
        return self.first(
            select(ReturnRequest).where(
                ReturnRequest.work_order_id == work_order_id,
                ReturnRequest.source == "escalation",
            )
        )

    def open_for_serial(self, serial_no: str) -> ReturnRequest | None:
        return self.first(
            select(ReturnRequest).where(ReturnRequest.serial_no == serial_no, still_open())
        )

    def without_customer(self, ticket_id: uuid.UUID) -> list[ReturnRequest]:
        query = select(ReturnRequest).where(
            ReturnRequest.ticket_id == ticket_id,
            ReturnRequest.customer_name == UNKNOWN_CUSTOMER,
        )
        return [self.uow.track(r) for r in self.session.scalars(query.with_for_update())]


class FakeReturnRequests(FakeRepository[ReturnRequest], ReturnRequests):
    def opened_by(self, source_event_id: str) -> ReturnRequest | None:
        return self.first(lambda r: r.source_event_id == source_event_id)

    def for_work_order(self, work_order_id: uuid.UUID) -> ReturnRequest | None:
        return self.first(lambda r: r.work_order_id == work_order_id and r.source == "escalation")

    def open_for_serial(self, serial_no: str) -> ReturnRequest | None:
        return self.first(lambda r: r.serial_no == serial_no and is_open(r.status, r.decision))

    def without_customer(self, ticket_id: uuid.UUID) -> list[ReturnRequest]:
        found = self.where(
            lambda r: r.ticket_id == ticket_id and r.customer_name == UNKNOWN_CUSTOMER
        )
        return [self.uow.track(r) for r in found]
