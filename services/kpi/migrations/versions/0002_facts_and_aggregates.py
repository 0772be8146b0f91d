"""kpi: facts per entity, monthly aggregates, counters, backlog, definitions, spot checks

Revision ID: kpi_0002
Revises: kpi_0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "kpi_0002"
down_revision = "kpi_0001"
branch_labels = None
depends_on = None

ID = sa.String(36)
REGION = sa.String(50)
MONTH = sa.String(7)
# The versions the facts below are built with (services.kpi.definitions.KPI_DEFINITIONS).
DEFINITIONS_V1 = (
    "csat",
    "repair_timeliness",
    "first_time_fix",
    "complaint_timeliness",
    "complaint_satisfaction",
    "mean_time_to_repair",
    "first_response_compliance",
    "open_backlog",
    "repeat_visits",
    "followup_satisfaction",
)


def _time(name: str) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=True)


def upgrade() -> None:
    op.create_table(
        "kpi_visits",
        sa.Column("work_order_id", ID, nullable=False),
        sa.Column("visit_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("kind", sa.String(20), nullable=True),
        _time("arrived_at"),
        _time("arrival_deadline"),
        sa.Column("arrival_technician_id", ID, nullable=True),
        _time("missed_window_end"),
        sa.Column("missed_technician_id", ID, nullable=True),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("work_order_id", "visit_number", name="pk_kpi_visits"),
    )
    op.create_table(
        "kpi_work_orders",
        sa.Column("work_order_id", ID, nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("kind", sa.String(20), nullable=True),
        sa.Column("ticket_id", ID, nullable=True),
        _time("opened_at"),
        sa.Column("opened_technician_id", ID, nullable=True),
        sa.Column("repeat_of", ID, nullable=True),
        sa.Column("first_repair_visit", sa.Integer(), nullable=True),
        _time("accepted_at"),
        sa.Column("accepted_visit", sa.Integer(), nullable=True),
        sa.Column("accepted_technician_id", ID, nullable=True),
        _time("escalated_at"),
        sa.Column("escalated_technician_id", ID, nullable=True),
        _time("completed_at"),
        sa.Column("completed_visit", sa.Integer(), nullable=True),
        sa.Column("completed_technician_id", ID, nullable=True),
        sa.Column("completed_result", sa.String(20), nullable=True),
        sa.Column("completed_month", MONTH, nullable=True),
        _time("ticket_created_at"),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("work_order_id", name="pk_kpi_work_orders"),
    )
    op.create_index("ix_kpi_work_orders_ticket_id", "kpi_work_orders", ["ticket_id"])
    op.create_index(
        "ix_kpi_work_orders_completed", "kpi_work_orders", ["completed_month", "region"]
    )
    op.create_table(
        "kpi_tickets",
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("created", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("first_response_due_at"),
        _time("first_response_at"),
        _time("closed_at"),
        _time("awaiting_response_due"),
        sa.Column("awaiting_month", MONTH, nullable=True),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_kpi_tickets"),
    )
    op.create_index(
        "ix_kpi_tickets_awaiting", "kpi_tickets", ["awaiting_month", "awaiting_response_due"]
    )
    op.create_table(
        "kpi_complaints",
        sa.Column("complaint_id", ID, nullable=False),
        sa.Column("region", REGION, nullable=False),
        _time("deadline_at"),
        sa.Column("last_resolved_round", sa.Integer(), nullable=True),
        _time("last_resolved_at"),
        sa.Column("last_reopened_round", sa.Integer(), nullable=True),
        _time("closed_at"),
        _time("final_resolved_at"),
        _time("overdue_at"),
        sa.Column("overdue_month", MONTH, nullable=True),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", name="pk_kpi_complaints"),
    )
    op.create_index("ix_kpi_complaints_overdue", "kpi_complaints", ["overdue_month", "overdue_at"])
    op.create_table(
        "kpi_ratings",
        sa.Column("rating_key", sa.String(120), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("technician_id", sa.String(36), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        _time("rated_at"),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rating_key", name="pk_kpi_ratings"),
    )
    op.create_table(
        "kpi_monthly",
        sa.Column("month", MONTH, nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("technician", sa.String(36), nullable=False),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "region", "technician", "measure", name="pk_kpi_monthly"),
    )
    op.create_table(
        "kpi_counters",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", "region", "label", name="pk_kpi_counters"),
    )
    op.create_table(
        "kpi_backlog",
        sa.Column("service", sa.String(20), nullable=False),
        sa.Column("region", REGION, nullable=False),
        sa.Column("open", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("service", "region", name="pk_kpi_backlog"),
    )
    definitions = op.create_table(
        "kpi_definitions",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("built_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_kpi_definitions"),
    )
    built_at = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    op.bulk_insert(
        definitions, [{"name": n, "version": 1, "built_at": built_at} for n in DEFINITIONS_V1]
    )
    op.create_table(
        "kpi_spot_checks",
        sa.Column("id", ID, nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("region", REGION, nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("work_order_ids", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kpi_spot_checks"),
    )


def downgrade() -> None:
    op.drop_table("kpi_spot_checks")
    op.drop_table("kpi_definitions")
    op.drop_table("kpi_backlog")
    op.drop_table("kpi_counters")
    op.drop_table("kpi_monthly")
    op.drop_table("kpi_ratings")
    op.drop_index("ix_kpi_complaints_overdue", table_name="kpi_complaints")
    op.drop_table("kpi_complaints")
    op.drop_index("ix_kpi_tickets_awaiting", table_name="kpi_tickets")
    op.drop_table("kpi_tickets")
    op.drop_index("ix_kpi_work_orders_completed", table_name="kpi_work_orders")
    op.drop_index("ix_kpi_work_orders_ticket_id", table_name="kpi_work_orders")
    op.drop_table("kpi_work_orders")
    op.drop_table("kpi_visits")
