"""kpi's tables: an archive of every event applied, and aggregates read at scrape time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Float, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class ArchivedEvent(Base):
    """Every event kpi applied, as received: the history KPI facts can be rebuilt from."""

    __tablename__ = "event_archive"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(100), index=True)
    region: Mapped[str] = mapped_column(String(50))
    producer: Mapped[str] = mapped_column(String(50))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    envelope: Mapped[str] = mapped_column(Text)


class EventCount(Base):
    """Events consumed per type and region (``aftercare_events_consumed_total``)."""

    __tablename__ = "event_counts"

    type: Mapped[str] = mapped_column(String(100), primary_key=True)
    region: Mapped[str] = mapped_column(String(50), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class LagBucket(Base):
    """Event lag histogram, one row per bucket, not cumulative (``le`` as text, "+Inf" last)."""

    __tablename__ = "event_lag_buckets"

    le: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    sum_seconds: Mapped[float] = mapped_column(Float, default=0.0)
