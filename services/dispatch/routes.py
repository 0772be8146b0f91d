"""Dispatch's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import url_for

from services.dispatch import queries, use_cases
from services.dispatch.domain import DEFAULT_FOLLOW_UP_DAYS, follow_up_days, route_region
from services.dispatch.domain.qualifications import gated_skills
from services.dispatch.repositories import SqlDispatchUnitOfWork
from services.dispatch.schemas import (
    AcceptanceCreate,
    CheckInCreate,
    CompletionCreate,
    DepartureCreate,
    FollowUpCreate,
    FollowUpDueQueryArgs,
    FollowUpDueRead,
    NonGenuineApprovalCreate,
    PartAgreementRead,
    PartsAgreementCreate,
    PartsProposalCreate,
    RouteQueryArgs,
    RouteRead,
    ScheduleCreate,
    TechnicianCreate,
    TechnicianDetailRead,
    TechnicianQueryArgs,
    TechnicianRead,
    TechnicianUpdate,
    TrainingCompletionCreate,
    WorkOrderDetailRead,
    WorkOrderQueryArgs,
    WorkOrderRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, runtime, session, unit_of_work


def _uow() -> SqlDispatchUnitOfWork:
    """The request's unit of work, with dispatch's repositories."""
    return unit_of_work(SqlDispatchUnitOfWork)


technicians = Blueprint(
    "technicians",
    __name__,
    url_prefix="/technicians",
    description="Employees and partner workshops who visit customers",
)
work_orders = Blueprint(
    "work_orders",
    __name__,
    url_prefix="/work-orders",
    description="Repair and maintenance work: visits, repair records, acceptance, follow-up",
)


@technicians.route("", methods=["POST"])
@technicians.requires("manager", "admin")
@technicians.idempotent
@technicians.arguments(TechnicianCreate)
@technicians.response(201, TechnicianRead)
def create_technician(technician_in: dict[str, Any]) -> Any:
    """Add a technician or partner workshop to a region's roster."""
    technician = use_cases.register_technician(_uow(), technician_in=technician_in, by=principal())
    location = url_for("technicians.get_technician", technician_id=technician.id)
    return technician, 201, {"Location": location}


@technicians.route("", methods=["GET"])
@technicians.requires("agent", "dispatcher", "manager", "admin")
@technicians.arguments(TechnicianQueryArgs, location="query")
@technicians.response(200, TechnicianRead(many=True))
@technicians.paginated()
def list_technicians(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List technicians by name; filter by region, status (active/inactive), kind, skill."""
    return queries.list_technicians(session(), filters=filters, viewer=principal(), window=window)


@technicians.route("/<uuid:technician_id>", methods=["GET"])
@technicians.requires("agent", "dispatcher", "manager", "admin")
@technicians.response(200, TechnicianDetailRead)
def get_technician(technician_id: uuid.UUID) -> Any:
    """One technician, with each skill's qualification and whether it is valid today."""
    rt = runtime()
    return queries.get_technician_detail(
        session(),
        technician_id,
        viewer=principal(),
        today=lambda region: rt.clock.now().astimezone(rt.calendars.for_region(region).tz).date(),
        gated=gated_skills(rt.settings.option("qualified_skills", "")),
    )


@technicians.route("/<uuid:technician_id>", methods=["PATCH"])
@technicians.requires("manager", "admin")
@technicians.arguments(TechnicianUpdate)
@technicians.response(200, TechnicianRead)
def update_technician(changes: dict[str, Any], technician_id: uuid.UUID) -> Any:
    """Change a technician's name, skills, login, phone, or take them off the roster."""
    return use_cases.update_technician(
        _uow(), technician_id=technician_id, changes=changes, by=principal()
    )


@work_orders.route("", methods=["GET"])
@work_orders.requires("agent", "dispatcher", "technician", "engineer", "manager", "admin")
@work_orders.arguments(WorkOrderQueryArgs, location="query")
@work_orders.response(200, WorkOrderRead(many=True))
@work_orders.paginated()
def list_work_orders(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List work orders, newest first (a technician sees their own); filter by region,
    status, kind, technician, serial number, ticket and opening time."""
    return queries.list_work_orders(session(), filters=filters, viewer=principal(), window=window)


@work_orders.route("/<uuid:work_order_id>", methods=["GET"])
@work_orders.requires("agent", "dispatcher", "technician", "engineer", "manager", "admin")
@work_orders.response(200, WorkOrderDetailRead)
def get_work_order(work_order_id: uuid.UUID) -> Any:
    """One work order with its visits (appointment, arrival, repair record, answer)."""
    return queries.get_work_order(session(), work_order_id, viewer=principal())


@work_orders.route("/<uuid:work_order_id>/schedule", methods=["POST"])
@work_orders.requires("agent", "dispatcher", "manager", "admin")
@work_orders.idempotent
@work_orders.arguments(ScheduleCreate)
@work_orders.response(200, WorkOrderDetailRead)
def schedule_visit(schedule_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """Book a visit, or move the pending one, with a named or automatically chosen
    technician and a window confirmed with the customer (agents and dispatchers, usually
    limited to their region). A technician is never booked twice at once: a named one who
    has another visit in the window is a 409 naming ``technician_id``; the automatic choice
    passes over whoever is busy."""
    return use_cases.schedule_visit(
        _uow(), work_order_id=work_order_id, schedule_in=schedule_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/check-in", methods=["POST"])
@work_orders.requires("technician")
@work_orders.idempotent
@work_orders.arguments(CheckInCreate)
@work_orders.response(200, WorkOrderDetailRead)
def check_in(check_in_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The assigned technician arrives on site; on time means by the window's end."""
    return use_cases.check_in(
        _uow(), work_order_id=work_order_id, check_in_in=check_in_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/departure", methods=["POST"])
@work_orders.requires("technician")
@work_orders.idempotent
@work_orders.arguments(DepartureCreate)
@work_orders.response(200, WorkOrderDetailRead)
def set_off(departure_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The assigned technician sets off for the booked visit; the customer is told."""
    return use_cases.set_off(
        _uow(), work_order_id=work_order_id, departure_in=departure_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/completion", methods=["POST"])
@work_orders.requires("technician")
@work_orders.idempotent
@work_orders.arguments(CompletionCreate)
@work_orders.response(200, WorkOrderDetailRead)
def complete_visit(record_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The assigned technician's repair record: work, parts, hours, result, signature."""
    return use_cases.complete_visit(
        _uow(), work_order_id=work_order_id, record_in=record_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/training-completion", methods=["POST"])
@work_orders.requires("technician")
@work_orders.idempotent
@work_orders.arguments(TrainingCompletionCreate)
@work_orders.response(200, WorkOrderDetailRead)
def finish_training_visit(done_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The assigned trainer marks a training visit done (attendance is recorded in support)."""
    return use_cases.finish_training_visit(
        _uow(), work_order_id=work_order_id, done_in=done_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/parts-proposals", methods=["POST"])
@work_orders.requires("technician")
@work_orders.idempotent
@work_orders.arguments(PartsProposalCreate)
@work_orders.response(201, PartAgreementRead)
def propose_parts(proposal_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The assigned technician puts chargeable parts to the customer at their fee-schedule
    prices, for the customer's agreement before use."""
    return use_cases.propose_parts(
        _uow(), work_order_id=work_order_id, proposal_in=proposal_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/parts-agreement", methods=["POST"])
@work_orders.requires("agent", "technician", "manager", "admin")
@work_orders.idempotent
@work_orders.arguments(PartsAgreementCreate)
@work_orders.response(200, WorkOrderDetailRead)
def agree_parts(agreement_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The customer agrees to a proposal of chargeable parts (their signature, or a call the
    office records)."""
    return use_cases.agree_parts(
        _uow(), work_order_id=work_order_id, agreement_in=agreement_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/non-genuine-approvals", methods=["POST"])
@work_orders.requires("manager")
@work_orders.idempotent
@work_orders.arguments(NonGenuineApprovalCreate)
@work_orders.response(200, WorkOrderDetailRead)
def allow_non_genuine_part(approval_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """A manager allows a non-genuine part on this work order, saying why."""
    return use_cases.allow_non_genuine_part(
        _uow(), work_order_id=work_order_id, approval_in=approval_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/acceptance", methods=["POST"])
@work_orders.requires("agent", "technician", "manager", "admin")
@work_orders.idempotent
@work_orders.arguments(AcceptanceCreate)
@work_orders.response(200, WorkOrderDetailRead)
def answer_repair(answer_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """The customer accepts and rates the repair, or rejects it (another visit follows)."""
    return use_cases.answer_repair(
        _uow(), work_order_id=work_order_id, answer_in=answer_in, by=principal()
    )


@work_orders.route("/<uuid:work_order_id>/follow-up", methods=["POST"])
@work_orders.requires("agent", "manager", "admin")
@work_orders.idempotent
@work_orders.arguments(FollowUpCreate)
@work_orders.response(200, WorkOrderDetailRead)
def record_follow_up(follow_up_in: dict[str, Any], work_order_id: uuid.UUID) -> Any:
    """A follow-up call: the customer's satisfaction and remarks."""
    return use_cases.record_follow_up(
        _uow(), work_order_id=work_order_id, follow_up_in=follow_up_in, by=principal()
    )


follow_ups = Blueprint(
    "follow_ups", __name__, url_prefix="/follow-ups", description="Follow-up calls to customers"
)
routes = Blueprint(
    "routes", __name__, url_prefix="/routes", description="Each technician's visits of a day"
)


@follow_ups.route("/due", methods=["GET"])
@follow_ups.requires("agent", "dispatcher", "manager", "admin")
@follow_ups.arguments(FollowUpDueQueryArgs, location="query")
@follow_ups.response(200, FollowUpDueRead(many=True))
@follow_ups.paginated()
def list_follow_ups_due(args: dict[str, Any], window: Window) -> Page[Any]:
    """Follow-up calls due (by default 3 and 30 days after acceptance), longest waiting first."""
    rt = runtime()
    days = follow_up_days(rt.settings.option("follow_up_days", DEFAULT_FOLLOW_UP_DAYS))
    return queries.list_follow_ups_due(
        session(),
        region=args.get("region"),
        viewer=principal(),
        now=rt.clock.now(),
        days=days,
        window=window,
    )


@routes.route("", methods=["GET"])
@routes.requires("dispatcher", "technician", "manager", "admin")
@routes.arguments(RouteQueryArgs, location="query")
@routes.response(200, RouteRead(many=True))
def list_routes(args: dict[str, Any]) -> Any:
    """Each technician's booked visits of a day in a region, in time order (a technician
    sees their own)."""
    viewer, rt = principal(), runtime()
    region = route_region(viewer, args.get("region"))
    tz = rt.calendars.for_region(region).tz
    day = args.get("date") or rt.clock.now().astimezone(tz).date()
    starts = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return queries.list_route(session(), region=region, day_starts=starts, viewer=viewer)
