"""kpi's REST schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.kpi.domain.months import MONTH_PATTERN
from services.kpi.domain.spot_checks import MAX_SEED
from shared.schemas import InputSchema, QuerySchema, ReadSchema, Region, UTCDateTimeField

BY = ("region", "technician")
VIEWS = ("frozen", "live")


class Month(fields.String):
    """A calendar month, ``YYYY-MM`` (in each region's time zone)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"description": "YYYY-MM, in each region's time zone", "example": "2026-11"}
        super().__init__(
            validate=validate.Regexp(MONTH_PATTERN, error="expected a month as YYYY-MM"),
            metadata={**metadata, **kwargs.pop("metadata", {})},
            **kwargs,
        )


class KpiQueryArgs(QuerySchema):
    month = Month(metadata={"description": "default: the current month"})
    region = Region()
    technician = fields.UUID(metadata={"description": "one technician's KPIs"})


class ScorecardQueryArgs(QuerySchema):
    month = Month()
    by = fields.String(required=True, validate=validate.OneOf(BY))
    region = Region(metadata={"description": "rank the technicians of one region"})
    weights = fields.String(
        validate=validate.Length(min=1, max=500),
        metadata={
            "description": "override the configured weights, e.g. "
            "repair_timeliness=0.5,first_time_fix=0.5"
        },
    )
    view = fields.String(
        load_default="frozen",
        validate=validate.OneOf(VIEWS),
        metadata={
            "description": "a closed month's frozen scorecard (the default) or its live one; "
            "an open month's is always live"
        },
    )


class AttentionQueryArgs(QuerySchema):
    month = Month(metadata={"description": "the second month of the run (default: this one)"})
    region = Region(metadata={"description": "the technicians' figures in one region"})


class AttentionFigureRead(ReadSchema):
    numerator = fields.Integer()
    denominator = fields.Integer()
    ratio = fields.Float()


class AttentionRowRead(ReadSchema):
    technician = fields.String()
    kpi = fields.String()
    target = fields.Float()
    months = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(AttentionFigureRead),
        metadata={"description": "the figure in each of the two months, both below target"},
    )
    training = fields.String(
        allow_none=True, metadata={"description": "the training topic that addresses the KPI"}
    )
    attended = fields.Boolean(
        metadata={"description": "came to such a session since the run began"}
    )
    sessions = fields.List(fields.String(), metadata={"description": "those sessions' ids"})


class AttentionRead(ReadSchema):
    month = fields.String()
    previous_month = fields.String()
    region = fields.String(allow_none=True)
    frozen = fields.List(
        fields.String(), metadata={"description": "the months read from their frozen figures"}
    )
    targets = fields.Dict(keys=fields.String(), values=fields.Float())
    training = fields.Dict(keys=fields.String(), values=fields.String())
    rows = fields.List(fields.Nested(AttentionRowRead))


class CorrectionQueryArgs(QuerySchema):
    month = Month(required=True)
    region = Region()


class SpotCheckCreate(InputSchema):
    month = Month(required=True)
    region = Region(metadata={"description": "default: every region (the token's, if limited)"})
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    seed = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=MAX_SEED),
        metadata={"description": "draw with this seed (default: a random one, recorded)"},
    )


class ShareRead(ReadSchema):
    version = fields.Integer()
    numerator = fields.Integer()
    denominator = fields.Integer()
    ratio = fields.Float(allow_none=True)
    mean_rating = fields.Float(allow_none=True)
    open_past_deadline = fields.Integer()
    unanswered_past_deadline = fields.Integer()


class TimeToRepairRead(ReadSchema):
    version = fields.Integer()
    repairs = fields.Integer()
    mean_seconds = fields.Float(allow_none=True)
    mean_hours = fields.Float(allow_none=True)


class BacklogRead(ReadSchema):
    version = fields.Integer()
    tickets = fields.Integer(metadata={"description": "open tickets, now"})
    work_orders = fields.Integer(metadata={"description": "open work orders, now"})


class AdherenceRead(ShareRead):
    on_time = fields.Integer(metadata={"description": "visits done within a week of the due date"})
    on_time_ratio = fields.Float(allow_none=True, metadata={"description": "on time / done"})


class TrainingRead(ReadSchema):
    version = fields.Integer()
    sessions = fields.Integer(metadata={"description": "training sessions held"})
    attendees = fields.Integer(metadata={"description": "attendees listed"})
    attended = fields.Integer(metadata={"description": "attendees who came"})
    attendance_rate = fields.Float(allow_none=True, metadata={"description": "attended / listed"})


class CsatBySourceRead(ReadSchema):
    acceptance = fields.Nested(ShareRead, metadata={"description": "repair acceptance (csat)"})
    follow_up = fields.Nested(ShareRead, metadata={"description": "follow-up calls"})
    questionnaire = fields.Nested(ShareRead, metadata={"description": "questionnaires"})
    consultation = fields.Nested(ShareRead, metadata={"description": "consultation answers"})


class KpiSetRead(ReadSchema):
    csat = fields.Nested(ShareRead)
    repair_timeliness = fields.Nested(ShareRead)
    first_time_fix = fields.Nested(ShareRead)
    mean_time_to_repair = fields.Nested(TimeToRepairRead)
    repeat_visits = fields.Nested(ShareRead)
    followup_satisfaction = fields.Nested(ShareRead)
    maintenance_adherence = fields.Nested(
        AdherenceRead, metadata={"description": "maintenance visits done / due, by due month"}
    )
    complaint_timeliness = fields.Nested(ShareRead, allow_none=True)
    complaint_satisfaction = fields.Nested(ShareRead, allow_none=True)
    first_response_compliance = fields.Nested(ShareRead, allow_none=True)
    open_backlog = fields.Nested(BacklogRead, allow_none=True)
    consultation_timeliness = fields.Nested(
        ShareRead, metadata={"description": "consultations answered by the deadline / answered"}
    )
    csat_by_source = fields.Nested(CsatBySourceRead)
    csat_all_sources = fields.Nested(
        ShareRead, metadata={"description": "ratings of 4-5 / ratings, every source combined"}
    )
    training = fields.Nested(TrainingRead, metadata={"description": "sessions held this month"})


class KpisRead(ReadSchema):
    month = fields.String()
    region = fields.String(allow_none=True)
    technician = fields.String(allow_none=True)
    closed = fields.Boolean(metadata={"description": "whether the month is closed (frozen)"})
    closed_at = UTCDateTimeField(allow_none=True)
    definitions = fields.Dict(keys=fields.String(), values=fields.Integer())
    facts_built_with = fields.Dict(keys=fields.String(), values=fields.Integer())
    rebuild_needed = fields.Boolean()
    kpis = fields.Nested(KpiSetRead, metadata={"description": "the live figures"})
    frozen_kpis = fields.Nested(
        KpiSetRead,
        allow_none=True,
        metadata={"description": "a closed month's figures as frozen at the close"},
    )


class FigureRead(ReadSchema):
    numerator = fields.Integer(metadata={"description": "a mean's total"})
    denominator = fields.Integer(metadata={"description": "a mean's count"})
    value = fields.Float(allow_none=True)


class CorrectionRead(ReadSchema):
    id = fields.Integer()
    month = fields.String()
    scope = fields.String(metadata={"description": "region, or technician (in the region)"})
    region = fields.String()
    technician = fields.String(allow_none=True)
    metric = fields.String()
    frozen = fields.Nested(FigureRead)
    live = fields.Nested(FigureRead, metadata={"description": "the live figure it changed to"})
    cause = fields.String(metadata={"description": "event, or rebuild"})
    event_id = fields.String(allow_none=True)
    event_type = fields.String(allow_none=True)
    detected_at = UTCDateTimeField()


class ScorecardRowRead(ReadSchema):
    rank = fields.Integer()
    region = fields.String()
    technician = fields.String()
    composite = fields.Float(allow_none=True)
    kpis = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    judged = fields.Dict(keys=fields.String(), values=fields.Integer())


class ScorecardRead(ReadSchema):
    month = fields.String()
    by = fields.String()
    region = fields.String(allow_none=True)
    view = fields.String(metadata={"description": "frozen (a closed month's) or live"})
    closed = fields.Boolean()
    closed_at = UTCDateTimeField(allow_none=True)
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    rows = fields.List(fields.Nested(ScorecardRowRead))
    corrections = fields.List(
        fields.Nested(CorrectionRead),
        metadata={"description": "the first corrections (all: /scorecards/corrections)"},
    )
    corrections_total = fields.Integer()


class SpotCheckItemRead(ReadSchema):
    work_order_id = fields.String()
    region = fields.String()
    kind = fields.String()
    ticket_id = fields.String(allow_none=True)
    technician_id = fields.String(attribute="completed_technician_id", allow_none=True)
    visit_number = fields.Integer(attribute="completed_visit", allow_none=True)
    result = fields.String(attribute="completed_result", allow_none=True)
    completed_at = UTCDateTimeField(allow_none=True)
    accepted_at = UTCDateTimeField(allow_none=True)


class SpotCheckRead(ReadSchema):
    id = fields.String()
    month = fields.String()
    region = fields.String(allow_none=True)
    size = fields.Integer()
    seed = fields.Integer()
    population = fields.Integer()
    created_at = UTCDateTimeField()
    created_by = fields.String()
    work_orders = fields.List(fields.Nested(SpotCheckItemRead))
