"""What complaints' endpoints return (``<Thing>Read``)."""

from __future__ import annotations

from marshmallow import fields

from shared.schemas import ReadSchema, UTCDateTimeField


class ComplainantOut(ReadSchema):
    name = fields.String(attribute="complainant_name")
    phone = fields.String(attribute="complainant_phone")
    email = fields.String(attribute="complainant_email")
    language = fields.String(attribute="complainant_language")
    key = fields.String(attribute="complainant_key")


class OwnerOut(ReadSchema):
    department = fields.String(attribute="owner_department")
    person = fields.String(attribute="owner_person")
    escalation_level = fields.Integer()


class EvidenceRead(ReadSchema):
    id = fields.UUID()
    number = fields.Integer()
    kind = fields.String()
    reference = fields.String()
    sha256 = fields.String()
    size_bytes = fields.Integer()
    verified = fields.Boolean(metadata={"description": "content uploaded and its SHA-256 checked"})
    description = fields.String()
    added_by = fields.String()
    added_at = UTCDateTimeField()


class MeasureRead(ReadSchema):
    id = fields.UUID()
    complaint_id = fields.UUID()
    region = fields.String()
    round = fields.Integer()
    description = fields.String()
    owner = fields.String()
    due_on = fields.Date()
    status = fields.String()
    done_at = UTCDateTimeField()
    done_by = fields.String()
    outcome = fields.String()


class ResolutionRead(ReadSchema):
    round = fields.Integer()
    measures_taken = fields.String()
    reasons = fields.String()
    communicated_via = fields.String()
    resolved_by = fields.String()
    resolved_at = UTCDateTimeField()
    within_deadline = fields.Boolean()
    satisfied = fields.Boolean()
    rating = fields.Integer()
    comment = fields.String()
    feedback_at = UTCDateTimeField()


class PauseRead(ReadSchema):
    reason = fields.String()
    started_at = UTCDateTimeField()
    ended_at = UTCDateTimeField()


class TimelineEntryRead(ReadSchema):
    at = UTCDateTimeField()
    kind = fields.String()
    actor = fields.String()
    details = fields.Dict()


_COMPLAINANT, _OWNER = ComplainantOut(), OwnerOut()


class ComplaintSummaryRead(ReadSchema):
    id = fields.UUID()
    region = fields.String()
    status = fields.String()
    channel = fields.String()
    category = fields.String()
    severity = fields.String()
    subject = fields.String()
    complainant = fields.Function(lambda c: _COMPLAINANT.dump(c))
    owner = fields.Function(lambda c: _OWNER.dump(c))
    ticket_id = fields.UUID()
    work_order_id = fields.UUID()
    filed_at = UTCDateTimeField()
    handling_hours = fields.Float()
    deadline_at = UTCDateTimeField()
    resolved_at = UTCDateTimeField()
    within_deadline = fields.Boolean()
    rating = fields.Integer()
    closed_at = UTCDateTimeField()


class ComplaintRead(ComplaintSummaryRead):
    description = fields.String()
    handling_notice = fields.String(metadata={"description": "what the complainant was told"})
    created_by = fields.String()
    findings = fields.String()
    responsibility = fields.String()
    root_cause = fields.String()
    partner = fields.String()
    investigated_at = UTCDateTimeField()
    investigated_by = fields.String()
    evidence = fields.List(fields.Nested(EvidenceRead))
    resolutions = fields.List(fields.Nested(ResolutionRead))
    measures = fields.List(fields.Nested(MeasureRead))
    pauses = fields.List(fields.Nested(PauseRead))
    timeline = fields.List(fields.Nested(TimelineEntryRead))


class GroupRead(ReadSchema):
    key = fields.String()
    count = fields.Integer()
    judged = fields.Integer(metadata={"description": "resolved, or open past the deadline"})
    on_time = fields.Integer()
    on_time_share = fields.Float(allow_none=True)


class CountRead(ReadSchema):
    key = fields.String()
    count = fields.Integer()


class AnalysisRead(ReadSchema):
    from_ = UTCDateTimeField(data_key="from")
    to = UTCDateTimeField()
    region = fields.String(allow_none=True)
    total = fields.Integer()
    judged = fields.Integer()
    on_time = fields.Integer()
    on_time_share = fields.Float(allow_none=True)
    repeat_complainants = fields.Integer()
    by = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(GroupRead)))


class ReportRead(ReadSchema):
    from_ = UTCDateTimeField(data_key="from")
    to = UTCDateTimeField()
    region = fields.String(allow_none=True)
    completed = fields.List(fields.Nested(MeasureRead))
    decided = fields.Integer()
    open = fields.Integer()
    overdue = fields.Integer()
    by_root_cause = fields.List(fields.Nested(CountRead))


class OwnerRead(ReadSchema):
    department = fields.String()
    person = fields.String()


class RuleRead(ReadSchema):
    category = fields.String()
    region = fields.String()
    owners = fields.List(fields.Nested(OwnerRead), metadata={"description": "escalation chain"})


class RoutingRead(ReadSchema):
    categories = fields.List(fields.String())
    deadline_hours = fields.Dict(keys=fields.String(), values=fields.Float())
    rules = fields.List(fields.Nested(RuleRead))
