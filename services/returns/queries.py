"""Returns's reads: one request or a page of them, and the originals overdue, as the viewer
may see them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.returns.domain import SHIPPED
from services.returns.models import ReturnRequest, still_open
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound

FILTERS = ("region", "status", "kind", "decision", "source", "serial_no", "ticket_id")


def get_return(session: Session, return_id: uuid.UUID, *, viewer: Principal) -> ReturnRequest:
    """One request; one outside the viewer's region is as good as absent."""
    request = session.get(ReturnRequest, return_id)
    absent = f"no return {return_id}"
    if request is None:
        raise NotFound(absent)
    require_visible(viewer, request.region, absent)
    return request


def list_returns(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[ReturnRequest]:
    """A page of requests, newest first, with the total count."""
    query = select(ReturnRequest)
    if viewer.region is not None:
        query = query.where(ReturnRequest.region == viewer.region)
    for name in (*FILTERS, "work_order_id"):
        if filters.get(name):
            query = query.where(getattr(ReturnRequest, name) == filters[name])
    if filters.get("created_from"):
        query = query.where(ReturnRequest.requested_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(ReturnRequest.requested_at <= filters["created_to"])
    order = (ReturnRequest.requested_at.desc(), ReturnRequest.id)
    return page(session, query, order=order, window=window)


def list_overdue_originals(
    session: Session,
    *,
    region: str | None,
    viewer: Principal,
    now: dt.datetime,
    window: Window,
) -> Page[ReturnRequest]:
    """Replacements shipped whose original is past due and not back, most overdue first."""
    query = select(ReturnRequest).where(
        ReturnRequest.status == SHIPPED, ReturnRequest.original_due_at < now
    )
    if viewer.region is not None:
        query = query.where(ReturnRequest.region == viewer.region)
    if region:
        query = query.where(ReturnRequest.region == region)
    order = (ReturnRequest.original_due_at, ReturnRequest.id)
    return page(session, query, order=order, window=window)


def count_open(session: Session) -> list[tuple[str, str, int]]:
    """Requests not yet ended, as (region, status, count)."""
    query = (
        select(ReturnRequest.region, ReturnRequest.status, func.count())
        .where(still_open())
        .group_by(ReturnRequest.region, ReturnRequest.status)
    )
    return [(region, status, int(n)) for region, status, n in session.execute(query)]


def count_overdue_originals(session: Session, *, now: dt.datetime) -> dict[str, int]:
    """Originals past due and not back, per region."""
    query = (
        select(ReturnRequest.region, func.count())
        .where(ReturnRequest.status == SHIPPED, ReturnRequest.original_due_at < now)
        .group_by(ReturnRequest.region)
    )
    return {region: int(n) for region, n in session.execute(query)}
