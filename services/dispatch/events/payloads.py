"""The payload schemas of what dispatch publishes."""

from __future__ import annotations

from marshmallow import fields, validate

from services.dispatch.domain import (
    CONFIRMATIONS,
    RESULTS,
    TECHNICIAN_KINDS,
    WARRANTY_STATUSES,
    WORK_ORDER_KINDS,
)
from services.dispatch.domain.field import AGREED_VIA, REQUESTERS
from shared.events import PayloadSchema


class Warranty(PayloadSchema):
    status = fields.String(required=True, validate=validate.OneOf(WARRANTY_STATUSES))
    parts_covered = fields.Boolean(required=True)
    labour_covered = fields.Boolean(required=True)


class PartAgreement(PayloadSchema):
    agreement_id = fields.UUID(required=True)
    agreed_at = fields.AwareDateTime(required=True, format="iso")
    confirmed_by = fields.String(
        required=True,
        validate=validate.OneOf(CONFIRMATIONS),
        metadata={"description": "how the customer confirmed the agreement"},
    )


class NonGenuineApproval(PayloadSchema):
    approved_by = fields.String(required=True, metadata={"description": "the manager"})
    reason = fields.String(required=True)
    approved_at = fields.AwareDateTime(required=True, format="iso")


class PartUsed(PayloadSchema):
    part_no = fields.String(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1))
    genuine = fields.Boolean(required=True)
    reason = fields.String(
        allow_none=True, load_default=None, metadata={"description": "why the part was used"}
    )
    covered_by_warranty = fields.Boolean(allow_none=True, load_default=None)
    unit_price = fields.Decimal(
        allow_none=True,
        load_default=None,
        as_string=True,
        places=2,
        metadata={"description": "the agreed fee-schedule price (none when covered)"},
    )
    currency = fields.String(allow_none=True, load_default=None)
    schedule_version = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "fee schedule priced by"}
    )
    agreement = fields.Nested(
        PartAgreement,
        allow_none=True,
        load_default=None,
        metadata={"description": "the customer's agreement, before use, to a chargeable part"},
    )
    non_genuine_approval = fields.Nested(
        NonGenuineApproval,
        allow_none=True,
        load_default=None,
        metadata={"description": "the manager's approval of a non-genuine part"},
    )


class VisitEvent(PayloadSchema):
    """Fields every visit event carries."""

    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(WORK_ORDER_KINDS))
    visit_number = fields.Integer(required=True, validate=validate.Range(min=1))
    technician_id = fields.UUID(required=True)


class RepairScheduledV1(VisitEvent):
    technician_kind = fields.String(required=True, validate=validate.OneOf(TECHNICIAN_KINDS))
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    auto_assigned = fields.Boolean(required=True)
    rescheduled_by_customer = fields.Boolean(
        required=True,
        metadata={"description": "a new window the customer asked for: not lateness"},
    )
    repeat_of = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={"description": "accepted work order on the same serial within 30 days"},
    )
    scheduled_at = fields.AwareDateTime(required=True, format="iso")
    agreed_via = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(AGREED_VIA),
        metadata={"description": "how the window was agreed with the customer"},
    )
    agreed_with = fields.String(
        allow_none=True, load_default=None, metadata={"description": "who agreed to it"}
    )
    requested_by = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(REQUESTERS),
        metadata={"description": "who asked to move a booked visit (none for a first booking)"},
    )
    reschedule_reason = fields.String(allow_none=True, load_default=None)


class TechnicianArrivedV1(VisitEvent):
    arrived_at = fields.AwareDateTime(required=True, format="iso")
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    on_time = fields.Boolean(required=True)
    deadline = fields.AwareDateTime(
        allow_none=True,
        load_default=None,
        format="iso",
        metadata={
            "description": "the window end the arrival was judged by: the customer's "
            "rescheduled window, else the earliest one promised"
        },
    )
    identity_verified = fields.Boolean(required=True)
    product_verified = fields.Boolean(required=True)
    work_id_shown = fields.String(
        allow_none=True, load_default=None, metadata={"description": "shown to the customer"}
    )
    work_id_verified = fields.Boolean(
        allow_none=True,
        load_default=None,
        metadata={"description": "the work ID was the assigned technician's (else stopped)"},
    )
    symptom_confirmed = fields.Boolean(
        allow_none=True, load_default=None, metadata={"description": "the symptom re-checked"}
    )


class VisitMissedV1(VisitEvent):
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    detected_at = fields.AwareDateTime(required=True, format="iso")


class RepairCompletedV1(VisitEvent):
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    work_performed = fields.String(required=True)
    labour_hours = fields.Decimal(required=True, as_string=True, places=2)
    parts = fields.List(fields.Nested(PartUsed), required=True)
    started_at = fields.AwareDateTime(required=True, format="iso")
    finished_at = fields.AwareDateTime(required=True, format="iso")
    warranty = fields.Nested(Warranty, required=True)
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    plan_id = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={"description": "maintenance plan of a maintenance work order"},
    )


class AnswerConfirmation(PayloadSchema):
    confirmed_by = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(CONFIRMATIONS),
        metadata={"description": "how the customer confirmed the answer"},
    )
    recorded_by = fields.String(
        allow_none=True, load_default=None, metadata={"description": "who recorded the answer"}
    )


class VisitStoppedV1(VisitEvent):
    failed_checks = fields.List(
        fields.String(validate=validate.OneOf(("identity", "product"))), required=True
    )
    reason = fields.String(required=True)
    stopped_at = fields.AwareDateTime(required=True, format="iso")


class RepairAcceptedV1(VisitEvent, AnswerConfirmation):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    first_time_fix = fields.Boolean(required=True)
    repeat_of = fields.UUID(allow_none=True, load_default=None)
    serial_no = fields.String(allow_none=True, load_default=None)
    accepted_at = fields.AwareDateTime(required=True, format="iso")
    # Additive: whom support's questionnaire goes to, and in which language.
    customer_name = fields.String(allow_none=True, load_default=None)
    customer_email = fields.String(
        allow_none=True, load_default=None, metadata={"description": "the questionnaire's address"}
    )
    customer_phone = fields.String(allow_none=True, load_default=None)
    customer_language = fields.String(
        allow_none=True, load_default=None, metadata={"description": "zh-CN or en"}
    )


class RepairRejectedV1(VisitEvent, AnswerConfirmation):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    reason = fields.String(required=True)
    rejected_at = fields.AwareDateTime(required=True, format="iso")


class RepairEscalatedV1(VisitEvent):
    escalated_to = fields.String(required=True, validate=validate.OneOf(("replacement", "return")))
    failed_visits = fields.Integer(required=True, validate=validate.Range(min=1))
    nature = fields.String(required=True)
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    warranty = fields.Nested(Warranty, required=True)
    escalated_at = fields.AwareDateTime(required=True, format="iso")
    customer_name = fields.String(
        allow_none=True, load_default=None, metadata={"description": "whom returns deals with"}
    )
    customer_phone = fields.String(allow_none=True, load_default=None)


class FollowupRecordedV1(PayloadSchema):
    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    technician_id = fields.UUID(allow_none=True, load_default=None)
    satisfaction = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    remarks = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True, format="iso")
