"""kpi's tables: the event archive, facts per entity, and the aggregates read at scrape time.

Facts are kept per entity under its natural key (visit, work order, ticket, complaint,
rating), each with what it last added to the aggregates (``applied``). Aggregates are small:
per month, region, technician and measure; all-time counters per region and label; the
open backlog per service and region. Scrapes and KPI reads touch only those (and the few
open items past a deadline), never the history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, service_metadata

ID = String(36)
REGION = String(50)
MONTH = String(7)


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


class Visit(Base):
    """A visit's check-in and missed windows (repair timeliness)."""

    __tablename__ = "kpi_visits"

    work_order_id: Mapped[str] = mapped_column(ID, primary_key=True)
    visit_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    region: Mapped[str] = mapped_column(REGION)
    kind: Mapped[str | None] = mapped_column(String(20))
    arrived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    arrival_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    arrival_technician_id: Mapped[str | None] = mapped_column(ID)
    missed_window_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    missed_technician_id: Mapped[str | None] = mapped_column(ID)
    applied: Mapped[str] = mapped_column(Text)


class WorkOrder(Base):
    """A work order's opening, repair records and final outcome (first-time fix, time to
    repair, repeats, backlog, spot checks)."""

    __tablename__ = "kpi_work_orders"
    __table_args__ = (Index("ix_kpi_work_orders_completed", "completed_month", "region"),)

    work_order_id: Mapped[str] = mapped_column(ID, primary_key=True)
    region: Mapped[str] = mapped_column(REGION)
    kind: Mapped[str | None] = mapped_column(String(20))
    ticket_id: Mapped[str | None] = mapped_column(ID, index=True)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_technician_id: Mapped[str | None] = mapped_column(ID)
    repeat_of: Mapped[str | None] = mapped_column(ID)
    first_repair_visit: Mapped[int | None] = mapped_column(Integer)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_visit: Mapped[int | None] = mapped_column(Integer)
    accepted_technician_id: Mapped[str | None] = mapped_column(ID)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_technician_id: Mapped[str | None] = mapped_column(ID)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_visit: Mapped[int | None] = mapped_column(Integer)
    completed_technician_id: Mapped[str | None] = mapped_column(ID)
    completed_result: Mapped[str | None] = mapped_column(String(20))
    completed_month: Mapped[str | None] = mapped_column(MONTH)
    ticket_created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    applied: Mapped[str] = mapped_column(Text)


class Ticket(Base):
    """A ticket's report time, first-response deadline and response, closing."""

    __tablename__ = "kpi_tickets"
    __table_args__ = (Index("ix_kpi_tickets_awaiting", "awaiting_month", "awaiting_response_due"),)

    ticket_id: Mapped[str] = mapped_column(ID, primary_key=True)
    region: Mapped[str] = mapped_column(REGION)
    created: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    awaiting_response_due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    awaiting_month: Mapped[str | None] = mapped_column(MONTH)
    applied: Mapped[str] = mapped_column(Text)


class Complaint(Base):
    """A complaint's original deadline, resolution rounds and final closing."""

    __tablename__ = "kpi_complaints"
    __table_args__ = (Index("ix_kpi_complaints_overdue", "overdue_month", "overdue_at"),)

    complaint_id: Mapped[str] = mapped_column(ID, primary_key=True)
    region: Mapped[str] = mapped_column(REGION)
    deadline_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_resolved_round: Mapped[int | None] = mapped_column(Integer)
    last_resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_reopened_round: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    final_resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    overdue_month: Mapped[str | None] = mapped_column(MONTH)
    applied: Mapped[str] = mapped_column(Text)


class Rating(Base):
    """One rating: acceptance (``repair``), follow-up call, or complaint feedback."""

    __tablename__ = "kpi_ratings"

    rating_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(REGION)
    technician_id: Mapped[str] = mapped_column(String(36))
    score: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    rated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    applied: Mapped[str] = mapped_column(Text)


class MaintenanceOccurrence(Base):
    """One occurrence of a maintenance plan: announced as due, and the visit that answered
    it (plan adherence)."""

    __tablename__ = "kpi_maintenance"

    occurrence_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    region: Mapped[str] = mapped_column(REGION)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    announced: Mapped[bool] = mapped_column(Boolean)
    visited_on: Mapped[dt.date | None] = mapped_column(Date)
    applied: Mapped[str] = mapped_column(Text)


class Consultation(Base):
    """A consultation's response deadline and answer (consultation response timeliness)."""

    __tablename__ = "kpi_consultations"

    ticket_id: Mapped[str] = mapped_column(ID, primary_key=True)
    region: Mapped[str] = mapped_column(REGION)
    response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    applied: Mapped[str] = mapped_column(Text)


class TrainingSession(Base):
    """A training session held: attendance, topics and attendees who came (JSON lists)."""

    __tablename__ = "kpi_trainings"

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    region: Mapped[str] = mapped_column(REGION)
    held_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attendees_count: Mapped[int] = mapped_column(Integer)
    attended_count: Mapped[int] = mapped_column(Integer)
    topics: Mapped[str] = mapped_column(Text)
    attendee_ids: Mapped[str] = mapped_column(Text)
    applied: Mapped[str] = mapped_column(Text)


class MonthlyAggregate(Base):
    """Per month (in the region's time zone), region, technician ("" for none) and measure:
    how many facts were judged, how many of them hit, and a total (ratings, seconds)."""

    __tablename__ = "kpi_monthly"

    month: Mapped[str] = mapped_column(MONTH, primary_key=True)
    region: Mapped[str] = mapped_column(REGION, primary_key=True)
    technician: Mapped[str] = mapped_column(String(36), primary_key=True)
    measure: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)


class Counter(Base):
    """All-time counters per region and label value(s) (the Prometheus counters)."""

    __tablename__ = "kpi_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    region: Mapped[str] = mapped_column(REGION, primary_key=True)
    label: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class Backlog(Base):
    """Open tickets (intake) and open work orders (dispatch) per region."""

    __tablename__ = "kpi_backlog"

    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    region: Mapped[str] = mapped_column(REGION, primary_key=True)
    open: Mapped[int] = mapped_column(BigInteger)


class DefinitionVersion(Base):
    """The version of each KPI definition the stored facts were last rebuilt with."""

    __tablename__ = "kpi_definitions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SpotCheck(Base):
    """A random sample of completed work orders for a month, drawn with a recorded seed."""

    __tablename__ = "kpi_spot_checks"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    month: Mapped[str] = mapped_column(MONTH)
    region: Mapped[str | None] = mapped_column(REGION)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    population: Mapped[int] = mapped_column(Integer)
    work_order_ids: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


# What a spot check shows of each work order it sampled.
SPOT_CHECK_COLUMNS = (
    "work_order_id",
    "region",
    "kind",
    "ticket_id",
    "completed_technician_id",
    "completed_visit",
    "completed_result",
    "completed_at",
    "accepted_at",
)

FACT_TABLES = (
    Visit,
    WorkOrder,
    Ticket,
    Complaint,
    Rating,
    MaintenanceOccurrence,
    Consultation,
    TrainingSession,
)
DERIVED_TABLES = (
    *FACT_TABLES,
    MonthlyAggregate,
    Counter,
    Backlog,
    EventCount,
    LagBucket,
)
