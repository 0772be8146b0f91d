"""A request from start to end on the fake unit of work: opened by an agent or by a repair
escalation (once per event), appraised, agreed, shipped, the original received (late or
not), refunded once after receipt; every refusal (409 naming the status, 422 naming the
field, 404 outside the region) leaving nothing committed."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from services.returns.models import ReturnRequest
from services.returns.repositories import FakeReturnsUnitOfWork
from services.returns.use_cases import (
    agree_return,
    appraise_return,
    open_return_from_escalation,
    receive_return,
    refund_return,
    remember_ticket_customer,
    request_return,
    ship_replacement,
)
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.unit.returns.support import (
    AGENT,
    EAST_AGENT,
    ENGINEER,
    FINANCE,
    RECEIPT,
    REFUND,
    REFUND_TERMS,
    REPLACEMENT_TERMS,
    SHIPMENT,
    START,
    appraisal,
    clock_of,
    escalation,
    make_uow,
    return_in,
)

DAY = dt.timedelta(days=1)


def trail(uow: FakeReturnsUnitOfWork) -> list[tuple[str, int | None]]:
    return [(e.type, e.sequence) for e in uow.published()]


def agreed(
    uow: FakeReturnsUnitOfWork, kind: str = "replacement", **appraised: Any
) -> ReturnRequest:
    """A request in warranty, appraised with a serious defect and agreed (three commits)."""
    serial = f"SN-{uuid.uuid4().hex[:8]}"
    request = request_return(
        uow,
        return_in=return_in(kind=kind, purchase_date=dt.date(2025, 3, 1), serial_no=serial),
        by=AGENT,
    )
    appraise_return(uow, return_id=request.id, appraisal_in=appraisal(**appraised), by=ENGINEER)
    terms = REPLACEMENT_TERMS if kind == "replacement" else REFUND_TERMS
    return agree_return(uow, return_id=request.id, agreement_in=terms, by=AGENT)


# -- opening -----------------------------------------------------------------------------------
def test_an_escalation_opens_one_request_with_intakes_warranty_and_the_tickets_customer() -> None:
    uow = make_uow()
    payload = escalation()
    remember_ticket_customer(
        uow, ticket_id=payload["ticket_id"], name="Zhang San", phone="+86 139 1"
    )

    first = open_return_from_escalation(
        uow, source_event_id="e-1", region="south", escalation=payload
    )
    again = open_return_from_escalation(
        uow, source_event_id="e-1", region="south", escalation=payload
    )
    replayed = open_return_from_escalation(
        uow, source_event_id="e-2", region="south", escalation=payload
    )

    assert first is again is replayed
    assert (first.kind, first.source, first.region, first.status) == (
        "replacement",
        "escalation",
        "south",
        "requested",
    )
    assert (first.customer_name, first.customer_phone) == ("Zhang San", "+86 139 1")
    assert first.warranty["status"] == "in_warranty" and first.warranty["labour_covered"] is False
    assert first.evidence == [
        {
            "description": "work order with 3 failed visits on a product_defect",
            "reference": f"work-order:{payload['work_order_id']}",
        }
    ]
    [event] = uow.published("return.requested")
    assert event.region == "south" and event.sequence == 1
    assert event.data["source"] == "escalation" and event.data["purchase_date"] is None
    assert event.data["reason"] == "3 failed repair visits on a product_defect: replacement"
    assert event.data["work_order_id"] == str(payload["work_order_id"])
    assert event.data["requested_at"] == "2026-12-04T02:00:00+00:00"


def test_an_escalation_to_a_return_opens_a_refund_and_tolerates_missing_facts() -> None:
    uow = make_uow()
    payload = escalation(escalated_to="return", serial_no=None, ticket_id=None)
    request = open_return_from_escalation(
        uow, source_event_id="e-1", region="east", escalation=payload
    )
    assert (request.kind, request.serial_no, request.customer_name) == (
        "refund",
        "unrecorded",
        "unknown customer",
    )
    named = escalation(customer_name="Wang Fang", customer_phone="+86 137 2")
    other = open_return_from_escalation(uow, source_event_id="e-2", region="east", escalation=named)
    assert (other.customer_name, other.customer_phone) == ("Wang Fang", "+86 137 2")


def test_a_customer_told_after_the_escalation_completes_the_request() -> None:
    uow = make_uow()
    payload = escalation()
    request = open_return_from_escalation(
        uow, source_event_id="e-1", region="east", escalation=payload
    )
    assert request.customer_name == "unknown customer"
    remember_ticket_customer(uow, ticket_id=payload["ticket_id"], name="Zhou Min", phone=None)
    assert (request.customer_name, request.customer_phone) == ("Zhou Min", None)
    appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    assert uow.published("return.appraised")[0].data["customer_name"] == "Zhou Min"


def test_a_region_limited_agent_requests_only_in_their_region() -> None:
    uow = make_uow()
    with pytest.raises(Forbidden) as refused:
        request_return(uow, return_in=return_in(region="north"), by=EAST_AGENT)
    assert refused.value.errors == {"region": ["outside the caller's region"]}
    north = request_return(uow, return_in=return_in(region="north"), by=AGENT)
    with pytest.raises(NotFound):
        agree_return(uow, return_id=north.id, agreement_in=REPLACEMENT_TERMS, by=EAST_AGENT)
    with pytest.raises(NotFound):
        appraise_return(uow, return_id=uuid.uuid4(), appraisal_in=appraisal(), by=ENGINEER)
    assert uow.commits == 1


def test_one_open_request_per_serial_number() -> None:
    uow = make_uow()
    first = request_return(uow, return_in=return_in(), by=AGENT)
    with pytest.raises(Conflict) as refused:
        request_return(uow, return_in=return_in(kind="refund"), by=AGENT)
    assert refused.value.errors == {"serial_no": [f"has an open return {first.id} (requested)"]}
    appraise_return(uow, return_id=first.id, appraisal_in=appraisal(False, None), by=ENGINEER)
    again = request_return(uow, return_in=return_in(kind="refund"), by=AGENT)  # first ended
    appraise_return(uow, return_id=again.id, appraisal_in=appraisal(), by=ENGINEER)
    agree_return(uow, return_id=again.id, agreement_in=REFUND_TERMS, by=AGENT)
    receive_return(uow, return_id=again.id, receipt_in=RECEIPT, by=AGENT)
    with pytest.raises(Conflict):  # back, but not refunded yet
        request_return(uow, return_in=return_in(), by=AGENT)
    assert len(uow.published("return.requested")) == 2


# -- replacement -------------------------------------------------------------------------------
def test_a_replacement_is_agreed_shipped_and_its_original_received_in_time() -> None:
    uow = make_uow()
    request = agreed(uow)
    assert (request.replacement_model, request.specification, request.quantity) == (
        "CP-400",
        "400 A, marine",
        1,
    )
    clock = clock_of(uow)
    clock.advance(days=1)

    shipped = ship_replacement(uow, return_id=request.id, shipment_in=SHIPMENT, by=AGENT)
    assert shipped.status == "shipped"
    assert shipped.original_due_at == START + 16 * DAY  # shipped a day after START, 15 days
    clock.advance(days=15)  # exactly the due moment: still in time
    received = receive_return(uow, return_id=request.id, receipt_in=RECEIPT, by=AGENT)

    assert (received.status, received.late) == ("received", False)
    assert trail(uow) == [
        ("return.requested", 1),
        ("return.appraised", 2),
        ("replacement.shipped", 3),
        ("return.received", 4),
    ]
    ship = uow.published("replacement.shipped")[0].data
    assert ship["original_due_at"] == "2026-12-20T02:00:00+00:00"
    assert (ship["replacement_model"], ship["specification"], ship["quantity"]) == (
        "CP-400",
        "400 A, marine",
        1,
    )
    assert (ship["carrier"], ship["tracking_no"], ship["new_serial_no"]) == (
        "SF Express",
        "SF1234567890",
        "SN-NEW-1",
    )
    assert uow.published("return.received")[0].data["late"] is False


def test_the_return_period_is_configurable_and_a_late_original_is_accepted_as_late() -> None:
    uow = make_uow(original_return_days="10")
    request = agreed(uow)
    shipped_at = START - dt.timedelta(hours=1) + DAY
    clock_of(uow).advance(days=2)
    ship_replacement(
        uow, return_id=request.id, shipment_in=SHIPMENT | {"shipped_at": shipped_at}, by=AGENT
    )
    assert request.original_due_at == shipped_at + 10 * DAY
    clock_of(uow).advance(days=30)

    received = receive_return(uow, return_id=request.id, receipt_in=RECEIPT, by=AGENT)

    assert (received.status, received.late) == ("received", True)
    assert uow.published("return.received")[0].data["late"] is True


def test_no_shipment_after_a_rejected_appraisal_nor_for_a_refund() -> None:
    uow = make_uow()
    request = request_return(uow, return_in=return_in(), by=AGENT)
    appraise_return(uow, return_id=request.id, appraisal_in=appraisal(False, None), by=ENGINEER)
    assert request.status == "rejected"
    with pytest.raises(Conflict) as refused:
        ship_replacement(uow, return_id=request.id, shipment_in=SHIPMENT, by=AGENT)
    assert refused.value.errors == {"status": ["is rejected"]}
    refund = agreed(uow, "refund")
    with pytest.raises(Conflict) as not_shipped:
        ship_replacement(uow, return_id=refund.id, shipment_in=SHIPMENT, by=AGENT)
    assert not_shipped.value.errors == {"decision": ["is refund"]}
    assert uow.published("replacement.shipped") == []


def test_an_appraisal_happens_once() -> None:
    uow = make_uow()
    request = agreed(uow)
    with pytest.raises(Conflict) as refused:
        appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    assert refused.value.errors == {"status": ["is agreed"]}


@pytest.mark.parametrize(
    ("kind", "terms", "errors"),
    [
        (
            "replacement",
            {"model": "CP-400"},
            {
                "specification": ["required for a replacement"],
                "quantity": ["required for a replacement"],
            },
        ),
        (
            "replacement",
            REPLACEMENT_TERMS | {"return_method": "pickup"},
            {"return_method": ["not agreed for a replacement"]},
        ),
        ("refund", {"return_method": "pickup"}, {"refund_date": ["required for a refund"]}),
        ("refund", REFUND_TERMS | {"quantity": 2}, {"quantity": ["not agreed for a refund"]}),
    ],
)
def test_an_agreement_must_fit_the_remedy(
    kind: str, terms: dict[str, Any], errors: dict[str, Any]
) -> None:
    uow = make_uow()
    request = request_return(uow, return_in=return_in(kind=kind), by=AGENT)
    appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    with pytest.raises(InvalidInput) as refused:
        agree_return(uow, return_id=request.id, agreement_in=terms, by=AGENT)
    assert refused.value.errors == errors
    assert request.status == "appraised" and request.agreed_at is None


def test_a_paid_replacement_ships_the_model_it_was_priced_for() -> None:
    uow = make_uow()
    request = request_return(
        uow, return_in=return_in(product_model="CP-400", purchase_date=None), by=AGENT
    )
    appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    other_model = REPLACEMENT_TERMS | {"model": "CP-600"}
    with pytest.raises(InvalidInput) as refused:
        agree_return(uow, return_id=request.id, agreement_in=other_model, by=AGENT)
    assert refused.value.errors == {"model": ["must be CP-400, the model priced at appraisal"]}
    agreed_ = agree_return(uow, return_id=request.id, agreement_in=REPLACEMENT_TERMS, by=AGENT)
    assert (agreed_.status, agreed_.replacement_model) == ("agreed", "CP-400")


def test_a_receipt_cannot_predate_the_shipment() -> None:
    uow = make_uow()
    request = agreed(uow)
    ship_replacement(uow, return_id=request.id, shipment_in=SHIPMENT, by=AGENT)
    early = RECEIPT | {"received_at": START - dt.timedelta(minutes=1)}
    with pytest.raises(InvalidInput) as refused:
        receive_return(uow, return_id=request.id, receipt_in=early, by=AGENT)
    assert list(refused.value.errors) == ["received_at"]
    assert request.status == "shipped" and request.received_at is None


# -- refund ------------------------------------------------------------------------------------
def test_a_refund_is_paid_once_and_only_after_the_product_is_received_and_checked() -> None:
    uow = make_uow()
    request = agreed(uow, "refund", refund_amount=Decimal("9800.00"))
    with pytest.raises(Conflict) as early:
        refund_return(uow, return_id=request.id, refund_in=REFUND, by=FINANCE)
    assert early.value.errors == {"status": ["is agreed"]}
    receive_return(uow, return_id=request.id, receipt_in=RECEIPT, by=AGENT)
    clock_of(uow).advance(days=2)

    refunded = refund_return(uow, return_id=request.id, refund_in=REFUND, by=FINANCE)

    assert (refunded.status, refunded.refund_paid, refunded.refunded_by) == (
        "refunded",
        Decimal("9800.00"),
        "fin-1",
    )
    with pytest.raises(Conflict) as twice:
        refund_return(uow, return_id=request.id, refund_in=REFUND, by=FINANCE)
    assert twice.value.errors == {"status": ["is refunded"]}
    [event] = uow.published("refund.issued")
    assert (event.data["amount"], event.data["currency"], event.data["method"]) == (
        "9800.00",
        "CNY",
        "bank_transfer",
    )
    assert event.data["issued_at"] == "2026-12-06T02:00:00+00:00" and event.sequence == 4
    assert len(uow.published("refund.issued")) == 1


def test_a_refund_pays_the_appraised_amount_and_needs_a_passed_check() -> None:
    uow = make_uow()
    request = agreed(uow, "refund", refund_amount=Decimal("9800.00"))
    receive_return(
        uow,
        return_id=request.id,
        receipt_in=RECEIPT | {"condition_ok": False, "check_notes": "unit opened and rewired"},
        by=AGENT,
    )
    with pytest.raises(Conflict) as failed:
        refund_return(uow, return_id=request.id, refund_in=REFUND, by=FINANCE)
    assert failed.value.errors == {"condition_ok": ["the check of the returned product failed"]}
    other = agreed(uow, "refund", refund_amount=Decimal("9800.00"))
    receive_return(uow, return_id=other.id, receipt_in=RECEIPT, by=AGENT)
    with pytest.raises(InvalidInput) as wrong:
        refund_return(
            uow, return_id=other.id, refund_in=REFUND | {"amount": Decimal("9900.00")}, by=FINANCE
        )
    assert wrong.value.errors == {"amount": ["must be 9800.00, the appraised amount"]}
    assert uow.published("refund.issued") == []


def test_no_refund_for_a_replacement() -> None:
    uow = make_uow()
    request = agreed(uow)
    ship_replacement(uow, return_id=request.id, shipment_in=SHIPMENT, by=AGENT)
    receive_return(uow, return_id=request.id, receipt_in=RECEIPT, by=AGENT)
    with pytest.raises(Conflict) as refused:
        refund_return(uow, return_id=request.id, refund_in=REFUND, by=FINANCE)
    assert refused.value.errors == {"decision": ["is free_replacement"]}
