"""maintenance: customer notices (the notices table; the customer's email and language on
assets)

Revision ID: maintenance_0003_notices
Revises: maintenance_0002
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.notices.table import create_notices_table, drop_notices_table

revision = "maintenance_0003_notices"
down_revision = "maintenance_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_notices_table(op)
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("customer_email", sa.String(200), nullable=True))
        batch.add_column(sa.Column("customer_language", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("customer_language")
        batch.drop_column("customer_email")
    drop_notices_table(op)
