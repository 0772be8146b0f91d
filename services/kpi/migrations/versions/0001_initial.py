"""kpi: plumbing tables, event archive and aggregates

Revision ID: kpi_0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime
from shared.migrations import create_plumbing_tables, drop_plumbing_tables

revision = "kpi_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_tables(op)
    op.create_table(
        "event_archive",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("producer", sa.String(50), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_event_archive"),
    )
    op.create_index("ix_event_archive_type", "event_archive", ["type"])
    op.create_index("ix_event_archive_occurred_at", "event_archive", ["occurred_at"])
    op.create_table(
        "event_counts",
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("type", "region", name="pk_event_counts"),
    )
    op.create_table(
        "event_lag_buckets",
        sa.Column("le", sa.String(20), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("sum_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("le", name="pk_event_lag_buckets"),
    )


def downgrade() -> None:
    op.drop_table("event_lag_buckets")
    op.drop_table("event_counts")
    op.drop_table("event_archive")
    drop_plumbing_tables(op)
