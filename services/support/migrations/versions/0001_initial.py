"""support: plumbing tables (outbox, inbox, idempotency keys)

Revision ID: support_0001
Revises:
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

from shared.migrations import create_plumbing_tables, drop_plumbing_tables

revision = "support_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_tables(op)


def downgrade() -> None:
    drop_plumbing_tables(op)
