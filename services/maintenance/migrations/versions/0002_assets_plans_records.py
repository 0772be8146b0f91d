"""maintenance: assets, plans and their claimed occurrences, visit records, service file

Revision ID: maintenance_0002
Revises: maintenance_0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "maintenance_0002"
down_revision = "maintenance_0001"
branch_labels = None
depends_on = None

HOURS = sa.Numeric(6, 2)


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("serial_no", sa.String(100), nullable=False),
        sa.Column("product_model", sa.String(100), nullable=False),
        sa.Column("product_type", sa.String(30), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=True),
        sa.Column("customer_phone", sa.String(50), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("site_address", sa.Text(), nullable=True),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("environment", sa.String(30), nullable=True),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("successor_serial_no", sa.String(100), nullable=True),
        sa.Column("predecessor_serial_no", sa.String(100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("serial_no", name="uq_assets_serial_no"),
        sa.PrimaryKeyConstraint("id", name="pk_assets"),
    )
    op.create_index("ix_assets_created_at", "assets", ["created_at"], unique=False)
    op.create_index("ix_assets_region", "assets", ["region"], unique=False)
    op.create_table(
        "service_file",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("serial_no", sa.String(100), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_service_file"),
    )
    op.create_index("ix_service_file_occurred_at", "service_file", ["occurred_at"], unique=False)
    op.create_index("ix_service_file_serial_no", "service_file", ["serial_no"], unique=False)
    op.create_index("ix_service_file_ticket_id", "service_file", ["ticket_id"], unique=False)
    op.create_table(
        "plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("required_skill", sa.String(100), nullable=True),
        sa.Column("estimated_hours", HOURS, nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("next_due_date", sa.Date(), nullable=False),
        sa.Column("notified_due", sa.Date(), nullable=True),
        sa.Column("last_visit_due", sa.Date(), nullable=True),
        sa.Column("open_due", sa.Date(), nullable=True),
        sa.Column("next_run_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name="fk_plans_asset_id_assets"),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_index("ix_plans_asset_id", "plans", ["asset_id"], unique=False)
    op.create_index("ix_plans_created_at", "plans", ["created_at"], unique=False)
    op.create_index("ix_plans_next_due_date", "plans", ["next_due_date"], unique=False)
    op.create_index("ix_plans_next_run_on", "plans", ["next_run_on"], unique=False)
    op.create_index("ix_plans_region", "plans", ["region"], unique=False)
    op.create_index("ix_plans_status", "plans", ["status"], unique=False)
    op.create_table(
        "occurrences",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("announced_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "due_date", "kind", name="pk_occurrences"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_occurrences_plan_id_plans"),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("serial_no", sa.String(100), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("visited_at", UTCDateTime(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("technician", sa.String(200), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("customer_signature", sa.Text(), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=False),
        sa.Column("next_due_date", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_records_plan_id_plans"),
    )
    op.create_index("ix_records_created_at", "records", ["created_at"], unique=False)
    op.create_index("ix_records_plan_id", "records", ["plan_id"], unique=False)
    op.create_index("ix_records_region", "records", ["region"], unique=False)
    op.create_index("ix_records_serial_no", "records", ["serial_no"], unique=False)
    op.create_index("ix_records_visited_at", "records", ["visited_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_records_created_at", table_name="records")
    op.drop_index("ix_records_plan_id", table_name="records")
    op.drop_index("ix_records_region", table_name="records")
    op.drop_index("ix_records_serial_no", table_name="records")
    op.drop_index("ix_records_visited_at", table_name="records")
    op.drop_table("records")
    op.drop_table("occurrences")
    op.drop_index("ix_plans_asset_id", table_name="plans")
    op.drop_index("ix_plans_created_at", table_name="plans")
    op.drop_index("ix_plans_next_due_date", table_name="plans")
    op.drop_index("ix_plans_next_run_on", table_name="plans")
    op.drop_index("ix_plans_region", table_name="plans")
    op.drop_index("ix_plans_status", table_name="plans")
    op.drop_table("plans")
    op.drop_index("ix_service_file_occurred_at", table_name="service_file")
    op.drop_index("ix_service_file_serial_no", table_name="service_file")
    op.drop_index("ix_service_file_ticket_id", table_name="service_file")
    op.drop_table("service_file")
    op.drop_index("ix_assets_created_at", table_name="assets")
    op.drop_index("ix_assets_region", table_name="assets")
    op.drop_table("assets")
