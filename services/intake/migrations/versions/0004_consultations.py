"""intake: a consultation's topic, response deadline, escalation, answer and rating

Revision ID: intake_0004_consultations
Revises: intake_0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "intake_0004_consultations"
down_revision = "intake_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Consultations registered before this revision get their row when first escalated or
    # answered (topic null, deadline by priority), so no data is migrated here.
    op.create_table(
        "consultations",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("response_due_at", UTCDateTime(), nullable=False),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_by", sa.String(200), nullable=True),
        sa.Column("escalated_to", sa.String(200), nullable=True),
        sa.Column("escalation_reason", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("documents", sa.JSON(), nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_remark", sa.Text(), nullable=True),
        sa.Column("rated_by", sa.String(200), nullable=True),
        sa.Column("rated_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_consultations_ticket_id_tickets"
        ),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_consultations"),
    )
    op.create_index("ix_consultations_response_due_at", "consultations", ["response_due_at"])


def downgrade() -> None:
    op.drop_index("ix_consultations_response_due_at", table_name="consultations")
    op.drop_table("consultations")
