"""kpi: complaint timeliness v2 (judged on the latest deadline carried)

No complaint event was ever published before the complaints service that extends deadlines
while waiting on the complainant: facts built with v1 are what v2 builds, so they are marked
v2 without a rebuild.

Revision ID: kpi_0004
Revises: kpi_0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "kpi_0004"
down_revision = "kpi_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE kpi_definitions SET version = 2 WHERE name = 'complaint_timeliness'")


def downgrade() -> None:
    op.execute("UPDATE kpi_definitions SET version = 1 WHERE name = 'complaint_timeliness'")
