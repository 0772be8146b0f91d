"""Returns's use cases: each loads through the unit of work, asks the domain, lets the request
record what happened, and commits."""

from __future__ import annotations

import uuid
from typing import Any

from services.returns import domain
from services.returns.models import ReturnRequest
from services.returns.repositories import ReturnsUnitOfWork, Schedule
from shared.auth import Principal
from shared.domain import require_region


def _new_request(uow: ReturnsUnitOfWork, **values: Any) -> ReturnRequest:
    return ReturnRequest(
        id=uuid.uuid4(), status=domain.REQUESTED, requested_at=uow.clock.now(), version=0, **values
    )


def request_return(
    uow: ReturnsUnitOfWork, *, return_in: dict[str, Any], by: Principal
) -> ReturnRequest:
    """An agent's request for a replacement or a refund (``return.requested``); warranty is
    decided as of the report date from the purchase date and returns's copy of the policy."""
    require_region(by, return_in["region"])
    existing = uow.returns.open_for_serial(return_in["serial_no"])
    if existing is not None:
        raise domain.duplicate_request(existing.id, existing.status)
    customer = return_in["customer"]
    reported_at = return_in.get("reported_at") or uow.clock.now()
    request = _new_request(
        uow,
        kind=return_in["kind"],
        region=return_in["region"],
        source="agent",
        ticket_id=return_in.get("ticket_id"),
        work_order_id=return_in.get("work_order_id"),
        serial_no=return_in["serial_no"],
        product_model=return_in["product_model"],
        reason=return_in["reason"],
        purchase_date=return_in.get("purchase_date"),
        customer_name=customer["name"],
        customer_phone=customer.get("phone"),
        evidence=[dict(item) for item in return_in["evidence"]],
        reported_at=reported_at,
        requested_by=by.sub,
    )
    request.set_warranty(
        domain.warranty_on(
            model=request.product_model,
            purchase_date=request.purchase_date,
            reported_on=reported_at.astimezone(uow.calendar(request.region).tz).date(),
            policy=uow.warranty_policy(),
        )
    )
    uow.returns.add(request)
    request.announce()
    uow.commit()
    return request


def _escalation_warranty(warranty: dict[str, Any]) -> domain.Warranty:
    covered = [name for name in ("parts", "labour") if warranty[f"{name}_covered"]]
    reason = "decided by intake as of the report date; covered: " + (", ".join(covered) or "none")
    return domain.Warranty(
        warranty["status"], warranty["parts_covered"], warranty["labour_covered"], reason
    )


def open_return_from_escalation(
    uow: ReturnsUnitOfWork, *, source_event_id: str, region: str, escalation: dict[str, Any]
) -> ReturnRequest:
    """The request a repair escalation calls for (once per event and per work order): a
    replacement, or for a return a refund whose remedy the appraisal may change."""
    work_order_id = escalation["work_order_id"]
    existing = uow.returns.opened_by(source_event_id) or uow.returns.for_work_order(work_order_id)
    if existing is not None:
        return existing
    name, phone = _escalation_customer(uow, escalation)
    failed, nature = escalation["failed_visits"], escalation["nature"]
    request = _new_request(
        uow,
        kind="replacement" if escalation["escalated_to"] == "replacement" else "refund",
        region=region,
        source="escalation",
        source_event_id=source_event_id,
        ticket_id=escalation.get("ticket_id"),
        work_order_id=work_order_id,
        serial_no=escalation.get("serial_no") or domain.UNRECORDED_SERIAL,
        product_model=escalation["product_model"],
        reason=f"{failed} failed repair visits on a {nature}: {escalation['escalated_to']}",
        purchase_date=None,
        customer_name=name,
        customer_phone=phone,
        evidence=[
            {
                "description": f"work order with {failed} failed visits on a {nature}",
                "reference": f"work-order:{work_order_id}",
            }
        ],
        reported_at=escalation["escalated_at"],
        requested_by="dispatch",
    )
    request.set_warranty(_escalation_warranty(escalation["warranty"]))
    uow.returns.add(request)
    request.announce()
    uow.commit()
    return request


def _escalation_customer(
    uow: ReturnsUnitOfWork, escalation: dict[str, Any]
) -> tuple[str, str | None]:
    """The customer the escalation names, else the ticket's (from intake), else unknown."""
    if escalation.get("customer_name"):
        return escalation["customer_name"], escalation.get("customer_phone")
    ticket_id = escalation.get("ticket_id")
    known = uow.customers.of_ticket(ticket_id) if ticket_id is not None else None
    return known or (domain.UNKNOWN_CUSTOMER, None)


def remember_ticket_customer(
    uow: ReturnsUnitOfWork, *, ticket_id: uuid.UUID, name: str, phone: str | None
) -> None:
    """Keep the customer of a ticket sent to dispatch, for a request its escalation opens;
    a request its escalation opened before (out of order) is told the customer now."""
    uow.customers.remember(ticket_id, name, phone, uow.clock.now())
    for request in uow.returns.without_customer(ticket_id):
        request.customer_name, request.customer_phone = name, phone
    uow.commit()


def record_fee_schedule(uow: ReturnsUnitOfWork, *, schedule: Schedule) -> None:
    """Keep a fee-schedule version billing published (its product prices)."""
    uow.prices.record(schedule, at=uow.clock.now())
    uow.commit()


def appraise_return(
    uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, appraisal_in: dict[str, Any], by: Principal
) -> ReturnRequest:
    """An engineer's appraisal; the rules decide the remedy (``return.appraised``). A paid
    replacement is priced from the fee schedule in force now."""
    now = uow.clock.now()
    request = uow.returns.get_for_step(return_id, by=by)
    request.require((domain.REQUESTED,), "appraise")
    kind = appraisal_in.get("kind") or request.kind
    price = uow.prices.price_in_force(request.product_model, at=now)
    verdict = domain.appraise(
        kind=kind,
        warranty_status=request.warranty_status,
        quality_defect=appraisal_in["quality_defect"],
        severity=appraisal_in.get("severity"),
        refund_amount=appraisal_in.get("refund_amount"),
        price=price.amount if price is not None else None,
        rejection=appraisal_in.get("rejection_reason"),
    )
    paid = verdict.decision == domain.PAID_REPLACEMENT and price is not None
    default_currency = uow.option("currency", domain.DEFAULT_CURRENCY)
    request.currency = price.currency if paid and price else default_currency
    request.schedule_version = price.schedule_version if paid and price else None
    request.appraise(verdict, appraisal_in, by=by.sub, at=now)
    uow.commit()
    return request


def agree_return(
    uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, agreement_in: dict[str, Any], by: Principal
) -> ReturnRequest:
    """What the customer agreed to: the replacement's model, specification and quantity, or
    the refund's return method and refund date."""
    request = uow.returns.get_for_step(return_id, by=by)
    request.require((domain.APPRAISED, domain.AGREED), "record an agreement")
    domain.require_agreement(request.decision, agreement_in)
    domain.require_priced_model(request.decision, request.product_model, agreement_in)
    request.agree(agreement_in, by=by.sub, at=uow.clock.now())
    uow.commit()
    return request


def ship_replacement(
    uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, shipment_in: dict[str, Any], by: Principal
) -> ReturnRequest:
    """The replacement leaves (``replacement.shipped``); the original is due back within the
    configured days (option ``original_return_days``, default 15)."""
    request = uow.returns.get_for_step(return_id, by=by)
    days = domain.return_days(
        uow.option("original_return_days", str(domain.DEFAULT_ORIGINAL_RETURN_DAYS))
    )
    request.ship(shipment_in, at=uow.clock.now(), due_days=days)
    uow.commit()
    return request


def receive_return(
    uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, receipt_in: dict[str, Any], by: Principal
) -> ReturnRequest:
    """The returned product is back and checked (``return.received``), late or not."""
    request = uow.returns.get_for_step(return_id, by=by)
    request.receive(receipt_in, at=uow.clock.now())
    uow.commit()
    return request


def refund_return(
    uow: ReturnsUnitOfWork, *, return_id: uuid.UUID, refund_in: dict[str, Any], by: Principal
) -> ReturnRequest:
    """Pay the refund (``refund.issued``): after receipt and check, once."""
    request = uow.returns.get_for_step(return_id, by=by)
    request.pay_refund(refund_in, by=by.sub, at=uow.clock.now())
    uow.commit()
    return request
