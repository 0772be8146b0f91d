"""What kpi reads of complaints' events: the original deadline, resolution rounds, closing
and the complainant's feedback."""

from __future__ import annotations

from marshmallow import fields, validate

from services.kpi.domain.facts import ComplaintFacts
from services.kpi.handlers.common import RATING, Registration, stage_rating, time_field
from services.kpi.repositories import KpiBatch
from shared.events import Delivery, InboundSchema


class ComplaintIn(InboundSchema):
    """What every complaint event says: the complaint and its original deadline."""

    complaint_id = fields.UUID(required=True)
    deadline_at = time_field(required=True)


class ComplaintFiledIn(ComplaintIn):
    pass


class ComplaintInvestigatedIn(ComplaintIn):
    pass


class ComplaintResolvedIn(ComplaintIn):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    resolved_at = time_field(required=True)


class ComplaintReopenedIn(ComplaintIn):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    rating = fields.Integer(required=True, validate=RATING)
    reopened_at = time_field(required=True)


class ComplaintClosedIn(ComplaintIn):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    resolved_at = time_field(required=True)
    satisfied = fields.Boolean(required=True)
    rating = fields.Integer(required=True, validate=RATING)
    closed_at = time_field(required=True)


def _complaint(delivery: Delivery, batch: KpiBatch) -> tuple[str, str]:
    p, region = delivery.payload, delivery.event.region
    complaint = str(p["complaint_id"])
    batch.complaints.stage(complaint, region, ComplaintFacts.add_deadline, region, p["deadline_at"])
    return complaint, region


def on_complaint_filed(delivery: Delivery, batch: KpiBatch) -> None:
    """A complaint and its original deadline."""
    _complaint(delivery, batch)


def on_complaint_investigated(delivery: Delivery, batch: KpiBatch) -> None:
    """Only the deadline matters to kpi."""
    _complaint(delivery, batch)


def on_complaint_resolved(delivery: Delivery, batch: KpiBatch) -> None:
    """A resolution round (one made in time keeps the complaint off the overdue list)."""
    complaint, region = _complaint(delivery, batch)
    p = delivery.payload
    batch.complaints.stage(
        complaint, region, ComplaintFacts.add_resolution, p["resolution_round"], p["resolved_at"]
    )


def on_complaint_reopened(delivery: Delivery, batch: KpiBatch) -> None:
    """Unsatisfied feedback on a resolution round."""
    complaint, region = _complaint(delivery, batch)
    p = delivery.payload
    batch.complaints.stage(complaint, region, ComplaintFacts.add_reopening, p["resolution_round"])
    key = f"complaint/{complaint}/{p['resolution_round']}"
    stage_rating(batch, key, region, p["rating"], p["reopened_at"], satisfied=False)


def on_complaint_closed(delivery: Delivery, batch: KpiBatch) -> None:
    """The final resolution, judged against the original deadline, and its feedback."""
    complaint, region = _complaint(delivery, batch)
    p = delivery.payload
    batch.complaints.stage(
        complaint,
        region,
        ComplaintFacts.add_closing,
        p["resolution_round"],
        p["resolved_at"],
        p["closed_at"],
    )
    key = f"complaint/{complaint}/{p['resolution_round']}"
    stage_rating(batch, key, region, p["rating"], p["closed_at"], satisfied=p["satisfied"])


HANDLERS: tuple[Registration, ...] = (
    ("complaint.filed", ComplaintFiledIn, on_complaint_filed),
    ("complaint.investigated", ComplaintInvestigatedIn, on_complaint_investigated),
    ("complaint.resolved", ComplaintResolvedIn, on_complaint_resolved),
    ("complaint.reopened", ComplaintReopenedIn, on_complaint_reopened),
    ("complaint.closed", ComplaintClosedIn, on_complaint_closed),
)
