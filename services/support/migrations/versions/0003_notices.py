"""support: customer notices (the notices table: the questionnaire's one-time link)

Revision ID: support_0003_notices
Revises: support_0002
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

from shared.notices.table import create_notices_table, drop_notices_table

revision = "support_0003_notices"
down_revision = "support_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_notices_table(op)


def downgrade() -> None:
    drop_notices_table(op)
