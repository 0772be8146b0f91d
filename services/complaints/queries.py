"""Complaints' reads: one complaint, pages of complaints, an owner's queue, corrective
measures, the analysis of a period (also as CSV) and the improvement report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, undefer

from services.complaints.domain import IN_HANDS, NOT_CLOSED
from services.complaints.domain.analysis import Filed, analyse, count_by_root_cause
from services.complaints.models import Complaint, Evidence, Measure
from shared.auth import Principal
from shared.db import count, page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound

_NO_PARTS = tuple(
    lazyload(part)
    for part in (
        Complaint.evidence,
        Complaint.resolutions,
        Complaint.measures,
        Complaint.pauses,
        Complaint.timeline,
    )
)


def get_complaint(session: Session, complaint_id: uuid.UUID, *, viewer: Principal) -> Complaint:
    """One complaint with its evidence, resolutions, measures, pauses and timeline; one
    outside the viewer's region is absent."""
    complaint = session.get(Complaint, complaint_id)
    absent = f"no complaint {complaint_id}"
    if complaint is None:
        raise NotFound(absent)
    require_visible(viewer, complaint.region, absent)
    return complaint


def get_evidence_content(
    session: Session, complaint_id: uuid.UUID, number: int, *, viewer: Principal
) -> Evidence:
    """An evidence item with its uploaded content (404 when none was uploaded)."""
    get_complaint(session, complaint_id, viewer=viewer)
    item = session.scalars(
        select(Evidence)
        .where(Evidence.complaint_id == complaint_id, Evidence.number == number)
        .options(undefer(Evidence.content))
    ).first()
    if item is None or item.content is None:
        raise NotFound(f"no uploaded content for evidence {number} of complaint {complaint_id}")
    return item


def _in_region(query: Any, column: Any, viewer: Principal, region: str | None) -> Any:
    if viewer.region is not None:
        query = query.where(column == viewer.region)
    if region:
        query = query.where(column == region)
    return query


def list_complaints(
    session: Session,
    *,
    filters: dict[str, Any],
    viewer: Principal,
    now: dt.datetime,
    window: Window,
) -> Page[Complaint]:
    """A page of complaints, newest first, with the total count."""
    query = _in_region(select(Complaint), Complaint.region, viewer, filters.get("region"))
    if filters.get("overdue") is not None:
        late = Complaint.status.in_(IN_HANDS) & (Complaint.deadline_at < now)
        query = query.where(late if filters["overdue"] else ~late)
    for name in ("status", "category", "severity", "complainant_key"):
        if filters.get(name):
            query = query.where(getattr(Complaint, name) == filters[name])
    if filters.get("owner"):
        query = query.where(Complaint.owner_person == filters["owner"])
    if filters.get("department"):
        query = query.where(Complaint.owner_department == filters["department"])
    if filters.get("created_from"):
        query = query.where(Complaint.filed_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(Complaint.filed_at <= filters["created_to"])
    order = (Complaint.filed_at.desc(), Complaint.id)
    return page(session, query.options(*_NO_PARTS), order=order, window=window)


def list_queue(session: Session, *, viewer: Principal, window: Window) -> Page[Complaint]:
    """The caller's own queue: complaints they own that are not closed, deadline first."""
    query = _in_region(select(Complaint), Complaint.region, viewer, None).where(
        Complaint.owner_person == viewer.sub, Complaint.status.in_(NOT_CLOSED)
    )
    order = (Complaint.deadline_at, Complaint.id)
    return page(session, query.options(*_NO_PARTS), order=order, window=window)


def list_measures(
    session: Session,
    *,
    filters: dict[str, Any],
    viewer: Principal,
    today: dt.date,
    window: Window,
) -> Page[Measure]:
    """A page of corrective measures, earliest due first."""
    query = _in_region(select(Measure), Measure.region, viewer, filters.get("region"))
    status = filters.get("status")
    if status == "done":
        query = query.where(Measure.done_at.is_not(None))
    elif status in ("open", "overdue"):
        query = query.where(Measure.done_at.is_(None))
        if status == "overdue":
            query = query.where(Measure.due_on < today)
    for name in ("owner", "complaint_id"):
        if filters.get(name):
            query = query.where(getattr(Measure, name) == filters[name])
    if filters.get("created_from"):
        query = query.where(Measure.created_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(Measure.created_at <= filters["created_to"])
    order = (Measure.due_on, Measure.created_at, Measure.id)
    return page(session, query, order=order, window=window)


def analyse_complaints(
    session: Session, *, period: dict[str, Any], viewer: Principal, now: dt.datetime
) -> dict[str, Any]:
    """The complaints filed in the period, counted by every dimension with the share
    resolved on time."""
    columns = (
        Complaint.category,
        Complaint.region,
        Complaint.status,
        Complaint.complainant_key,
        Complaint.deadline_at,
        Complaint.resolved_at,
        Complaint.root_cause,
        Complaint.responsibility,
        Complaint.partner,
    )
    query = select(*columns).where(
        Complaint.filed_at >= period["from_"], Complaint.filed_at < period["to"]
    )
    query = _in_region(query, Complaint.region, viewer, period.get("region"))
    found = analyse((Filed(**row._mapping) for row in session.execute(query)), now)
    total = found.total
    return {
        **_period(period, viewer),
        "total": total.count,
        "judged": total.judged,
        "on_time": total.on_time,
        "on_time_share": total.on_time_share,
        "repeat_complainants": found.repeat_complainants,
        "by": found.by,
    }


def _period(period: dict[str, Any], viewer: Principal) -> dict[str, Any]:
    return {
        "from_": period["from_"],
        "to": period["to"],
        "region": viewer.region or period.get("region"),
    }


CSV_COLUMNS = ("dimension", "key", "count", "judged", "on_time", "on_time_share")


def analysis_csv(analysis: dict[str, Any]) -> str:
    """The analysis as CSV: a row for the whole period, then one per group."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    share = analysis["on_time_share"]
    overall = (analysis["total"], analysis["judged"], analysis["on_time"])
    writer.writerow(("all", "all", *overall, "" if share is None else share))
    for dimension, groups in analysis["by"].items():
        for g in groups:
            share = "" if g.on_time_share is None else g.on_time_share
            writer.writerow((dimension, g.key, g.count, g.judged, g.on_time, share))
    return out.getvalue()


def improvement_report(
    session: Session, *, period: dict[str, Any], viewer: Principal, today: dt.date
) -> dict[str, Any]:
    """What changed because of complaints in a period: the corrective measures completed in
    it (by root cause), how many were decided, and how many are open or overdue."""
    start, end = period["from_"], period["to"]
    measures = _in_region(select(Measure), Measure.region, viewer, period.get("region"))
    done = measures.where(Measure.done_at >= start, Measure.done_at < end)
    completed = list(session.scalars(done.order_by(Measure.done_at, Measure.id)))
    causes = session.execute(
        select(Complaint.id, Complaint.root_cause).where(
            Complaint.id.in_({m.complaint_id for m in completed})
        )
    )
    cause_of = {complaint_id: cause for complaint_id, cause in causes}
    decided = measures.where(Measure.created_at >= start, Measure.created_at < end)
    still_open = measures.where(Measure.done_at.is_(None), Measure.created_at < end)
    return {
        **_period(period, viewer),
        "completed": completed,
        "decided": count(session, decided),
        "open": count(session, still_open),
        "overdue": count(session, still_open.where(Measure.due_on < today)),
        "by_root_cause": count_by_root_cause(cause_of.get(m.complaint_id) for m in completed),
    }


# -- for the metrics, read at scrape time --------------------------------------------------
def count_open(session: Session) -> list[tuple[str, str, int]]:
    """(region, status, complaints) of every complaint not closed."""
    query = (
        select(Complaint.region, Complaint.status, func.count())
        .where(Complaint.status.in_(NOT_CLOSED))
        .group_by(Complaint.region, Complaint.status)
    )
    return [(region, status, int(n)) for region, status, n in session.execute(query)]


def count_past_deadline(session: Session, now: dt.datetime) -> list[tuple[str, int]]:
    """(region, complaints) still in hand past their deadline (not waiting, not resolved)."""
    query = (
        select(Complaint.region, func.count())
        .where(Complaint.status.in_(IN_HANDS), Complaint.deadline_at < now)
        .group_by(Complaint.region)
    )
    return [(region, int(n)) for region, n in session.execute(query)]


def count_overdue_measures(session: Session, today: dt.date) -> list[tuple[str, int]]:
    """(region, corrective measures) not done past their due date."""
    query = (
        select(Measure.region, func.count())
        .where(Measure.done_at.is_(None), Measure.due_on < today)
        .group_by(Measure.region)
    )
    return [(region, int(n)) for region, n in session.execute(query)]
