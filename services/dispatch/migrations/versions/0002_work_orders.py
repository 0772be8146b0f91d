"""dispatch: technicians, work orders, visits, parts used, follow-ups

Revision ID: dispatch_0002
Revises: dispatch_0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "dispatch_0002"
down_revision = "dispatch_0001"
branch_labels = None
depends_on = None

HOURS = sa.Numeric(6, 2)


def upgrade() -> None:
    op.create_table(
        "technicians",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("user_sub", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_technicians"),
        sa.UniqueConstraint("user_sub", name="uq_technicians_user_sub"),
    )
    op.create_index("ix_technicians_region", "technicians", ["region"])
    op.create_index("ix_technicians_created_at", "technicians", ["created_at"])
    op.create_table(
        "technician_skills",
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("skill", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name="fk_technician_skills_technician_id_technicians",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technician_id", "skill", name="pk_technician_skills"),
    )
    op.create_index("ix_technician_skills_skill", "technician_skills", ["skill"])
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("priority", sa.String(20), nullable=True),
        sa.Column("nature", sa.String(30), nullable=True),
        sa.Column("severity", sa.String(20), nullable=True),
        sa.Column("required_skill", sa.String(100), nullable=True),
        sa.Column("estimated_hours", HOURS, nullable=False),
        sa.Column("parts_likely", sa.JSON(), nullable=True),
        sa.Column("tasks", sa.JSON(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("product_model", sa.String(100), nullable=False),
        sa.Column("serial_no", sa.String(100), nullable=True),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("customer_phone", sa.String(50), nullable=True),
        sa.Column("warranty_status", sa.String(30), nullable=False),
        sa.Column("parts_covered", sa.Boolean(), nullable=False),
        sa.Column("labour_covered", sa.Boolean(), nullable=False),
        sa.Column("repeat_of", sa.Uuid(), nullable=True),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("visit_count", sa.Integer(), nullable=False),
        sa.Column("escalated_to", sa.String(20), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name="fk_work_orders_technician_id_technicians",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_work_orders"),
        sa.UniqueConstraint("source_event_id", name="uq_work_orders_source_event_id"),
    )
    for column in ("status", "region", "ticket_id", "serial_no", "technician_id"):
        op.create_index(f"ix_work_orders_{column}", "work_orders", [column])
    op.create_index("ix_work_orders_opened_at", "work_orders", ["opened_at"])
    op.create_index("ix_work_orders_accepted_at", "work_orders", ["accepted_at"])
    op.create_table(
        "visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("auto_assigned", sa.Boolean(), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=False),
        sa.Column("deadline", UTCDateTime(), nullable=False),
        sa.Column("rescheduled_by_customer", sa.Boolean(), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=False),
        sa.Column("arrived_at", UTCDateTime(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("identity_verified", sa.Boolean(), nullable=True),
        sa.Column("product_verified", sa.Boolean(), nullable=True),
        sa.Column("missed_at", UTCDateTime(), nullable=True),
        sa.Column("work_performed", sa.Text(), nullable=True),
        sa.Column("labour_hours", HOURS, nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("result", sa.String(20), nullable=True),
        sa.Column("customer_signature", sa.Text(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("responded_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name="fk_visits_work_order_id_work_orders"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name="fk_visits_technician_id_technicians"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
        sa.UniqueConstraint("work_order_id", "number", name="uq_visits_work_order_id"),
    )
    op.create_index("ix_visits_status", "visits", ["status"])
    op.create_index("ix_visits_technician_id", "visits", ["technician_id"])
    op.create_index("ix_visits_window_end", "visits", ["window_end"])
    op.create_table(
        "parts_used",
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("part_no", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("genuine", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name="fk_parts_used_visit_id_visits", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("visit_id", "line", name="pk_parts_used"),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name="fk_follow_ups_work_order_id_work_orders"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
    )
    op.create_index("ix_follow_ups_work_order_id", "follow_ups", ["work_order_id"])


def downgrade() -> None:
    op.drop_table("follow_ups")
    op.drop_table("parts_used")
    op.drop_table("visits")
    op.drop_table("work_orders")
    op.drop_table("technician_skills")
    op.drop_table("technicians")
