"""complaints: customer notices (the notices table: the expected handling time)

Revision ID: complaints_0003_notices
Revises: complaints_0002
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

from shared.notices.table import create_notices_table, drop_notices_table

revision = "complaints_0003_notices"
down_revision = "complaints_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_notices_table(op)


def downgrade() -> None:
    drop_notices_table(op)
