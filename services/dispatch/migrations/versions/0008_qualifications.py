"""dispatch: staff qualifications that gate assignment (support's latest passing record per
person and skill), and training visits (work orders of kind training: the session, its
topics and trainer)

Revision ID: dispatch_0008_qualifications
Revises: dispatch_0007_notices
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "dispatch_0008_qualifications"
down_revision = "dispatch_0007_notices"
branch_labels = None
depends_on = None

TRAINING_COLUMNS = (
    ("topics", sa.JSON()),
    ("trainer_person_id", sa.String(200)),
    ("trainer_name", sa.String(200)),
    ("customer_ref", sa.String(100)),
    ("training_scheduled_at", UTCDateTime()),
    ("cancel_reason", sa.Text()),
    ("remarks", sa.Text()),
)


def upgrade() -> None:
    op.create_table(
        "qualifications",
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("skill", sa.String(100), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("course", sa.String(200), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "skill", name=op.f("pk_qualifications")),
    )
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("training_session_id", sa.String(36), nullable=True))
        for name, type_ in TRAINING_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    # A unique index, not a constraint: on SQLite a constraint would rebuild the table.
    op.create_index(
        "ix_work_orders_training_session_id", "work_orders", ["training_session_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_work_orders_training_session_id", table_name="work_orders")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("training_session_id")
        for name, _ in reversed(TRAINING_COLUMNS):
            batch.drop_column(name)
    op.drop_table("qualifications")
