"""complaints: complaints with their evidence, resolution rounds, corrective measures,
pauses (waiting on the complainant) and timeline

Revision ID: complaints_0002
Revises: complaints_0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "complaints_0002"
down_revision = "complaints_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("complainant_name", sa.String(length=200), nullable=False),
        sa.Column("complainant_phone", sa.String(length=50), nullable=True),
        sa.Column("complainant_email", sa.String(length=200), nullable=True),
        sa.Column("complainant_language", sa.String(length=5), nullable=False),
        sa.Column("complainant_key", sa.String(length=40), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("filed_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("handling_hours", sa.Float(), nullable=False),
        sa.Column("deadline_at", UTCDateTime(), nullable=False),
        sa.Column("handling_notice", sa.Text(), nullable=False),
        sa.Column("owner_department", sa.String(length=100), nullable=False),
        sa.Column("owner_person", sa.String(length=200), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("responsibility", sa.String(length=20), nullable=True),
        sa.Column("root_cause", sa.String(length=200), nullable=True),
        sa.Column("partner", sa.String(length=200), nullable=True),
        sa.Column("investigated_at", UTCDateTime(), nullable=True),
        sa.Column("investigated_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    op.create_index(op.f("ix_complaints_category"), "complaints", ["category"], unique=False)
    op.create_index(
        op.f("ix_complaints_complainant_key"), "complaints", ["complainant_key"], unique=False
    )
    op.create_index(op.f("ix_complaints_filed_at"), "complaints", ["filed_at"], unique=False)
    op.create_index(
        op.f("ix_complaints_owner_person"), "complaints", ["owner_person"], unique=False
    )
    op.create_index(op.f("ix_complaints_region"), "complaints", ["region"], unique=False)
    op.create_index(op.f("ix_complaints_status"), "complaints", ["status"], unique=False)
    op.create_index(op.f("ix_complaints_ticket_id"), "complaints", ["ticket_id"], unique=False)
    op.create_index(
        op.f("ix_complaints_work_order_id"), "complaints", ["work_order_id"], unique=False
    )
    op.create_table(
        "complaint_evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_evidence_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_evidence")),
        sa.UniqueConstraint(
            "complaint_id", "number", name=op.f("uq_complaint_evidence_complaint_id")
        ),
    )
    op.create_index(
        op.f("ix_complaint_evidence_complaint_id"),
        "complaint_evidence",
        ["complaint_id"],
        unique=False,
    )
    op.create_table(
        "complaint_measures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_measures_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_measures")),
    )
    op.create_index(
        op.f("ix_complaint_measures_complaint_id"),
        "complaint_measures",
        ["complaint_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_complaint_measures_done_at"), "complaint_measures", ["done_at"], unique=False
    )
    op.create_index(
        op.f("ix_complaint_measures_due_on"), "complaint_measures", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_complaint_measures_owner"), "complaint_measures", ["owner"], unique=False
    )
    op.create_index(
        op.f("ix_complaint_measures_region"), "complaint_measures", ["region"], unique=False
    )
    op.create_table(
        "complaint_pauses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("resumed_status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_pauses_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_pauses")),
    )
    op.create_index(
        op.f("ix_complaint_pauses_complaint_id"), "complaint_pauses", ["complaint_id"], unique=False
    )
    op.create_table(
        "complaint_resolutions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("measures_taken", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("communicated_via", sa.String(length=20), nullable=False),
        sa.Column("resolved_by", sa.String(length=200), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=False),
        sa.Column("within_deadline", sa.Boolean(), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("feedback_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_resolutions_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_resolutions")),
        sa.UniqueConstraint(
            "complaint_id", "round", name=op.f("uq_complaint_resolutions_complaint_id")
        ),
    )
    op.create_index(
        op.f("ix_complaint_resolutions_complaint_id"),
        "complaint_resolutions",
        ["complaint_id"],
        unique=False,
    )
    op.create_table(
        "complaint_timeline",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_timeline_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_timeline")),
    )
    op.create_index(
        op.f("ix_complaint_timeline_complaint_id"),
        "complaint_timeline",
        ["complaint_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_complaint_timeline_complaint_id"), table_name="complaint_timeline")
    op.drop_table("complaint_timeline")
    op.drop_index(op.f("ix_complaint_resolutions_complaint_id"), table_name="complaint_resolutions")
    op.drop_table("complaint_resolutions")
    op.drop_index(op.f("ix_complaint_pauses_complaint_id"), table_name="complaint_pauses")
    op.drop_table("complaint_pauses")
    op.drop_index(op.f("ix_complaint_measures_region"), table_name="complaint_measures")
    op.drop_index(op.f("ix_complaint_measures_owner"), table_name="complaint_measures")
    op.drop_index(op.f("ix_complaint_measures_due_on"), table_name="complaint_measures")
    op.drop_index(op.f("ix_complaint_measures_done_at"), table_name="complaint_measures")
    op.drop_index(op.f("ix_complaint_measures_complaint_id"), table_name="complaint_measures")
    op.drop_table("complaint_measures")
    op.drop_index(op.f("ix_complaint_evidence_complaint_id"), table_name="complaint_evidence")
    op.drop_table("complaint_evidence")
    op.drop_index(op.f("ix_complaints_work_order_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_ticket_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_status"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_region"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_owner_person"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_filed_at"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_complainant_key"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_category"), table_name="complaints")
    op.drop_table("complaints")
