"""The return request: the aggregate of returns. Its methods take it through appraisal,
agreement, shipment, receipt and refund, and record the events that say so
(``return.requested``, ``return.appraised``, ``replacement.shipped``, ``return.received``,
``refund.issued``), each with the request's next sequence number."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from services.returns import domain
from services.returns.models.base import MONEY, Base
from shared.db import UTCDateTime
from shared.domain import Aggregate


class ReturnRequest(Base, Aggregate):
    """A customer's request for a replacement or a refund, from request to its end."""

    __tablename__ = "return_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    source: Mapped[str] = mapped_column(String(20))
    # The repair.escalated event that opened it: redelivery never opens a second one.
    source_event_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    serial_no: Mapped[str] = mapped_column(String(100), index=True)
    product_model: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Warranty as of the report date: intake's (from the escalation) or returns's own.
    warranty_status: Mapped[str] = mapped_column(String(20))
    warranty_parts_covered: Mapped[bool] = mapped_column(Boolean)
    warranty_labour_covered: Mapped[bool] = mapped_column(Boolean)
    warranty_reason: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    requested_by: Mapped[str] = mapped_column(String(200))
    # Appraisal.
    quality_defect: Mapped[bool | None] = mapped_column(Boolean)
    severity: Mapped[str | None] = mapped_column(String(20))
    findings: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(30), index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(MONEY)
    schedule_version: Mapped[int | None] = mapped_column(Integer)
    refund_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    appraised_by: Mapped[str | None] = mapped_column(String(200))
    appraised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What was agreed with the customer.
    replacement_model: Mapped[str | None] = mapped_column(String(100))
    specification: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int | None] = mapped_column(Integer)
    return_method: Mapped[str | None] = mapped_column(String(20))
    refund_date: Mapped[dt.date | None] = mapped_column(Date)
    agreed_by: Mapped[str | None] = mapped_column(String(200))
    agreed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Shipment of the replacement, and when the original must be back.
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_no: Mapped[str | None] = mapped_column(String(100))
    new_serial_no: Mapped[str | None] = mapped_column(String(100))
    shipped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    original_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # Receipt and check of the returned product.
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    condition_ok: Mapped[bool | None] = mapped_column(Boolean)
    check_notes: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool | None] = mapped_column(Boolean)
    # The refund, paid once.
    refund_paid: Mapped[Decimal | None] = mapped_column(MONEY)
    refund_method: Mapped[str | None] = mapped_column(String(30))
    refund_reference: Mapped[str | None] = mapped_column(String(100))
    refunded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refunded_by: Mapped[str | None] = mapped_column(String(200))
    # Per-aggregate sequence carried on every event of this request.
    version: Mapped[int] = mapped_column(Integer)

    def event_identity(self) -> dict[str, Any]:
        """Every event of a request names it, the product and where it came from."""
        return {
            "return_id": self.id,
            "kind": self.kind,
            "serial_no": self.serial_no,
            "product_model": self.product_model,
            "ticket_id": self.ticket_id,
            "work_order_id": self.work_order_id,
        }

    @property
    def warranty(self) -> dict[str, Any]:
        return {
            "status": self.warranty_status,
            "parts_covered": self.warranty_parts_covered,
            "labour_covered": self.warranty_labour_covered,
            "reason": self.warranty_reason,
        }

    def set_warranty(self, warranty: domain.Warranty) -> None:
        """Keep the warranty decision as of the report date."""
        self.warranty_status, self.warranty_reason = warranty.status, warranty.reason
        self.warranty_parts_covered = warranty.parts_covered
        self.warranty_labour_covered = warranty.labour_covered

    def customer(self) -> dict[str, Any]:
        return {"customer_name": self.customer_name, "customer_phone": self.customer_phone}

    def require(self, allowed: tuple[str, ...], step: str) -> None:
        """409 naming the status unless it admits ``step``."""
        domain.require_step(self.id, self.status, allowed, step)

    def announce(self) -> None:
        """Record the request (``return.requested``)."""
        data = {
            "reason": self.reason,
            "purchase_date": self.purchase_date,
            "source": self.source,
            "requested_at": self.requested_at,
        }
        self.record("return.requested", data | self.customer())

    def appraise(
        self, verdict: domain.Verdict, appraisal_in: dict[str, Any], *, by: str, at: dt.datetime
    ) -> None:
        """The engineer's appraisal and the rules' verdict; a rejection ends the request."""
        self.require((domain.REQUESTED,), "appraise")
        self.quality_defect = appraisal_in["quality_defect"]
        self.severity = appraisal_in.get("severity")
        self.findings = appraisal_in["findings"]
        self.kind, self.decision, self.decision_reason = (
            verdict.kind,
            verdict.decision,
            verdict.reason,
        )
        self.price, self.refund_amount = verdict.price, verdict.refund_amount
        self.appraised_by, self.appraised_at = by, at
        rejected = verdict.decision == domain.REJECTED_DECISION
        self.status = domain.REJECTED if rejected else domain.APPRAISED
        data = {
            "quality_defect": self.quality_defect,
            "severity": self.severity,
            "warranty_status": self.warranty_status,
            "decision": self.decision,
            "price": self.price,
            "refund_amount": self.refund_amount,
            "currency": self.currency,
            "schedule_version": self.schedule_version,
            "findings": self.findings,
            "reason": self.decision_reason,
            "appraised_by": by,
            "appraised_at": at,
        }
        self.record("return.appraised", data | self.customer())

    def agree(self, agreement_in: dict[str, Any], *, by: str, at: dt.datetime) -> None:
        """What the customer agreed to (may be changed until the next step)."""
        self.require((domain.APPRAISED, domain.AGREED), "record an agreement")
        if self.decision in domain.REPLACEMENTS:
            self.replacement_model = agreement_in.get("model") or self.product_model
            self.specification = agreement_in.get("specification")
            self.quantity = agreement_in.get("quantity") or 1
        else:
            self.return_method = agreement_in["return_method"]
            self.refund_date = agreement_in["refund_date"]
        self.agreed_by, self.agreed_at = by, at
        self.status = domain.AGREED

    def ship(self, shipment_in: dict[str, Any], *, at: dt.datetime, due_days: int) -> None:
        """The replacement leaves; the original must come back within ``due_days``."""
        self.require((domain.AGREED,), "ship a replacement")
        domain.require_decision(self.id, self.decision, domain.REPLACEMENTS)
        shipped_at = shipment_in.get("shipped_at") or at
        domain.require_not_before(shipped_at, self.appraised_at, "shipped_at")
        self.carrier, self.tracking_no = shipment_in["carrier"], shipment_in["tracking_no"]
        self.new_serial_no, self.shipped_at = shipment_in["new_serial_no"], shipped_at
        self.original_due_at = domain.original_due(self.shipped_at, due_days)
        self.status = domain.SHIPPED
        data = {
            "new_serial_no": self.new_serial_no,
            "replacement_model": self.replacement_model,
            "specification": self.specification,
            "quantity": self.quantity,
            "carrier": self.carrier,
            "tracking_no": self.tracking_no,
            "shipped_at": self.shipped_at,
            "original_due_at": self.original_due_at,
        }
        self.record("replacement.shipped", data)

    def receive(self, receipt_in: dict[str, Any], *, at: dt.datetime) -> None:
        """The original (or the product to refund) is back and checked; late when overdue."""
        waiting = domain.SHIPPED if self.decision in domain.REPLACEMENTS else domain.AGREED
        self.require((waiting,), "receive the returned product")
        received_at = receipt_in.get("received_at") or at
        floor = self.shipped_at or self.appraised_at
        domain.require_not_before(received_at, floor, "received_at")
        self.received_at = received_at
        self.condition_ok, self.check_notes = receipt_in["condition_ok"], receipt_in["check_notes"]
        due = self.original_due_at
        self.late = due is not None and self.received_at > due
        self.status = domain.RECEIVED
        data = {
            "received_at": self.received_at,
            "condition_ok": self.condition_ok,
            "check_notes": self.check_notes,
            "late": self.late,
        }
        self.record("return.received", data)

    def pay_refund(self, refund_in: dict[str, Any], *, by: str, at: dt.datetime) -> None:
        """Pay the refund: once, and only for a product received and checked in order."""
        self.require((domain.RECEIVED,), "refund")
        domain.require_decision(self.id, self.decision, domain.REFUNDS)
        domain.require_checked_ok(self.id, self.condition_ok, self.check_notes)
        domain.require_refund_amount(self.refund_amount, refund_in["amount"])
        issued_at = refund_in.get("issued_at") or at
        domain.require_not_before(issued_at, self.received_at, "issued_at")
        self.refund_paid, self.refund_method = refund_in["amount"], refund_in["method"]
        self.refund_reference, self.refunded_by = refund_in["reference"], by
        self.refunded_at = issued_at
        self.status = domain.REFUNDED
        data = {
            "amount": self.refund_paid,
            "currency": self.currency,
            "method": self.refund_method,
            "reference": self.refund_reference,
            "issued_at": self.refunded_at,
        }
        self.record("refund.issued", data)


def still_open() -> Any:
    """SQL for ``domain.is_open``: requests that have not ended."""
    return or_(
        ReturnRequest.status.in_(domain.OPEN),
        and_(
            ReturnRequest.status == domain.RECEIVED,
            ReturnRequest.decision.in_(domain.REFUNDS),
        ),
    )
