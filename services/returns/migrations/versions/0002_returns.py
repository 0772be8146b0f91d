"""returns: return requests, fee-schedule prices, ticket customers

Revision ID: returns_0002
Revises: returns_0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "returns_0002"
down_revision = "returns_0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(12, 2)


def _request_columns() -> list[sa.Column]:
    text, s20, s100, s200 = sa.Text(), sa.String(20), sa.String(100), sa.String(200)
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", s20, nullable=False),
        sa.Column("status", s20, nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("source", s20, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("serial_no", s100, nullable=False),
        sa.Column("product_model", s100, nullable=False),
        sa.Column("reason", text, nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=True),
        sa.Column("customer_name", s200, nullable=False),
        sa.Column("customer_phone", sa.String(50), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("warranty_status", s20, nullable=False),
        sa.Column("warranty_parts_covered", sa.Boolean(), nullable=False),
        sa.Column("warranty_labour_covered", sa.Boolean(), nullable=False),
        sa.Column("warranty_reason", text, nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("requested_by", s200, nullable=False),
        sa.Column("quality_defect", sa.Boolean(), nullable=True),
        sa.Column("severity", s20, nullable=True),
        sa.Column("findings", text, nullable=True),
        sa.Column("decision", sa.String(30), nullable=True),
        sa.Column("decision_reason", text, nullable=True),
        sa.Column("price", MONEY, nullable=True),
        sa.Column("schedule_version", sa.Integer(), nullable=True),
        sa.Column("refund_amount", MONEY, nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("appraised_by", s200, nullable=True),
        sa.Column("appraised_at", UTCDateTime(), nullable=True),
        sa.Column("replacement_model", s100, nullable=True),
        sa.Column("specification", text, nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("return_method", s20, nullable=True),
        sa.Column("refund_date", sa.Date(), nullable=True),
        sa.Column("agreed_by", s200, nullable=True),
        sa.Column("agreed_at", UTCDateTime(), nullable=True),
        sa.Column("carrier", s100, nullable=True),
        sa.Column("tracking_no", s100, nullable=True),
        sa.Column("new_serial_no", s100, nullable=True),
        sa.Column("shipped_at", UTCDateTime(), nullable=True),
        sa.Column("original_due_at", UTCDateTime(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=True),
        sa.Column("condition_ok", sa.Boolean(), nullable=True),
        sa.Column("check_notes", text, nullable=True),
        sa.Column("late", sa.Boolean(), nullable=True),
        sa.Column("refund_paid", MONEY, nullable=True),
        sa.Column("refund_method", sa.String(30), nullable=True),
        sa.Column("refund_reference", s100, nullable=True),
        sa.Column("refunded_at", UTCDateTime(), nullable=True),
        sa.Column("refunded_by", s200, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


REQUEST_INDEXES = (
    "kind",
    "status",
    "region",
    "ticket_id",
    "work_order_id",
    "serial_no",
    "requested_at",
    "decision",
    "original_due_at",
)


def upgrade() -> None:
    op.create_table(
        "return_requests",
        *_request_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_return_requests"),
        sa.UniqueConstraint("source_event_id", name="uq_return_requests_source_event_id"),
    )
    for column in REQUEST_INDEXES:
        op.create_index(f"ix_return_requests_{column}", "return_requests", [column])
    op.create_table(
        "fee_schedules",
        sa.Column("schedule_version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("effective_from", UTCDateTime(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("schedule_version", name="pk_fee_schedules"),
    )
    op.create_index("ix_fee_schedules_effective_from", "fee_schedules", ["effective_from"])
    op.create_table(
        "fee_schedule_prices",
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_version"],
            ["fee_schedules.schedule_version"],
            name="fk_fee_schedule_prices_schedule_version_fee_schedules",
        ),
        sa.PrimaryKeyConstraint("schedule_version", "model", name="pk_fee_schedule_prices"),
    )
    op.create_table(
        "ticket_customers",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("customer_phone", sa.String(50), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_customers"),
    )


def downgrade() -> None:
    op.drop_table("ticket_customers")
    op.drop_table("fee_schedule_prices")
    op.drop_index("ix_fee_schedules_effective_from", table_name="fee_schedules")
    op.drop_table("fee_schedules")
    for column in reversed(REQUEST_INDEXES):
        op.drop_index(f"ix_return_requests_{column}", table_name="return_requests")
    op.drop_table("return_requests")
