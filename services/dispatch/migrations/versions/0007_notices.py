"""dispatch: customer notices (the notices table, the customer's email and language on work
orders, when a technician set off and when the day-before reminder went out)

Revision ID: dispatch_0007_notices
Revises: 0006_field_parts
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime
from shared.notices.table import create_notices_table, drop_notices_table

revision = "dispatch_0007_notices"
down_revision = "0006_field_parts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_notices_table(op)
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("customer_email", sa.String(200), nullable=True))
        batch.add_column(sa.Column("customer_language", sa.String(10), nullable=True))
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("departed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("reminded_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_visits_reminded_at", ["reminded_at"])


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_index("ix_visits_reminded_at")
        batch.drop_column("reminded_at")
        batch.drop_column("departed_at")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("customer_language")
        batch.drop_column("customer_email")
    drop_notices_table(op)
