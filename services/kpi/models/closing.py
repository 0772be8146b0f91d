"""kpi's tables of closed months: the months closed, what they froze, and the corrections
later events made to their live figures. Frozen rows are only ever inserted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.kpi.models.facts import MONTH, REGION, Base
from shared.db import BigIntPK, UTCDateTime

# Frozen past-deadline counts ride in kpi_frozen_measures as these measures (technician "").
OVERDUE_COMPLAINTS = "past_deadline:complaints"
UNANSWERED_TICKETS = "past_deadline:tickets"


class ClosedMonth(Base):
    """A month closed: its one row is the claim two closers race for."""

    __tablename__ = "kpi_closed_months"

    month: Mapped[str] = mapped_column(MONTH, primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[str] = mapped_column(String(200))
    grace_days: Mapped[int] = mapped_column(Integer)
    weights: Mapped[str] = mapped_column(String(500))


class FrozenMeasure(Base):
    """A closed month's aggregates as they stood at the close (``kpi_monthly``'s rows), and
    its open items past a deadline then."""

    __tablename__ = "kpi_frozen_measures"

    month: Mapped[str] = mapped_column(MONTH, primary_key=True)
    region: Mapped[str] = mapped_column(REGION, primary_key=True)
    technician: Mapped[str] = mapped_column(String(36), primary_key=True)
    measure: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)


class FrozenScorecardRow(Base):
    """A closed month's ranking as served at the close, row by row: by region or by
    technician, over every region ("") or one (``scope``), with the composite and the
    KPIs behind it (``row``, as JSON), under the weights of the close."""

    __tablename__ = "kpi_frozen_scorecards"

    month: Mapped[str] = mapped_column(MONTH, primary_key=True)
    by: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(REGION, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    row: Mapped[str] = mapped_column(Text)


class Correction(Base):
    """A live figure of a closed month that changed after the close: the scope (a region,
    or a technician in it), the metric, its frozen and new live (numerator, denominator),
    and the event that changed it (none when a rebuild did)."""

    __tablename__ = "kpi_corrections"
    __table_args__ = (Index("ix_kpi_corrections_month_region", "month", "region"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(MONTH)
    region: Mapped[str] = mapped_column(REGION)
    technician: Mapped[str] = mapped_column(String(36))
    metric: Mapped[str] = mapped_column(String(40))
    frozen_numerator: Mapped[int] = mapped_column(BigInteger)
    frozen_denominator: Mapped[int] = mapped_column(BigInteger)
    live_numerator: Mapped[int] = mapped_column(BigInteger)
    live_denominator: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str | None] = mapped_column(String(36))
    event_type: Mapped[str | None] = mapped_column(String(100))
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
