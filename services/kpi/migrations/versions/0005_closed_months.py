"""kpi: closed months (the months closed, their frozen aggregates and rankings, corrections)

Revision ID: kpi_0005_closed_months
Revises: kpi_0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import BigIntPK, UTCDateTime

revision = "kpi_0005_closed_months"
down_revision = "kpi_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_closed_months",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("weights", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("month", name="pk_kpi_closed_months"),
    )
    op.create_table(
        "kpi_frozen_measures",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("technician", sa.String(36), nullable=False),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "region", "technician", "measure", name="pk_kpi_frozen_measures"
        ),
    )
    op.create_table(
        "kpi_frozen_scorecards",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("by", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(50), nullable=False),
        sa.Column("rank", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("row", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month", "by", "scope", "rank", name="pk_kpi_frozen_scorecards"),
    )
    op.create_table(
        "kpi_corrections",
        sa.Column("id", BigIntPK, autoincrement=True, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("technician", sa.String(36), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("frozen_numerator", sa.BigInteger(), nullable=False),
        sa.Column("frozen_denominator", sa.BigInteger(), nullable=False),
        sa.Column("live_numerator", sa.BigInteger(), nullable=False),
        sa.Column("live_denominator", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("event_type", sa.String(100), nullable=True),
        sa.Column("detected_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kpi_corrections"),
    )
    op.create_index("ix_kpi_corrections_month_region", "kpi_corrections", ["month", "region"])


def downgrade() -> None:
    op.drop_index("ix_kpi_corrections_month_region", table_name="kpi_corrections")
    op.drop_table("kpi_corrections")
    op.drop_table("kpi_frozen_scorecards")
    op.drop_table("kpi_frozen_measures")
    op.drop_table("kpi_closed_months")
