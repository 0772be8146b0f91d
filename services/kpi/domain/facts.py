"""What kpi keeps of each visit, work order, ticket, complaint and rating.

Every field is merged by a rule that gives the same state whatever order the events come in
and however often each one comes (the earliest of, the latest of, the smallest of...), so
judging the state (``definitions``) gives the same numbers live, shuffled, duplicated or
rebuilt from the archive. ``applied`` is what the entity last added to the aggregates, so a
change of judgement is applied as a difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from services.kpi.domain.adherence import MaintenanceFacts
from services.kpi.domain.channels import ConsultationFacts, TrainingFacts

T = TypeVar("T")


def earliest(current: T | None, candidate: T | None) -> T | None:
    """The smaller of two values, ignoring a missing one."""
    if current is None:
        return candidate
    if candidate is None:
        return current
    return candidate if candidate < current else current  # type: ignore[operator]


def latest(current: T | None, candidate: T | None) -> T | None:
    """The larger of two values, ignoring a missing one."""
    if current is None:
        return candidate
    if candidate is None:
        return current
    return candidate if candidate > current else current  # type: ignore[operator]


def _rank(*values: Any) -> tuple[Any, ...]:
    """A sortable tuple in which a missing value sorts first."""
    return tuple((v is not None, v if v is not None else "") for v in values)


@dataclass
class VisitFacts:
    """One visit (work order and visit number): its check-in and its missed windows."""

    work_order_id: str
    visit_number: int
    region: str
    kind: str | None = None
    arrived_at: dt.datetime | None = None
    arrival_deadline: dt.datetime | None = None
    arrival_technician_id: str | None = None
    missed_window_end: dt.datetime | None = None
    missed_technician_id: str | None = None
    applied: str = "[]"

    def add_region(self, region: str, kind: str | None) -> None:
        self.region = min(self.region, region)
        self.kind = earliest(self.kind, kind)

    def add_arrival(self, arrived_at: dt.datetime, deadline: dt.datetime, technician: str) -> None:
        """A check-in (the earliest one counts, should there be two)."""
        current = _rank(self.arrived_at, self.arrival_deadline, self.arrival_technician_id)
        if self.arrived_at is None or _rank(arrived_at, deadline, technician) < current:
            self.arrived_at, self.arrival_deadline = arrived_at, deadline
            self.arrival_technician_id = technician

    def add_miss(self, window_end: dt.datetime, technician: str) -> None:
        """A window that ended with no check-in (the earliest one counts)."""
        current = _rank(self.missed_window_end, self.missed_technician_id)
        if self.missed_window_end is None or _rank(window_end, technician) < current:
            self.missed_window_end, self.missed_technician_id = window_end, technician


@dataclass
class WorkOrderFacts:
    """One work order: opening, repair records, final outcome, link to its ticket."""

    work_order_id: str
    region: str
    kind: str | None = None
    ticket_id: str | None = None
    opened_at: dt.datetime | None = None
    opened_technician_id: str | None = None
    repeat_of: str | None = None
    first_repair_visit: int | None = None
    accepted_at: dt.datetime | None = None
    accepted_visit: int | None = None
    accepted_technician_id: str | None = None
    escalated_at: dt.datetime | None = None
    escalated_technician_id: str | None = None
    completed_at: dt.datetime | None = None
    completed_visit: int | None = None
    completed_technician_id: str | None = None
    completed_result: str | None = None
    completed_month: str | None = None
    ticket_created_at: dt.datetime | None = None
    applied: str = "[]"

    def add_visit_event(self, region: str, kind: str | None, ticket_id: str | None) -> None:
        """What every visit event says of its work order."""
        self.region = min(self.region, region)
        self.kind = earliest(self.kind, kind)
        self.ticket_id = earliest(self.ticket_id, ticket_id)

    def add_schedule(
        self, scheduled_at: dt.datetime, technician: str, repeat_of: str | None
    ) -> None:
        """A visit booked: the earliest booking opens the work order."""
        current = _rank(self.opened_at, self.opened_technician_id)
        if self.opened_at is None or _rank(scheduled_at, technician) < current:
            self.opened_at, self.opened_technician_id = scheduled_at, technician
        self.repeat_of = earliest(self.repeat_of, repeat_of)

    def add_repair_record(self, visit_number: int) -> None:
        """A visit with a repair record (completed, rejected or accepted)."""
        self.first_repair_visit = earliest(self.first_repair_visit, visit_number)

    def add_completion(
        self, finished_at: dt.datetime, visit_number: int, technician: str, result: str
    ) -> None:
        """A repair record; the latest one is the work order's completion."""
        candidate = _rank(finished_at, visit_number, technician, result)
        current = _rank(
            self.completed_at,
            self.completed_visit,
            self.completed_technician_id,
            self.completed_result,
        )
        if self.completed_at is None or candidate > current:
            self.completed_at, self.completed_visit = finished_at, visit_number
            self.completed_technician_id, self.completed_result = technician, result
        self.add_repair_record(visit_number)

    def add_acceptance(
        self, accepted_at: dt.datetime, visit_number: int, technician: str, repeat_of: str | None
    ) -> None:
        current = _rank(self.accepted_at, self.accepted_visit, self.accepted_technician_id)
        if self.accepted_at is None or _rank(accepted_at, visit_number, technician) < current:
            self.accepted_at, self.accepted_visit = accepted_at, visit_number
            self.accepted_technician_id = technician
        self.repeat_of = earliest(self.repeat_of, repeat_of)
        self.add_repair_record(visit_number)

    def add_escalation(self, escalated_at: dt.datetime, technician: str) -> None:
        current = _rank(self.escalated_at, self.escalated_technician_id)
        if self.escalated_at is None or _rank(escalated_at, technician) < current:
            self.escalated_at, self.escalated_technician_id = escalated_at, technician

    def add_ticket_created(self, created_at: dt.datetime | None) -> None:
        self.ticket_created_at = earliest(self.ticket_created_at, created_at)


@dataclass
class TicketFacts:
    """One ticket: when it was reported, its first-response deadline and response, closing."""

    ticket_id: str
    region: str
    created: bool = False
    created_at: dt.datetime | None = None
    first_response_due_at: dt.datetime | None = None
    first_response_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    awaiting_response_due: dt.datetime | None = None
    awaiting_month: str | None = None
    applied: str = "[]"

    def add_region(self, region: str) -> None:
        self.region = min(self.region, region)

    def add_created(self, reported_at: dt.datetime, due_at: dt.datetime) -> None:
        self.created = True
        self.add_created_at(reported_at)
        self.add_due(due_at)

    def add_created_at(self, created_at: dt.datetime) -> None:
        self.created_at = earliest(self.created_at, created_at)

    def add_due(self, due_at: dt.datetime | None) -> None:
        self.first_response_due_at = earliest(self.first_response_due_at, due_at)

    def add_response(self, responded_at: dt.datetime) -> None:
        """An assessment or a resolution: the earliest is the first response."""
        self.first_response_at = earliest(self.first_response_at, responded_at)

    def add_closing(self, closed_at: dt.datetime) -> None:
        self.closed_at = earliest(self.closed_at, closed_at)


@dataclass
class ComplaintFacts:
    """One complaint: its original deadline, resolutions, reopenings and final closing."""

    complaint_id: str
    region: str
    deadline_at: dt.datetime | None = None
    last_resolved_round: int | None = None
    last_resolved_at: dt.datetime | None = None
    last_reopened_round: int | None = None
    closed_at: dt.datetime | None = None
    final_resolved_at: dt.datetime | None = None
    overdue_at: dt.datetime | None = None
    overdue_month: str | None = None
    applied: str = "[]"

    def add_deadline(self, region: str, deadline_at: dt.datetime) -> None:
        """Every complaint event carries the deadline it is judged by: set at filing, never
        reset by a reopening, moved later only by time spent waiting on the complainant. So
        the latest one carried is the one that holds, whatever order the events come in."""
        self.region = min(self.region, region)
        self.deadline_at = latest(self.deadline_at, deadline_at)

    def add_resolution(self, resolution_round: int, resolved_at: dt.datetime) -> None:
        current = _rank(self.last_resolved_round, self.last_resolved_at)
        if self.last_resolved_round is None or _rank(resolution_round, resolved_at) > current:
            self.last_resolved_round, self.last_resolved_at = resolution_round, resolved_at

    def add_reopening(self, resolution_round: int) -> None:
        self.last_reopened_round = latest(self.last_reopened_round, resolution_round)

    def add_closing(
        self, resolution_round: int, resolved_at: dt.datetime, closed_at: dt.datetime
    ) -> None:
        """The final resolution; should there be two closings, the latest counts."""
        self.add_resolution(resolution_round, resolved_at)
        current = _rank(self.closed_at, self.final_resolved_at)
        if self.closed_at is None or _rank(closed_at, resolved_at) > current:
            self.closed_at, self.final_resolved_at = closed_at, resolved_at


@dataclass
class RatingFacts:
    """One rating: of a visit's work (source ``repair``), a follow-up call, or a complaint's
    resolution round (``complaint``, with whether the complainant was satisfied)."""

    rating_key: str
    source: str
    region: str
    technician_id: str = ""
    score: int = 0
    satisfied: bool | None = None
    rated_at: dt.datetime | None = None
    applied: str = "[]"

    def add_rating(
        self,
        region: str,
        score: int,
        rated_at: dt.datetime,
        technician: str | None = None,
        satisfied: bool | None = None,
    ) -> None:
        """A rating (one per key; should a key be rated twice, the latest counts)."""
        self.region = min(self.region, region)
        candidate = _rank(rated_at, score, technician or "", satisfied)
        current = _rank(self.rated_at, self.score, self.technician_id, self.satisfied)
        if self.rated_at is None or candidate > current:
            self.score, self.rated_at = score, rated_at
            self.technician_id, self.satisfied = technician or "", satisfied


Facts = (
    VisitFacts
    | WorkOrderFacts
    | TicketFacts
    | ComplaintFacts
    | RatingFacts
    | MaintenanceFacts
    | ConsultationFacts
    | TrainingFacts
)
