"""intake: warranty and first-response deadline on tickets, assessment rounds, timeline

Revision ID: intake_0002
Revises: intake_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def _ticket_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("warranty_status", sa.String(20), nullable=True),
        sa.Column("warranty_parts_covered", sa.Boolean(), nullable=True),
        sa.Column("warranty_labour_covered", sa.Boolean(), nullable=True),
        sa.Column("warranty_reason", sa.Text(), nullable=True),
        sa.Column("first_response_due_at", UTCDateTime(), nullable=True),
        sa.Column("first_responded_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("close_reason", sa.String(20), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("source_event_id", sa.String(36), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        for column in _ticket_columns():
            batch.add_column(column)
        batch.create_index("ix_tickets_first_response_due_at", ["first_response_due_at"])
        batch.create_index("ix_tickets_source_event_id", ["source_event_id"], unique=True)
    op.create_table(
        "assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("nature", sa.String(30), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("proposed_solution", sa.Text(), nullable=False),
        sa.Column("visit_needed", sa.Boolean(), nullable=False),
        sa.Column("required_skill", sa.String(100), nullable=True),
        sa.Column("estimated_hours", sa.Numeric(6, 2), nullable=False),
        sa.Column("parts_likely", sa.JSON(), nullable=False),
        sa.Column("assessed_by", sa.String(200), nullable=False),
        sa.Column("assessed_at", UTCDateTime(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_assessments_ticket_id_tickets"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("ticket_id", "round", name="uq_assessments_ticket_id"),
    )
    op.create_index("ix_assessments_ticket_id", "assessments", ["ticket_id"])
    op.create_table(
        "timeline_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_timeline_entries_ticket_id_tickets"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_timeline_entries"),
    )
    op.create_index("ix_timeline_entries_ticket_id", "timeline_entries", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("timeline_entries")
    op.drop_table("assessments")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_source_event_id")
        batch.drop_index("ix_tickets_first_response_due_at")
        for column in reversed(_ticket_columns()):
            batch.drop_column(column.name)
