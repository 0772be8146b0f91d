"""kpi: consultations and training sessions (issue 16: consultation response timeliness,
training attendance; ratings of every channel live in kpi_ratings)

Revision ID: kpi_0006_support_channels
Revises: kpi_0005_closed_months
Create Date: 2026-12-08

The archive already holds every consultation, survey and training event (kpi binds ``#``),
so no definition row is written: ``GET /kpis`` says ``rebuild_needed`` until
``aftercare kpi-rebuild`` has counted them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "kpi_0006_support_channels"
down_revision = "kpi_0005_closed_months"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_consultations",
        sa.Column("ticket_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("response_due_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_kpi_consultations"),
    )
    op.create_table(
        "kpi_trainings",
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=True),
        sa.Column("attendees_count", sa.Integer(), nullable=False),
        sa.Column("attended_count", sa.Integer(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("attendee_ids", sa.Text(), nullable=False),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name="pk_kpi_trainings"),
    )
    op.create_index("ix_kpi_trainings_held_at", "kpi_trainings", ["held_at"])


def downgrade() -> None:
    op.drop_index("ix_kpi_trainings_held_at", table_name="kpi_trainings")
    op.drop_table("kpi_trainings")
    op.drop_table("kpi_consultations")
