"""Complaints' REST API: thin routes over the use cases and queries."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, url_for

from services.complaints import queries, use_cases
from services.complaints.repositories import ComplaintsUnitOfWork
from services.complaints.schemas import (
    AnalysisRead,
    ComplaintCreate,
    ComplaintQueryArgs,
    ComplaintRead,
    ComplaintSummaryRead,
    EvidenceCreate,
    EvidenceRead,
    FeedbackCreate,
    InvestigationCreate,
    MeasureDoneCreate,
    MeasureQueryArgs,
    MeasureRead,
    PeriodArgs,
    ReassignmentCreate,
    ReportRead,
    ResolutionCreate,
    RoutingRead,
    WaitingCreate,
)
from shared.domain import Page, Window
from shared.web import Blueprint, ProblemSchema, principal, runtime, session, unit_of_work

blp = Blueprint("complaints", __name__, url_prefix="/complaints", description="Customer complaints")
measures = Blueprint(
    "measures", __name__, url_prefix="/measures", description="Corrective measures"
)
READERS = ("agent", "engineer", "manager", "admin")
HANDLERS = ("engineer", "manager", "admin")
NOT_FOUND = {"schema": ProblemSchema, "description": "No such complaint (or not in your region)"}
CONFLICT = {"schema": ProblemSchema, "description": "The complaint's status forbids this step"}


def uow() -> ComplaintsUnitOfWork:
    """This request's unit of work."""
    return unit_of_work(ComplaintsUnitOfWork)


def _located(complaint: Any, status: int = 200) -> Any:
    return (
        complaint,
        status,
        {"Location": url_for("complaints.get_complaint", complaint_id=complaint.id)},
    )


@blp.route("", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(ComplaintCreate)
@blp.response(201, ComplaintRead)
def create_complaint(complaint_in: dict[str, Any]) -> Any:
    """File a complaint from the hotline, email or online chat: routed to its owner, with a
    resolution deadline in business hours the complainant is told."""
    complaint = use_cases.file_complaint(uow(), complaint_in=complaint_in, by=principal())
    return _located(complaint, 201)


@blp.route("", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(ComplaintQueryArgs, location="query")
@blp.response(200, ComplaintSummaryRead(many=True))
@blp.paginated()
def list_complaints(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List complaints, newest first; filter by region, status, category, severity, owner,
    department, complainant, filing time and whether past the deadline."""
    now = runtime().clock.now()
    return queries.list_complaints(
        session(), filters=filters, viewer=principal(), now=now, window=window
    )


@blp.route("/queue", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, ComplaintSummaryRead(many=True))
@blp.paginated()
def list_my_queue(window: Window) -> Page[Any]:
    """The caller's queue: the complaints they own that are not closed, deadline first."""
    return queries.list_queue(session(), viewer=principal(), window=window)


@blp.route("/routing", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, RoutingRead)
def get_routing() -> Any:
    """The routing rules and deadlines in force (AFTERCARE_COMPLAINTS_ROUTING_FILE)."""
    return uow().routing()


@blp.route("/analysis", methods=["GET"])
@blp.requires("manager", "admin")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, AnalysisRead)
def analyse_complaints(period: dict[str, Any]) -> Any:
    """Complaints filed in a period by category, root cause, responsibility, region,
    partner and repeat complainant, with the share resolved on time."""
    now = runtime().clock.now()
    return queries.analyse_complaints(session(), period=period, viewer=principal(), now=now)


@blp.route("/analysis.csv", methods=["GET"])
@blp.requires("manager", "admin")
@blp.arguments(PeriodArgs, location="query")
@blp.doc(responses={"200": {"description": "The analysis as CSV", "content": {"text/csv": {}}}})
def export_analysis(period: dict[str, Any]) -> Response:
    """The analysis of a period as CSV (one row per dimension and key)."""
    now = runtime().clock.now()
    found = queries.analyse_complaints(session(), period=period, viewer=principal(), now=now)
    name = f"complaints-{period['from_']:%Y%m%d}-{period['to']:%Y%m%d}.csv"
    return Response(
        queries.analysis_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/<uuid:complaint_id>", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, ComplaintRead)
@blp.alt_response(404, **NOT_FOUND)
def get_complaint(complaint_id: uuid.UUID) -> Any:
    """One complaint with its owner, deadline, evidence, resolutions, measures and timeline."""
    return queries.get_complaint(session(), complaint_id, viewer=principal())


@blp.route("/<uuid:complaint_id>/investigation", methods=["POST"])
@blp.requires(*HANDLERS)
@blp.idempotent
@blp.arguments(InvestigationCreate)
@blp.response(200, ComplaintRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def investigate_complaint(investigation_in: dict[str, Any], complaint_id: uuid.UUID) -> Any:
    """Record the investigation: findings, responsibility, root cause (and the partner)."""
    return use_cases.investigate_complaint(
        uow(), complaint_id=complaint_id, investigation_in=investigation_in, by=principal()
    )


@blp.route("/<uuid:complaint_id>/evidence", methods=["POST"])
@blp.requires(*HANDLERS)
@blp.idempotent
@blp.arguments(EvidenceCreate)
@blp.response(201, EvidenceRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def add_evidence(evidence_in: dict[str, Any], complaint_id: uuid.UUID) -> Any:
    """Attach an evidence item (photo, repair record, test report): a reference and its
    SHA-256; content uploaded with it must match the checksum (422 otherwise)."""
    return use_cases.add_evidence(
        uow(), complaint_id=complaint_id, evidence_in=evidence_in, by=principal()
    )


@blp.route("/<uuid:complaint_id>/evidence/<int:number>/content", methods=["GET"])
@blp.requires(*READERS)
@blp.alt_response(404, **NOT_FOUND)
@blp.doc(
    responses={"200": {"description": "The content", "content": {"application/octet-stream": {}}}}
)
def get_evidence_content(complaint_id: uuid.UUID, number: int) -> Response:
    """The uploaded content of an evidence item, as it was verified."""
    item = queries.get_evidence_content(session(), complaint_id, number, viewer=principal())
    headers = {"X-Content-SHA256": item.sha256, "Content-Disposition": "attachment"}
    return Response(item.content, mimetype="application/octet-stream", headers=headers)


@blp.route("/<uuid:complaint_id>/waiting", methods=["POST"])
@blp.requires(*READERS)
@blp.idempotent
@blp.arguments(WaitingCreate)
@blp.response(200, ComplaintRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def set_waiting(waiting_in: dict[str, Any], complaint_id: uuid.UUID) -> Any:
    """Start or stop waiting on the complainant: the deadline's clock pauses meanwhile."""
    return use_cases.set_waiting(
        uow(), complaint_id=complaint_id, waiting_in=waiting_in, by=principal()
    )


@blp.route("/<uuid:complaint_id>/reassignment", methods=["POST"])
@blp.requires("manager", "admin")
@blp.idempotent
@blp.arguments(ReassignmentCreate)
@blp.response(200, ComplaintRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def reassign_complaint(reassignment_in: dict[str, Any], complaint_id: uuid.UUID) -> Any:
    """Give the complaint to another owner (department and person), with a reason."""
    return use_cases.reassign_complaint(
        uow(), complaint_id=complaint_id, reassignment_in=reassignment_in, by=principal()
    )


@blp.route("/<uuid:complaint_id>/resolution", methods=["POST"])
@blp.requires(*READERS)
@blp.idempotent
@blp.arguments(ResolutionCreate)
@blp.response(200, ComplaintRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def resolve_complaint(resolution_in: dict[str, Any], complaint_id: uuid.UUID) -> Any:
    """The measures taken, communicated to the complainant with the reasons, and the
    corrective measures to follow (owner, due date)."""
    return use_cases.resolve_complaint(
        uow(), complaint_id=complaint_id, resolution_in=resolution_in, by=principal()
    )


@blp.route("/<uuid:complaint_id>/feedback", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(FeedbackCreate)
@blp.response(200, ComplaintRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def record_feedback(feedback_in: dict[str, Any], complaint_id: uuid.UUID) -> Any:
    """The complainant's feedback (satisfied or not, 1-5): closes the complaint, or reopens
    it and escalates it to the next owner."""
    return use_cases.record_feedback(
        uow(), complaint_id=complaint_id, feedback_in=feedback_in, by=principal()
    )


@measures.route("", methods=["GET"])
@measures.requires(*READERS)
@measures.arguments(MeasureQueryArgs, location="query")
@measures.response(200, MeasureRead(many=True))
@measures.paginated()
def list_measures(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List corrective measures, earliest due first; filter by region, status (open, done,
    overdue), owner, complaint and decision time."""
    today = runtime().clock.now().date()
    return queries.list_measures(
        session(), filters=filters, viewer=principal(), today=today, window=window
    )


@measures.route("/report", methods=["GET"])
@measures.requires("manager", "admin")
@measures.arguments(PeriodArgs, location="query")
@measures.response(200, ReportRead)
def report_improvements(period: dict[str, Any]) -> Any:
    """The improvement report of a period: corrective measures completed (by root cause),
    decided, still open and overdue."""
    today = runtime().clock.now().date()
    return queries.improvement_report(session(), period=period, viewer=principal(), today=today)


@measures.route("/<uuid:measure_id>/done", methods=["POST"])
@measures.requires(*HANDLERS)
@measures.idempotent
@measures.arguments(MeasureDoneCreate)
@measures.response(200, MeasureRead)
@measures.alt_response(404, schema=ProblemSchema, description="No such measure")
@measures.alt_response(409, schema=ProblemSchema, description="Already done")
def complete_measure(done_in: dict[str, Any], measure_id: uuid.UUID) -> Any:
    """Check a corrective measure done, with what came of it."""
    return use_cases.complete_measure(uow(), measure_id=measure_id, done_in=done_in, by=principal())
