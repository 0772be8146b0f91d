"""The KPI definitions: how a fact is judged, and which month, region and technician it
counts for. Pure functions of the facts; each definition carries a version, and a changed
definition is recomputed over the past with ``aftercare kpi-rebuild``.

A fact belongs to the calendar month, in its region's time zone, of the moment that decides
it (SPEC, kpi). What each definition counts:

- repair_timeliness: visits on time / visits judged. A visit is judged once: by a missed
  window (late, in the month the window ended) unless the technician had checked in by that
  window's end; otherwise by its check-in, on time when at or before the end of the window it
  is judged by (dispatch's ``deadline``: the customer's rescheduled window, else the earliest
  promised; the window's end when absent), in the month of the arrival. A missed window is
  not undone by a later arrival. Repair and maintenance visits alike.
- first_time_fix: repair work orders accepted on the first visit with a repair record (an
  earlier missed visit is not a repair attempt) / repair work orders with a final outcome,
  accepted or escalated (the earlier one, should there be both), in the month of the outcome.
- csat: acceptance ratings of 4 or 5 / acceptance ratings, with their mean; an acceptance
  rating is the 1-5 the customer gives when accepting or rejecting a visit's repair.
- complaint_timeliness: complaints whose final resolution came by the original deadline /
  complaints closed, plus complaints still open past their deadline with no resolution made
  in time standing (those count, unresolved, in the month of the deadline, until closed).
- complaint_satisfaction: satisfied feedback / feedback on complaint resolutions (a reopening
  is unsatisfied feedback, a closing says whether the complainant was satisfied), with the
  mean rating, in the month of the feedback.
- mean_time_to_repair: ticket reported -> repair accepted, for repairs whose ticket kpi knows,
  in the month of the acceptance (whole seconds).
- first_response_compliance: tickets whose first response (assessment or resolution) came
  by the first-response deadline / tickets answered or past that deadline; on time in the
  month of the response, late in the month of the deadline.
- open_backlog: open tickets (reported, not closed) and open work orders (no final outcome),
  per region, now.
- repeat_visits: repair work orders flagged as a repeat of an accepted repair / repair work
  orders opened (first visit booked), in the month of the opening.
- followup_satisfaction: follow-up calls rating 4 or 5 / follow-up calls, with the mean.
- maintenance_adherence: maintenance visits done / due, in the month of the due date, with
  those done on time (``domain/adherence.py``).
- consultation_timeliness, training_attendance, csat_by_source: ``domain/channels.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from services.kpi.domain.adherence import MAINTENANCE as MAINTENANCE  # (due, done, on time)
from services.kpi.domain.adherence import MaintenanceFacts, judge_occurrence
from services.kpi.domain.channels import (
    CONSULTATION_CSAT,
    QUESTIONNAIRE_CSAT,
    ConsultationFacts,
    TrainingFacts,
    judge_consultation,
    judge_training,
)
from services.kpi.domain.contributions import (  # noqa: F401 (read as definitions.*)
    Amount,
    Contributions,
    Key,
    MonthOf,
    difference,
    dump_contributions,
    load_contributions,
)
from services.kpi.domain.facts import (
    ComplaintFacts,
    Facts,
    RatingFacts,
    TicketFacts,
    VisitFacts,
    WorkOrderFacts,
)

KPI_DEFINITIONS: dict[str, int] = {
    "csat": 1,
    "repair_timeliness": 1,
    "first_time_fix": 1,
    # v2: judged against the latest deadline carried (waiting on the complainant extends it).
    "complaint_timeliness": 2,
    "complaint_satisfaction": 1,
    "mean_time_to_repair": 1,
    "first_response_compliance": 1,
    "open_backlog": 1,
    "repeat_visits": 1,
    "followup_satisfaction": 1,
    "maintenance_adherence": 1,
    "consultation_timeliness": 1,
    "training_attendance": 1,
    "csat_by_source": 1,
}

# Aggregate rows: per (month, region, technician), a count, the hits among them and a total.
VISITS, WORK_ORDERS, CSAT, FOLLOWUP = "visits", "work_orders", "csat", "followup"
COMPLAINTS, COMPLAINT_FEEDBACK = "complaints", "complaint_feedback"
REPAIR_TIME, FIRST_RESPONSE, REPEAT_VISITS = "repair_time", "first_response", "repeat_visits"
# All-time counters per region and label (Prometheus counters).
VISITS_TOTAL, WORK_ORDERS_CLOSED = "visits", "work_orders_closed"
RATINGS, COMPLAINTS_CLOSED = "ratings", "complaints_closed"
RATING_SOURCES = ("repair", "followup", "complaint", "questionnaire", "consultation")
# The monthly measure of each rating source but complaints (those are COMPLAINT_FEEDBACK).
RATING_MEASURES = {"questionnaire": QUESTIONNAIRE_CSAT, "consultation": CONSULTATION_CSAT}
SCORES = (1, 2, 3, 4, 5)
SERVICES = ("intake", "dispatch")
NO_TECHNICIAN = ""


def flag(value: bool) -> str:
    return "true" if value else "false"


def rating_label(source: str, score: int) -> str:
    return f"{source}|{score}"


class _Sheet:
    """Collects one entity's contributions."""

    def __init__(self, month_of: MonthOf, region: str) -> None:
        self.month_of, self.region = month_of, region
        self.items: Contributions = {}

    def monthly(
        self,
        measure: str,
        at: dt.datetime,
        technician: str | None,
        *,
        hit: bool = False,
        total: int = 0,
    ) -> None:
        key = ("m", self.month_of(at, self.region), self.region, technician or "", measure)
        self._add(key, (1, int(hit), total))

    def counter(self, name: str, label: str) -> None:
        self._add(("c", name, self.region, label), (1, 0, 0))

    def backlog(self, service: str) -> None:
        self._add(("b", service, self.region), (1, 0, 0))

    def _add(self, key: Key, amount: Amount) -> None:
        count, hits, total = self.items.get(key, (0, 0, 0))
        self.items[key] = (count + amount[0], hits + amount[1], total + amount[2])


def judge_visit(visit: VisitFacts, month_of: MonthOf) -> Contributions:
    """repair_timeliness v1."""
    sheet = _Sheet(month_of, visit.region)
    missed, arrived = visit.missed_window_end, visit.arrived_at
    if missed is not None and (arrived is None or arrived > missed):
        sheet.monthly(VISITS, missed, visit.missed_technician_id, hit=False)
        sheet.counter(VISITS_TOTAL, flag(False))
    elif arrived is not None and visit.arrival_deadline is not None:
        on_time = arrived <= visit.arrival_deadline
        sheet.monthly(VISITS, arrived, visit.arrival_technician_id, hit=on_time)
        sheet.counter(VISITS_TOTAL, flag(on_time))
    return sheet.items


def final_outcome(order: WorkOrderFacts) -> tuple[str, dt.datetime, str | None] | None:
    """("accepted" | "escalated", when, technician), the earlier when there are both."""
    outcomes = []
    if order.escalated_at is not None:
        outcomes.append((order.escalated_at, 0, "escalated", order.escalated_technician_id))
    if order.accepted_at is not None:
        outcomes.append((order.accepted_at, 1, "accepted", order.accepted_technician_id))
    if not outcomes:
        return None
    at, _, outcome, technician = min(outcomes, key=lambda o: (o[0], o[1]))
    return outcome, at, technician


def judge_work_order(order: WorkOrderFacts, month_of: MonthOf) -> Contributions:
    """first_time_fix, mean_time_to_repair, repeat_visits and the dispatch backlog, v1."""
    sheet = _Sheet(month_of, order.region)
    outcome = final_outcome(order)
    if outcome is None:
        sheet.backlog("dispatch")
    repair = order.kind == "repair"
    if outcome is not None and repair:
        name, at, technician = outcome
        fixed_first = name == "accepted" and order.accepted_visit == order.first_repair_visit
        sheet.monthly(WORK_ORDERS, at, technician, hit=fixed_first)
        sheet.counter(WORK_ORDERS_CLOSED, flag(fixed_first))
        if name == "accepted" and order.ticket_created_at is not None:
            seconds = int((at - order.ticket_created_at).total_seconds())
            sheet.monthly(REPAIR_TIME, at, technician, total=max(seconds, 0))
    if repair and order.opened_at is not None:
        sheet.monthly(
            REPEAT_VISITS, order.opened_at, order.opened_technician_id, hit=bool(order.repeat_of)
        )
    return sheet.items


def judge_ticket(ticket: TicketFacts, month_of: MonthOf) -> Contributions:
    """first_response_compliance and the intake backlog, v1."""
    sheet = _Sheet(month_of, ticket.region)
    if ticket.created and ticket.closed_at is None:
        sheet.backlog("intake")
    due, answered = ticket.first_response_due_at, ticket.first_response_at
    if due is not None and answered is not None:
        in_time = answered <= due
        sheet.monthly(FIRST_RESPONSE, answered if in_time else due, None, hit=in_time)
    return sheet.items


def awaiting_response(ticket: TicketFacts) -> dt.datetime | None:
    """The deadline of a ticket not answered yet (it counts late once that has passed)."""
    if ticket.first_response_at is None:
        return ticket.first_response_due_at
    return None


def judge_complaint(complaint: ComplaintFacts, month_of: MonthOf) -> Contributions:
    """complaint_timeliness v1 (closed complaints; open ones past deadline: ``overdue``)."""
    sheet = _Sheet(month_of, complaint.region)
    closed, resolved = complaint.closed_at, complaint.final_resolved_at
    if closed is not None and resolved is not None and complaint.deadline_at is not None:
        in_time = resolved <= complaint.deadline_at
        sheet.monthly(COMPLAINTS, closed, None, hit=in_time)
        sheet.counter(COMPLAINTS_CLOSED, flag(in_time))
    return sheet.items


def overdue_from(complaint: ComplaintFacts) -> dt.datetime | None:
    """For an open complaint with no resolution made in time still standing: its deadline
    (it counts as not resolved in time once that has passed)."""
    if complaint.closed_at is not None or complaint.deadline_at is None:
        return None
    resolved, reopened = complaint.last_resolved_round, complaint.last_reopened_round or 0
    resolved_at = complaint.last_resolved_at
    standing = resolved is not None and resolved > reopened and resolved_at is not None
    if standing and resolved_at <= complaint.deadline_at:  # type: ignore[operator]
        return None
    return complaint.deadline_at


def judge_rating(rating: RatingFacts, month_of: MonthOf) -> Contributions:
    """csat, followup_satisfaction, complaint_satisfaction and csat_by_source, v1."""
    sheet = _Sheet(month_of, rating.region)
    if rating.rated_at is None or rating.score not in SCORES:
        return sheet.items
    if rating.source == "complaint":
        satisfied = bool(rating.satisfied)
        sheet.monthly(COMPLAINT_FEEDBACK, rating.rated_at, None, hit=satisfied, total=rating.score)
    else:
        measure = CSAT if rating.source == "repair" else FOLLOWUP
        measure = RATING_MEASURES.get(rating.source, measure)
        sheet.monthly(
            measure,
            rating.rated_at,
            rating.technician_id,
            hit=rating.score >= 4,
            total=rating.score,
        )
    sheet.counter(RATINGS, rating_label(rating.source, rating.score))
    return sheet.items


def judge(facts: Facts, month_of: MonthOf) -> Contributions:
    """What an entity adds to the aggregates under the current definitions."""
    if isinstance(facts, MaintenanceFacts):
        return judge_occurrence(facts)
    judges: dict[type, Callable[[Any, MonthOf], Contributions]] = {
        VisitFacts: judge_visit,
        WorkOrderFacts: judge_work_order,
        TicketFacts: judge_ticket,
        ComplaintFacts: judge_complaint,
        ConsultationFacts: judge_consultation,
        TrainingFacts: judge_training,
    }
    return judges.get(type(facts), judge_rating)(facts, month_of)


def index(facts: Facts, month_of: MonthOf) -> None:
    """Set the columns the API reads an entity by (month of completion, pending deadlines)."""
    if isinstance(facts, WorkOrderFacts):
        done = facts.completed_at
        facts.completed_month = month_of(done, facts.region) if done else None
    elif isinstance(facts, TicketFacts):
        due = awaiting_response(facts)
        facts.awaiting_response_due = due
        facts.awaiting_month = month_of(due, facts.region) if due else None
    elif isinstance(facts, ComplaintFacts):
        deadline = overdue_from(facts)
        facts.overdue_at = deadline
        facts.overdue_month = month_of(deadline, facts.region) if deadline else None


def open_past_deadline_in(facts: Facts) -> str | None:
    """The month an open complaint or unanswered ticket counts in once past its deadline."""
    if isinstance(facts, ComplaintFacts):
        return facts.overdue_month
    if isinstance(facts, TicketFacts):
        return facts.awaiting_month
    return None
