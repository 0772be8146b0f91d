"""Reads and writes of the ``notices`` table, for the unit of work, the sender and the
operator command. The statements use the kit's own copy of the table; a service declares the
same table on its metadata (``notices_table``) so its migrations create it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Row, delete, func, or_, select, update
from sqlalchemy.orm import Session

from shared.db import insert_ignoring_conflicts
from shared.notices.staging import Notice
from shared.notices.table import notices_table

NOTICES = notices_table(MetaData())
N = NOTICES.c


def stage_rows(session: Session, notices: list[Notice], *, now: dt.datetime) -> None:
    """Insert staged notices in the caller's transaction; a dedupe key already present
    keeps its first notice (never staged twice for one event)."""
    rows = [n.row() | {"created_at": now, "attempts": 0, "next_attempt_at": now} for n in notices]
    session.execute(insert_ignoring_conflicts(session, NOTICES, ["dedupe_key"]), rows)


def claim_due(
    session: Session, *, now: dt.datetime, channels: tuple[str, ...], limit: int
) -> list[Row[Any]]:
    """Unsent, unparked notices that are due on a channel that can send, oldest first,
    locked against other senders (``FOR UPDATE SKIP LOCKED`` on PostgreSQL)."""
    query = (
        select(NOTICES)
        .where(
            N.sent_at.is_(None),
            N.parked_at.is_(None),
            N.channel.in_(channels),
            or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now),
        )
        .order_by(N.created_at, N.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(query))


def lease_due(
    session: Session, *, now: dt.datetime, channels: tuple[str, ...], until: dt.datetime
) -> Row[Any] | None:
    """The oldest due notice, leased to this sender until ``until`` (its next attempt moved
    there), or None; the caller commits before sending."""
    rows = claim_due(session, now=now, channels=channels, limit=1)
    if not rows:
        return None
    session.execute(update(NOTICES).where(N.id == rows[0].id).values(next_attempt_at=until))
    return rows[0]


def mark_sent(session: Session, notice_id: str, *, now: dt.datetime) -> None:
    session.execute(update(NOTICES).where(N.id == notice_id).values(sent_at=now, last_error=None))


def mark_failed(
    session: Session,
    notice_id: str,
    *,
    attempts: int,
    reason: str,
    retry_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """Count a failed attempt: retried at ``retry_at``, or parked (``retry_at`` None)."""
    values: dict[str, Any] = {"attempts": attempts, "last_error": reason[:2000]}
    values |= {"next_attempt_at": retry_at} if retry_at else {"parked_at": now}
    session.execute(update(NOTICES).where(N.id == notice_id).values(**values))


@dataclass(frozen=True)
class Backlog:
    waiting: int
    parked: int
    oldest: dt.datetime | None


def backlog(session: Session) -> Backlog:
    """Notices waiting to be sent, parked ones, and when the oldest waiting one was staged."""
    unsent = N.sent_at.is_(None)
    waiting, oldest = session.execute(
        select(func.count(), func.min(N.created_at)).where(unsent, N.parked_at.is_(None))
    ).one()
    parked = session.execute(
        select(func.count()).where(unsent, N.parked_at.is_not(None))
    ).scalar_one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return Backlog(int(waiting), int(parked), oldest)


def prune_sent(session: Session, *, older_than: dt.datetime) -> int:
    """Delete notices sent before ``older_than``; how many."""
    result = session.execute(delete(NOTICES).where(N.sent_at.is_not(None), N.sent_at < older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_parked(session: Session, *, limit: int = 1000) -> list[Row[Any]]:
    """Parked notices, oldest first, with the reason kept."""
    query = (
        select(N.id, N.kind, N.channel, N.recipient, N.attempts, N.parked_at, N.last_error)
        .where(N.sent_at.is_(None), N.parked_at.is_not(None))
        .order_by(N.parked_at, N.id)
        .limit(limit)
    )
    return list(session.execute(query))


def retry_parked(session: Session, *, notice_id: str | None = None) -> int:
    """Put parked notices (one, or all) back in line with their attempts reset, due at once
    (whatever the operator's clock says); how many."""
    query = update(NOTICES).where(N.sent_at.is_(None), N.parked_at.is_not(None))
    if notice_id is not None:
        query = query.where(N.id == notice_id)
    result = session.execute(query.values(parked_at=None, attempts=0, next_attempt_at=None))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
