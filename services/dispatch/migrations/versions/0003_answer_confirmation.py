"""dispatch: who recorded the customer's answer and how the customer confirmed it

Revision ID: dispatch_0003
Revises: dispatch_0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0003"
down_revision = "dispatch_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("answer_recorded_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("answer_confirmed_by", sa.String(30), nullable=True))
        batch.add_column(sa.Column("answer_signature", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("answer_signature")
        batch.drop_column("answer_confirmed_by")
        batch.drop_column("answer_recorded_by")
