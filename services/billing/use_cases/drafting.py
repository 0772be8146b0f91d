"""Draft invoices made by events: a visit's repair record (``repair.completed``) and a paid
replacement (``return.appraised``), priced with the schedule in force when the work was done.
Each visit and each return is billed at most once, however often its event is delivered."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from services.billing import domain
from services.billing.domain import Line, Schedule
from services.billing.models import Invoice
from services.billing.repositories import BillingUnitOfWork


def terms_at(uow: BillingUnitOfWork, at: Any) -> Schedule:
    """The prices in force at ``at``; with no version yet, none (every line unpriced)."""
    found = uow.schedules.in_force(at)
    if found is None:
        return Schedule(number=None, currency=domain.DEFAULT_CURRENCY, tax_rate=uow.tax_rate())
    return found.terms()


def new_invoice(uow: BillingUnitOfWork, *, source_key: str, **details: Any) -> Invoice:
    """An unpriced draft invoice."""
    return Invoice(
        id=uuid.uuid4(),
        status=domain.DRAFT,
        source_key=source_key,
        amount_paid=domain.ZERO,
        amount_credited=domain.ZERO,
        discrepancies=[],
        audit_status=domain.UNAUDITED,
        created_at=uow.clock.now(),
        version=0,
        **details,
    )


def expected_lines(uow: BillingUnitOfWork, invoice: Invoice) -> tuple[list[Line], Schedule]:
    """What the invoice's record calls for, at the prices in force when the work was done
    (as known now: a correction published since counts)."""
    schedule = terms_at(uow, invoice.work_done_at)
    record = invoice.work_record
    if invoice.source_kind == "replacement":
        price = Decimal(record["price"]) if record.get("price") is not None else None
        lines = domain.price_replacement(invoice.product_model, record["quantity"], price, schedule)
        return lines, schedule
    return domain.price_service(invoice.service_record(), schedule), schedule


def _record_of(completed: dict[str, Any]) -> dict[str, Any]:
    warranty = completed["warranty"]
    return {
        "kind": completed["kind"],
        "labour_hours": str(completed["labour_hours"]),
        "parts": [
            {"part_no": p["part_no"], "quantity": p["quantity"], "genuine": p["genuine"]}
            for p in completed["parts"]
        ],
        "warranty_status": warranty["status"],
        "parts_covered": warranty["parts_covered"],
        "labour_covered": warranty["labour_covered"],
    }


def draft_invoice_for_visit(
    uow: BillingUnitOfWork, *, region: str, completed: dict[str, Any]
) -> Invoice | None:
    """Itemise a visit's repair record as a draft invoice: call-out, labour, parts, the
    warranty-covered lines at zero. A maintenance visit with nothing to pay gets none."""
    key = f"visit:{completed['work_order_id']}:{completed['visit_number']}"
    existing = uow.invoices.by_source(key)
    if existing is not None:
        return existing
    invoice = new_invoice(
        uow,
        source_key=key,
        region=region,
        source_kind=completed["kind"],
        work_order_id=completed["work_order_id"],
        ticket_id=completed.get("ticket_id"),
        visit_number=completed["visit_number"],
        technician_id=completed.get("technician_id"),
        product_model=completed["product_model"],
        serial_no=completed.get("serial_no"),
        work_performed=completed.get("work_performed"),
        work_record=_record_of(completed),
        work_done_at=completed["finished_at"],
    )
    return _priced(uow, invoice, currency=None)


def _priced(uow: BillingUnitOfWork, invoice: Invoice, *, currency: str | None) -> Invoice | None:
    """Price a new draft and keep it, unless nothing is chargeable. Visits are in the
    schedule's currency, a replacement in the appraisal's."""
    lines, schedule = expected_lines(uow, invoice)
    if not domain.chargeable(invoice.source_kind, lines):
        return None
    invoice.price(lines, currency=currency or schedule.currency, tax_rate=schedule.tax_rate)
    invoice.schedule_number = schedule.number
    uow.invoices.add(invoice)
    uow.commit()
    return invoice


def draft_invoice_for_replacement(
    uow: BillingUnitOfWork, *, region: str, appraisal: dict[str, Any]
) -> Invoice | None:
    """A paid replacement decided by appraisal becomes a draft invoice at the appraised price
    (the schedule's price of the model when the event carries none)."""
    if appraisal["decision"] != "paid_replacement":
        return None
    key = f"return:{appraisal['return_id']}"
    existing = uow.invoices.by_source(key)
    if existing is not None:
        return existing
    price = appraisal.get("price")
    invoice = new_invoice(
        uow,
        source_key=key,
        region=region,
        source_kind="replacement",
        work_order_id=appraisal.get("work_order_id"),
        ticket_id=appraisal.get("ticket_id"),
        return_id=appraisal["return_id"],
        product_model=appraisal["product_model"],
        serial_no=appraisal.get("serial_no"),
        customer_name=appraisal.get("customer_name"),
        work_record={"kind": "replacement", "quantity": 1, "price": _text(price)},
        work_done_at=appraisal["appraised_at"],
    )
    return _priced(uow, invoice, currency=appraisal["currency"])


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(domain.to_cents(amount))


COPIED = (
    "region",
    "source_kind",
    "work_order_id",
    "ticket_id",
    "return_id",
    "visit_number",
    "technician_id",
    "product_model",
    "serial_no",
    "customer_name",
    "work_performed",
    "work_record",
    "work_done_at",
)


def reissue(uow: BillingUnitOfWork, original: Invoice) -> Invoice:
    """A new draft for the same work at the prices the record calls for (an audit's
    resolution: the original is credited in full)."""
    copy = {name: getattr(original, name) for name in COPIED}
    invoice = new_invoice(
        uow,
        source_key=f"{original.source_key}#{original.number}",
        replaces_id=original.id,
        **copy,
    )
    lines, schedule = expected_lines(uow, invoice)
    invoice.price(lines, currency=original.currency, tax_rate=schedule.tax_rate)
    invoice.schedule_number = schedule.number
    return uow.invoices.add(invoice)
