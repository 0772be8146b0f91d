"""support: training sessions, qualification records, questionnaires

Revision ID: support_0002
Revises: support_0001
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "support_0002"
down_revision = "support_0001"
branch_labels = None
depends_on = None

S20, S50, S100, S200 = sa.String(20), sa.String(50), sa.String(100), sa.String(200)


def _session_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region", S50, nullable=False),
        sa.Column("kind", S20, nullable=False),
        sa.Column("status", S20, nullable=False),
        sa.Column("origin", S20, nullable=False),
        sa.Column("product_model", S100, nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("customers", sa.JSON(), nullable=False),
        sa.Column("contact_name", S200, nullable=True),
        sa.Column("contact_phone", S50, nullable=True),
        sa.Column("site_address", sa.Text(), nullable=True),
        sa.Column("preferred_time", UTCDateTime(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("requested_by", S200, nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("trainer_id", S100, nullable=True),
        sa.Column("trainer_name", S200, nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=True),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("link", sa.String(500), nullable=True),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("scheduled_by", S200, nullable=True),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("held_at", UTCDateTime(), nullable=True),
        sa.Column("held_recorded_by", S200, nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_by", S200, nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", S100, nullable=False),
        sa.Column("person_name", S200, nullable=False),
        sa.Column("region", S50, nullable=False),
        sa.Column("skill", S100, nullable=False),
        sa.Column("course", S200, nullable=False),
        sa.Column("kind", S20, nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("recorded_by", S200, nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _questionnaire_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region", S50, nullable=False),
        sa.Column("status", S20, nullable=False),
        sa.Column("source", S20, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("technician_id", S100, nullable=True),
        sa.Column("customer_ref", S200, nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=True),
        sa.Column("link_issued_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", S200, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


INDEXES = {
    "training_sessions": (
        "region",
        "kind",
        "status",
        "product_model",
        "requested_at",
        "trainer_id",
        "starts_at",
    ),
    "qualification_records": ("person_id", "region", "skill", "taken_on", "valid_until"),
    "questionnaires": ("region", "status", "technician_id", "created_at"),
}


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        *_session_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_training_sessions"),
    )
    op.create_table(
        "qualification_records",
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_qualification_records"),
    )
    op.create_table(
        "questionnaires",
        *_questionnaire_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaires"),
        sa.UniqueConstraint("source_event_id", name="uq_questionnaires_source_event_id"),
        sa.UniqueConstraint("work_order_id", name="uq_questionnaires_work_order_id"),
        sa.UniqueConstraint("token_digest", name="uq_questionnaires_token_digest"),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in ("questionnaires", "qualification_records", "training_sessions"):
        op.drop_table(table)
