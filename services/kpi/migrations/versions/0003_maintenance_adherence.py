"""kpi: maintenance plan occurrences (plan adherence)

Revision ID: kpi_0003
Revises: kpi_0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "kpi_0003"
down_revision = "kpi_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_maintenance",
        sa.Column("occurrence_key", sa.String(60), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("applied", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("occurrence_key", name="pk_kpi_maintenance"),
    )
    # No maintenance event was ever published before this definition: the stored facts are
    # already what it would build, so no rebuild is owed for it.
    definitions = sa.table(
        "kpi_definitions",
        sa.column("name", sa.String),
        sa.column("version", sa.Integer),
        sa.column("built_at", UTCDateTime()),
    )
    op.execute(
        definitions.insert().values(
            name="maintenance_adherence",
            version=1,
            built_at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
        )
    )


def downgrade() -> None:
    op.execute("DELETE FROM kpi_definitions WHERE name = 'maintenance_adherence'")
    op.drop_table("kpi_maintenance")
