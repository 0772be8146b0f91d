"""intake: the customer's language (zh-CN or en), for the notices other services send

Revision ID: intake_0005_notices
Revises: intake_0004_consultations
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "intake_0005_notices"
down_revision = "intake_0004_consultations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("customer_language", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("customer_language")
