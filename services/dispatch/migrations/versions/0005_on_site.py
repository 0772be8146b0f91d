"""dispatch: what a technician needs on site (symptom, environment, tools, site, preferred time)

Revision ID: dispatch_0005
Revises: dispatch_0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0005"
down_revision = "dispatch_0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("tools", sa.JSON()),
    ("symptom", sa.Text()),
    ("usage_environment", sa.String(200)),
    ("site_address", sa.String(500)),
    ("site_contact_name", sa.String(200)),
    ("site_contact_phone", sa.String(50)),
    ("site_latitude", sa.Numeric(9, 6)),
    ("site_longitude", sa.Numeric(9, 6)),
    ("preferred_time", sa.String(200)),
)


def upgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
