"""Billing's reads: the fee schedule in force and its versions, invoices and credit notes,
one or a page, as the viewer may see them (a region-limited token sees its region only)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, and_, case, func, not_, select
from sqlalchemy.orm import Session, lazyload

from services.billing.domain import PAYABLE, UNAUDITED
from services.billing.models import CreditNote, FeeSchedule, Invoice
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window
from shared.errors import NotFound


def get_fee_schedule(session: Session, *, at: dt.datetime) -> FeeSchedule:
    """The fee-schedule version in force at ``at``."""
    found = session.scalars(
        select(FeeSchedule)
        .where(FeeSchedule.effective_from <= at)
        .order_by(FeeSchedule.effective_from.desc(), FeeSchedule.number.desc())
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(f"no fee schedule is in force at {at.isoformat()}")
    return found


def get_fee_schedule_version(session: Session, number: int) -> FeeSchedule:
    """One version of the fee schedule by its number."""
    found = session.scalars(select(FeeSchedule).where(FeeSchedule.number == number)).first()
    if found is None:
        raise NotFound(f"no fee schedule version {number}")
    return found


def list_fee_schedule_versions(session: Session, *, window: Window) -> Page[FeeSchedule]:
    """Every version, the latest published first."""
    return page(session, select(FeeSchedule), order=(FeeSchedule.number.desc(),), window=window)


def _in_view(query: Select[Any], model: Any, viewer: Principal) -> Select[Any]:
    return query if viewer.region is None else query.where(model.region == viewer.region)


def get_invoice(session: Session, invoice_id: uuid.UUID, *, viewer: Principal) -> Invoice:
    """One invoice with its lines and payments; one outside the viewer's region is absent."""
    query = _in_view(select(Invoice).where(Invoice.id == invoice_id), Invoice, viewer)
    found = session.scalars(query).first()
    if found is None:
        raise NotFound(f"no invoice {invoice_id}")
    return found


def _created(query: Select[Any], column: Any, filters: dict[str, Any]) -> Select[Any]:
    if filters.get("created_from"):
        query = query.where(column >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(column <= filters["created_to"])
    return query


def _overdue(query: Select[Any], overdue: bool, now: dt.datetime) -> Select[Any]:
    late = and_(Invoice.status.in_(PAYABLE), Invoice.due_at < now)
    return query.where(late if overdue else not_(late))


def list_invoices(
    session: Session,
    *,
    filters: dict[str, Any],
    viewer: Principal,
    window: Window,
    now: dt.datetime,
) -> Page[Invoice]:
    """A page of invoices, newest first, filtered by region, status, audit status, source,
    flagged, overdue, work order, ticket, return, number and creation time."""
    query = _in_view(select(Invoice), Invoice, viewer).options(
        lazyload(Invoice.lines), lazyload(Invoice.payments)
    )
    names = ("region", "status", "audit_status", "source_kind", "work_order_id", "ticket_id")
    for name in (*names, "return_id", "number"):
        if filters.get(name):
            query = query.where(getattr(Invoice, name) == filters[name])
    if "flagged" in filters:
        query = query.where(Invoice.flagged.is_(filters["flagged"]))
    if "overdue" in filters:
        query = _overdue(query, filters["overdue"], now)
    query = _created(query, Invoice.created_at, filters)
    return page(session, query, order=(Invoice.created_at.desc(), Invoice.id), window=window)


def get_credit_note(
    session: Session, credit_note_id: uuid.UUID, *, viewer: Principal
) -> CreditNote:
    """One credit note, if the viewer may see its region."""
    query = _in_view(select(CreditNote).where(CreditNote.id == credit_note_id), CreditNote, viewer)
    found = session.scalars(query).first()
    if found is None:
        raise NotFound(f"no credit note {credit_note_id}")
    return found


def list_credit_notes(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[CreditNote]:
    """A page of credit notes, newest first (status: against_invoice or standalone)."""
    query = _in_view(select(CreditNote), CreditNote, viewer)
    for name in ("region", "source", "invoice_id", "return_id"):
        if filters.get(name):
            query = query.where(getattr(CreditNote, name) == filters[name])
    if filters.get("status") == "standalone":
        query = query.where(CreditNote.invoice_id.is_(None))
    elif filters.get("status") == "against_invoice":
        query = query.where(CreditNote.invoice_id.is_not(None))
    query = _created(query, CreditNote.issued_at, filters)
    return page(session, query, order=(CreditNote.issued_at.desc(), CreditNote.id), window=window)


def credit_notes_of(session: Session, invoice_id: uuid.UUID) -> list[CreditNote]:
    """The credit notes against one invoice, oldest first."""
    query = select(CreditNote).where(CreditNote.invoice_id == invoice_id)
    return list(session.scalars(query.order_by(CreditNote.issued_at)))


def invoice_figures(session: Session) -> list[tuple[str, str, str, int, Any, int]]:
    """Per region, status and currency: how many invoices, what is still owed on them, and
    how many are flagged and not audited yet (for /metrics)."""
    owed = func.sum(Invoice.total - Invoice.amount_paid - Invoice.amount_credited)
    unaudited_flags = func.sum(
        case((and_(Invoice.flagged.is_(True), Invoice.audit_status == UNAUDITED), 1), else_=0)
    )
    rows = session.execute(
        select(
            Invoice.region, Invoice.status, Invoice.currency, func.count(), owed, unaudited_flags
        ).group_by(Invoice.region, Invoice.status, Invoice.currency)
    ).all()
    return [(r, s, c, int(n), o, int(f or 0)) for r, s, c, n, o, f in rows]


def count_overdue(session: Session, *, now: dt.datetime) -> dict[str, int]:
    """Overdue invoices per region (for /metrics)."""
    counted: Any = select(Invoice.region, func.count())
    query = _overdue(counted, True, now).group_by(Invoice.region)
    return {region: int(count) for region, count in session.execute(query).all()}
