"""kpi publishes nothing; it reads these fields of the events it judges (and archives and
counts every event, whatever its type)."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events import EventCatalog, InboundSchema

PUBLISHES = EventCatalog("kpi")

SHORT = validate.Length(max=100)
RATING = validate.Range(min=1, max=5)


def _time(**kw: object) -> fields.AwareDateTime:
    return fields.AwareDateTime(format="iso", **kw)  # type: ignore[arg-type]


# -- dispatch ---------------------------------------------------------------------------------
class VisitIn(InboundSchema):
    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.Length(max=20))
    visit_number = fields.Integer(required=True, validate=validate.Range(min=1))
    technician_id = fields.UUID(required=True)


class RepairScheduledIn(VisitIn):
    scheduled_at = _time(required=True)
    repeat_of = fields.UUID(allow_none=True, load_default=None)


class TechnicianArrivedIn(VisitIn):
    arrived_at = _time(required=True)
    window_end = _time(required=True)
    # The window end the visit is judged by (dispatch adds it; older events lack it).
    deadline = _time(allow_none=True, load_default=None)


class VisitMissedIn(VisitIn):
    window_end = _time(required=True)


class RepairCompletedIn(VisitIn):
    result = fields.String(required=True, validate=validate.Length(max=20))
    finished_at = _time(required=True)


class RepairAcceptedIn(VisitIn):
    rating = fields.Integer(required=True, validate=RATING)
    repeat_of = fields.UUID(allow_none=True, load_default=None)
    accepted_at = _time(required=True)


class RepairRejectedIn(VisitIn):
    rating = fields.Integer(required=True, validate=RATING)
    rejected_at = _time(required=True)


class RepairEscalatedIn(VisitIn):
    escalated_at = _time(required=True)


class FollowupRecordedIn(InboundSchema):
    work_order_id = fields.UUID(required=True)
    technician_id = fields.UUID(allow_none=True, load_default=None)
    satisfaction = fields.Integer(required=True, validate=RATING)
    recorded_at = _time(required=True)


# -- intake -----------------------------------------------------------------------------------
class TicketCreatedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    reported_at = _time(required=True)
    first_response_due_at = _time(required=True)


class TicketAssessedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    assessed_at = _time(required=True)
    first_response_due_at = _time(required=True)


class TicketSolutionAcceptedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    ticket_created_at = _time(required=True)


class TicketResolvedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    resolved_at = _time(required=True)
    ticket_created_at = _time(required=True)


class TicketClosedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    closed_at = _time(required=True)
    ticket_created_at = _time(required=True)


# -- complaints -------------------------------------------------------------------------------
class ComplaintIn(InboundSchema):
    complaint_id = fields.UUID(required=True)
    deadline_at = _time(required=True)


class ComplaintResolvedIn(ComplaintIn):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    resolved_at = _time(required=True)


class ComplaintReopenedIn(ComplaintIn):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    rating = fields.Integer(required=True, validate=RATING)
    reopened_at = _time(required=True)


class ComplaintClosedIn(ComplaintIn):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    resolved_at = _time(required=True)
    satisfied = fields.Boolean(required=True)
    rating = fields.Integer(required=True, validate=RATING)
    closed_at = _time(required=True)
