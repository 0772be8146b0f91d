"""intake: where the product is installed, when the customer prefers a visit, tools to bring

Revision ID: intake_0003
Revises: intake_0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = None

COLUMNS = (
    ("site_address", sa.String(500)),
    ("site_contact_name", sa.String(200)),
    ("site_contact_phone", sa.String(50)),
    ("site_latitude", sa.Numeric(9, 6)),
    ("site_longitude", sa.Numeric(9, 6)),
    ("preferred_time", sa.String(200)),
)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("tools", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("tools")
    with op.batch_alter_table("tickets") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
