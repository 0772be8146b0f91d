"""Returns's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.returns import queries, use_cases
from services.returns.repositories import SqlReturnsUnitOfWork
from services.returns.schemas import (
    AgreementCreate,
    AppraisalCreate,
    OverdueQueryArgs,
    ReceiptCreate,
    RefundCreate,
    ReturnCreate,
    ReturnQueryArgs,
    ReturnRead,
    ShipmentCreate,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, runtime, session, unit_of_work

READERS = ("agent", "engineer", "finance", "manager", "admin")
CLERKS = ("agent", "manager", "admin")

blp = Blueprint(
    "returns", __name__, url_prefix="/returns", description="Replacement and refund requests"
)


def _uow() -> SqlReturnsUnitOfWork:
    """The request's unit of work, with returns's repositories."""
    return unit_of_work(SqlReturnsUnitOfWork)


@blp.route("", methods=["POST"])
@blp.requires(*CLERKS)
@blp.idempotent
@blp.arguments(ReturnCreate)
@blp.response(201, ReturnRead)
def create_return(return_in: dict[str, Any]) -> Any:
    """Request a replacement or a refund (warranty decided as of the report date)."""
    request = use_cases.request_return(_uow(), return_in=return_in, by=principal())
    return request, 201, {"Location": url_for("returns.get_return", return_id=request.id)}


@blp.route("", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(ReturnQueryArgs, location="query")
@blp.response(200, ReturnRead(many=True))
@blp.paginated()
def list_returns(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List requests, newest first (filters: region, status, kind, decision, time...)."""
    return queries.list_returns(session(), filters=filters, viewer=principal(), window=window)


@blp.route("/overdue-originals", methods=["GET"])
@blp.requires(*CLERKS)
@blp.arguments(OverdueQueryArgs, location="query")
@blp.response(200, ReturnRead(many=True))
@blp.paginated()
def list_overdue_originals(filters: dict[str, Any], window: Window) -> Page[Any]:
    """Replacements shipped whose original is past due and not back, most overdue first."""
    return queries.list_overdue_originals(
        session(),
        region=filters.get("region"),
        viewer=principal(),
        now=runtime().clock.now(),
        window=window,
    )


@blp.route("/<uuid:return_id>", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, ReturnRead)
def get_return(return_id: uuid.UUID) -> Any:
    """One request with its appraisal, agreement, shipment, receipt and refund."""
    return queries.get_return(session(), return_id, viewer=principal())


@blp.route("/<uuid:return_id>/appraisal", methods=["POST"])
@blp.requires("engineer")
@blp.idempotent
@blp.arguments(AppraisalCreate)
@blp.response(200, ReturnRead)
def appraise_return(appraisal_in: dict[str, Any], return_id: uuid.UUID) -> Any:
    """An engineer's appraisal; the warranty rules decide the remedy."""
    return use_cases.appraise_return(
        _uow(), return_id=return_id, appraisal_in=appraisal_in, by=principal()
    )


@blp.route("/<uuid:return_id>/agreement", methods=["POST"])
@blp.requires(*CLERKS)
@blp.idempotent
@blp.arguments(AgreementCreate)
@blp.response(200, ReturnRead)
def agree_return(agreement_in: dict[str, Any], return_id: uuid.UUID) -> Any:
    """What the customer agreed (replacement terms, or return method and refund date)."""
    return use_cases.agree_return(
        _uow(), return_id=return_id, agreement_in=agreement_in, by=principal()
    )


@blp.route("/<uuid:return_id>/shipment", methods=["POST"])
@blp.requires(*CLERKS)
@blp.idempotent
@blp.arguments(ShipmentCreate)
@blp.response(200, ReturnRead)
def ship_replacement(shipment_in: dict[str, Any], return_id: uuid.UUID) -> Any:
    """The replacement leaves: carrier, tracking number, new serial; the original is due."""
    return use_cases.ship_replacement(
        _uow(), return_id=return_id, shipment_in=shipment_in, by=principal()
    )


@blp.route("/<uuid:return_id>/receipt", methods=["POST"])
@blp.requires(*CLERKS)
@blp.idempotent
@blp.arguments(ReceiptCreate)
@blp.response(200, ReturnRead)
def receive_return(receipt_in: dict[str, Any], return_id: uuid.UUID) -> Any:
    """The returned product is back and checked."""
    return use_cases.receive_return(
        _uow(), return_id=return_id, receipt_in=receipt_in, by=principal()
    )


@blp.route("/<uuid:return_id>/refund", methods=["POST"])
@blp.requires("finance", "manager")
@blp.idempotent
@blp.arguments(RefundCreate)
@blp.response(200, ReturnRead)
def refund_return(refund_in: dict[str, Any], return_id: uuid.UUID) -> Any:
    """Pay the refund, once, after the product was received and checked."""
    return use_cases.refund_return(_uow(), return_id=return_id, refund_in=refund_in, by=principal())
