"""Maintenance plans and the records of their visits."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, url_for

from services.maintenance import queries, use_cases
from services.maintenance.repositories import SqlMaintenanceUnitOfWork
from services.maintenance.routes.record_sheet import render_record_sheet
from services.maintenance.schemas import (
    PlanCreate,
    PlanQueryArgs,
    PlanRead,
    PlanUpdate,
    RecordCreate,
    RecordRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, session, unit_of_work

READERS = ("agent", "technician", "engineer", "manager", "admin")
# SPEC names a dispatcher role; the kit has none yet: agents and managers plan.
PLANNERS = ("agent", "manager", "admin")

plans = Blueprint(
    "plans", __name__, url_prefix="/plans", description="Maintenance plans and visit records"
)


def _uow() -> SqlMaintenanceUnitOfWork:
    return unit_of_work(SqlMaintenanceUnitOfWork)


@plans.route("", methods=["POST"])
@plans.requires(*PLANNERS)
@plans.idempotent
@plans.arguments(PlanCreate)
@plans.response(201, PlanRead)
def create_plan(plan_in: dict[str, Any]) -> Any:
    """A plan for an asset: the default of its product type and environment, with any field
    overridden."""
    plan = use_cases.create_plan(_uow(), plan_in=plan_in, by=principal())
    return plan, 201, {"Location": url_for("plans.get_plan", plan_id=plan.id)}


@plans.route("", methods=["GET"])
@plans.requires(*READERS)
@plans.arguments(PlanQueryArgs, location="query")
@plans.response(200, PlanRead(many=True))
@plans.paginated()
def list_plans(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List plans, next due first; filter by region, status, serial number, due dates and
    creation time."""
    return queries.list_plans(session(), filters=filters, viewer=principal(), window=window)


@plans.route("/<uuid:plan_id>", methods=["GET"])
@plans.requires(*READERS)
@plans.response(200, PlanRead)
def get_plan(plan_id: uuid.UUID) -> Any:
    """One plan and where its schedule stands."""
    return queries.get_plan(session(), plan_id, viewer=principal())


@plans.route("/<uuid:plan_id>", methods=["PATCH"])
@plans.requires(*PLANNERS)
@plans.arguments(PlanUpdate)
@plans.response(200, PlanRead)
def update_plan(changes: dict[str, Any], plan_id: uuid.UUID) -> Any:
    """Change a plan, or pause or resume it: only future occurrences move."""
    return use_cases.update_plan(_uow(), plan_id=plan_id, changes=changes, by=principal())


@plans.route("/<uuid:plan_id>/records", methods=["POST"])
@plans.requires("technician", "manager", "admin")
@plans.idempotent
@plans.arguments(RecordCreate)
@plans.response(201, RecordRead)
def create_record(record_in: dict[str, Any], plan_id: uuid.UUID) -> Any:
    """The record of a visit: tasks, findings, problems (each becomes a ticket), photos and
    documents, the customer's signature. The next due date counts from this visit."""
    record = use_cases.record_visit(_uow(), plan_id=plan_id, record_in=record_in, by=principal())
    location = url_for("plans.get_record", plan_id=plan_id, record_id=record.id)
    return record, 201, {"Location": location}


@plans.route("/<uuid:plan_id>/records", methods=["GET"])
@plans.requires(*READERS)
@plans.response(200, RecordRead(many=True))
@plans.paginated()
def list_records(plan_id: uuid.UUID, window: Window) -> Page[Any]:
    """A plan's records, newest visit first."""
    return queries.list_records(session(), plan_id, viewer=principal(), window=window)


@plans.route("/<uuid:plan_id>/records/<uuid:record_id>", methods=["GET"])
@plans.requires(*READERS)
@plans.response(200, RecordRead)
def get_record(plan_id: uuid.UUID, record_id: uuid.UUID) -> Any:
    """One record."""
    return queries.get_record(session(), plan_id, record_id, viewer=principal())


@plans.route("/<uuid:plan_id>/records/<uuid:record_id>/sheet.pdf", methods=["GET"])
@plans.requires(*READERS)
@plans.response(200, description="The record sheet the customer keeps (PDF)")
def get_record_sheet(plan_id: uuid.UUID, record_id: uuid.UUID) -> Any:
    """The record sheet the customer keeps, as a PDF (Chinese and English)."""
    record = queries.get_record(session(), plan_id, record_id, viewer=principal())
    pdf = render_record_sheet(record)
    disposition = f'inline; filename="maintenance-{record.serial_no}-{record.visited_on}.pdf"'
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": disposition})
