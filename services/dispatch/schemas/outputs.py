"""Dispatch's response schemas."""

from __future__ import annotations

from marshmallow import fields

from services.dispatch.schemas.field import NonGenuineApprovalRead, PartAgreementRead
from shared.schemas import DecimalField, ReadSchema, UTCDateTimeField


class TechnicianRead(ReadSchema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    region = fields.String()
    skills = fields.List(fields.String())
    active = fields.Boolean()
    phone = fields.String()
    user_sub = fields.String()
    work_id = fields.String(metadata={"description": "the ID on the badge shown to customers"})
    created_at = UTCDateTimeField()


class PartAgreedRead(ReadSchema):
    agreement_id = fields.UUID()
    agreed_at = fields.String(metadata={"description": "RFC 3339"})
    confirmed_by = fields.String()


class NonGenuineAllowedRead(ReadSchema):
    approved_by = fields.String()
    reason = fields.String()
    approved_at = fields.String(metadata={"description": "RFC 3339"})


class PartRead(ReadSchema):
    part_no = fields.String()
    quantity = fields.Integer()
    genuine = fields.Boolean()
    reason = fields.String()
    covered_by_warranty = fields.Boolean()
    unit_price = DecimalField(as_string=True, metadata={"description": "none when covered"})
    currency = fields.String()
    schedule_version = fields.Integer()
    agreement = fields.Nested(PartAgreedRead)
    non_genuine_approval = fields.Nested(NonGenuineAllowedRead)


class RepairRecordRead(ReadSchema):
    work_performed = fields.String()
    parts = fields.List(fields.Nested(PartRead))
    labour_hours = DecimalField(as_string=True)
    started_at = UTCDateTimeField()
    finished_at = UTCDateTimeField()
    result = fields.String()
    customer_signature = fields.String()
    completed_at = UTCDateTimeField()


class AcceptanceRead(ReadSchema):
    accepted = fields.Boolean()
    rating = fields.Integer()
    reason = fields.String(attribute="rejection_reason")
    responded_at = UTCDateTimeField()
    confirmed_by = fields.String(attribute="answer_confirmed_by")
    recorded_by = fields.String(attribute="answer_recorded_by")


class VisitRead(ReadSchema):
    number = fields.Integer()
    status = fields.String()
    technician_id = fields.UUID()
    auto_assigned = fields.Boolean()
    window_start = UTCDateTimeField()
    window_end = UTCDateTimeField()
    deadline = UTCDateTimeField(metadata={"description": "the end the arrival is judged by"})
    rescheduled_by_customer = fields.Boolean()
    agreed_via = fields.String(metadata={"description": "how the window was agreed"})
    agreed_with = fields.String()
    reschedule_requested_by = fields.String(metadata={"description": "customer or company"})
    reschedule_reason = fields.String()
    scheduled_at = UTCDateTimeField()
    arrived_at = UTCDateTimeField()
    on_time = fields.Boolean()
    identity_verified = fields.Boolean()
    product_verified = fields.Boolean()
    work_id_shown = fields.String()
    work_id_verified = fields.Boolean()
    symptom_confirmed = fields.Boolean()
    symptom_observed = fields.String()
    missed_at = UTCDateTimeField()
    stop_reason = fields.String(metadata={"description": "why the visit stopped on arrival"})
    departed_at = UTCDateTimeField(metadata={"description": "when the technician set off"})
    repair = fields.Function(
        lambda v: RepairRecordRead().dump(v) if v.completed_at is not None else None,
        metadata={"schema": RepairRecordRead},
    )
    acceptance = fields.Function(
        lambda v: AcceptanceRead().dump(v) if v.responded_at is not None else None,
        metadata={"schema": AcceptanceRead},
    )


class FollowUpRead(ReadSchema):
    satisfaction = fields.Integer()
    remarks = fields.String()
    recorded_at = UTCDateTimeField()
    recorded_by = fields.String()


class WarrantyRead(ReadSchema):
    status = fields.String()
    parts_covered = fields.Boolean()
    labour_covered = fields.Boolean()


class SiteRead(ReadSchema):
    address = fields.String(attribute="site_address")
    contact_name = fields.String(attribute="site_contact_name")
    contact_phone = fields.String(attribute="site_contact_phone")
    latitude = DecimalField(attribute="site_latitude", as_string=True)
    longitude = DecimalField(attribute="site_longitude", as_string=True)


_SITE = SiteRead()


class TrainingRead(ReadSchema):
    session_id = fields.String(attribute="training_session_id")
    topics = fields.List(fields.String())
    trainer_person_id = fields.String(metadata={"description": "support's person id"})
    trainer_name = fields.String()
    customer_ref = fields.String()
    cancel_reason = fields.String()
    remarks = fields.String()


_TRAINING = TrainingRead()


class WorkOrderRead(ReadSchema):
    id = fields.UUID()
    kind = fields.String()
    status = fields.String()
    region = fields.String()
    ticket_id = fields.UUID()
    plan_id = fields.UUID()
    priority = fields.String()
    nature = fields.String()
    severity = fields.String()
    required_skill = fields.String()
    estimated_hours = DecimalField(as_string=True)
    parts_likely = fields.List(fields.String())
    tasks = fields.List(fields.String())
    due_date = fields.Date()
    product_model = fields.String()
    serial_no = fields.String()
    customer_name = fields.String()
    customer_phone = fields.String()
    symptom = fields.String()
    usage_environment = fields.String()
    tools = fields.List(fields.String())
    site = fields.Function(
        lambda w: _SITE.dump(w) if w.site_address else None, metadata={"schema": SiteRead}
    )
    preferred_time = fields.String()
    warranty = fields.Nested(WarrantyRead)
    repeat_of = fields.UUID()
    technician_id = fields.UUID()
    visit_count = fields.Integer()
    escalated_to = fields.String()
    training = fields.Function(
        lambda w: _TRAINING.dump(w) if w.is_training else None, metadata={"schema": TrainingRead}
    )
    opened_at = UTCDateTimeField()
    accepted_at = UTCDateTimeField()
    closed_at = UTCDateTimeField()


class WorkOrderDetailRead(WorkOrderRead):
    visits = fields.List(fields.Nested(VisitRead))
    follow_ups = fields.List(fields.Nested(FollowUpRead))
    part_agreements = fields.List(fields.Nested(PartAgreementRead))
    non_genuine_approvals = fields.List(fields.Nested(NonGenuineApprovalRead))


class FollowUpDueRead(ReadSchema):
    work_order_id = fields.UUID(attribute="work_order.id")
    ticket_id = fields.UUID(attribute="work_order.ticket_id")
    region = fields.String(attribute="work_order.region")
    customer_name = fields.String(attribute="work_order.customer_name")
    customer_phone = fields.String(attribute="work_order.customer_phone")
    technician_id = fields.UUID(attribute="work_order.technician_id")
    accepted_at = UTCDateTimeField(attribute="work_order.accepted_at")
    call = fields.Integer(metadata={"description": "which follow-up call is due (1, 2, ...)"})
    due_at = UTCDateTimeField()


class RouteStopRead(ReadSchema):
    work_order_id = fields.UUID(attribute="work_order.id")
    kind = fields.String(attribute="work_order.kind")
    visit_number = fields.Integer(attribute="visit.number")
    window_start = UTCDateTimeField(attribute="visit.window_start")
    window_end = UTCDateTimeField(attribute="visit.window_end")
    customer_name = fields.String(attribute="work_order.customer_name")
    customer_phone = fields.String(attribute="work_order.customer_phone")
    product_model = fields.String(attribute="work_order.product_model")
    serial_no = fields.String(attribute="work_order.serial_no")
    required_skill = fields.String(attribute="work_order.required_skill")
    parts_likely = fields.List(fields.String(), attribute="work_order.parts_likely")
    tasks = fields.List(fields.String(), attribute="work_order.tasks")
    tools = fields.List(fields.String(), attribute="work_order.tools")
    symptom = fields.String(attribute="work_order.symptom")
    topics = fields.List(fields.String(), attribute="work_order.topics")
    site_address = fields.String(attribute="work_order.site_address")
    site_contact_phone = fields.String(attribute="work_order.site_contact_phone")


class RouteRead(ReadSchema):
    technician_id = fields.UUID(attribute="technician.id")
    technician_name = fields.String(attribute="technician.name")
    stops = fields.List(fields.Nested(RouteStopRead))
