"""The fee schedule: published read-only to everyone (no token needed to read it, as a
price list on the wall), changed only by finance."""

from __future__ import annotations

from typing import Any

from flask import Response

from services.billing import queries, use_cases
from services.billing.repositories import SqlBillingUnitOfWork
from services.billing.routes.pdf import render_fee_schedule
from services.billing.schemas import FeeScheduleQueryArgs, FeeScheduleRead, FeeScheduleUpdate
from shared.domain import Page, Window
from shared.web import Blueprint, principal, runtime, session, unit_of_work

fee_schedule = Blueprint(
    "fee_schedule",
    __name__,
    url_prefix="/fee-schedule",
    description="Call-out fees, labour rates, part and product prices, versioned by date",
)


@fee_schedule.route("", methods=["GET"])
@fee_schedule.arguments(FeeScheduleQueryArgs, location="query")
@fee_schedule.response(200, FeeScheduleRead)
def get_fee_schedule(args: dict[str, Any]) -> Any:
    """The fee schedule in force now (or ``at`` a time). Open to everyone: no token needed."""
    return queries.get_fee_schedule(session(), at=args.get("at") or runtime().clock.now())


@fee_schedule.route("", methods=["PUT"])
@fee_schedule.requires("finance")
@fee_schedule.idempotent
@fee_schedule.arguments(FeeScheduleUpdate)
@fee_schedule.response(200, FeeScheduleRead)
def put_fee_schedule(schedule_in: dict[str, Any]) -> Any:
    """Publish the next version of the fee schedule (``fee_schedule.published``)."""
    uow = unit_of_work(SqlBillingUnitOfWork)
    return use_cases.publish_fee_schedule(uow, schedule_in=schedule_in, by=principal())


@fee_schedule.route("/pdf", methods=["GET"])
@fee_schedule.arguments(FeeScheduleQueryArgs, location="query")
@fee_schedule.alt_response(
    200,
    schema={"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="The price list as a PDF",
    success=True,
)
def get_fee_schedule_pdf(args: dict[str, Any]) -> Response:
    """The fee schedule in force (or ``at`` a time) as a printable price list. Open to
    everyone."""
    schedule = queries.get_fee_schedule(session(), at=args.get("at") or runtime().clock.now())
    return Response(
        render_fee_schedule(schedule),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="fee-schedule-v{schedule.number}.pdf"'},
    )


@fee_schedule.route("/versions", methods=["GET"])
@fee_schedule.response(200, FeeScheduleRead(many=True))
@fee_schedule.paginated()
def list_fee_schedule_versions(window: Window) -> Page[Any]:
    """Every published version, the latest first. Open to everyone."""
    return queries.list_fee_schedule_versions(session(), window=window)


@fee_schedule.route("/versions/<int:number>", methods=["GET"])
@fee_schedule.response(200, FeeScheduleRead)
def get_fee_schedule_version(number: int) -> Any:
    """One version of the fee schedule. Open to everyone."""
    return queries.get_fee_schedule_version(session(), number)
