"""dispatch: the visit in the field: the appointment as agreed (and who moved it, why), the
technician's work ID and the symptom re-checked on arrival, parts with their reason and price
or warranty cover, the customer's agreement to chargeable parts, managers' approvals of
non-genuine parts, and dispatch's copy of the fee schedule's parts prices

Technicians registered before work IDs existed get the ID dispatch issues to one registered
without one: ``W-`` and the first 8 hex digits of their id (upper case), so their check-ins
keep working; a manager can change it to the badge's number (PATCH /technicians/{id}).

Revision ID: 0006_field_parts
Revises: dispatch_0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0006_field_parts"
down_revision = "dispatch_0005"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(12, 2)
VISIT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("agreed_via", sa.String(20)),
    ("agreed_with", sa.String(200)),
    ("reschedule_requested_by", sa.String(20)),
    ("reschedule_reason", sa.Text()),
    ("work_id_shown", sa.String(50)),
    ("work_id_verified", sa.Boolean()),
    ("symptom_confirmed", sa.Boolean()),
    ("symptom_observed", sa.Text()),
)
PART_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("reason", sa.Text()),
    ("covered_by_warranty", sa.Boolean()),
    ("unit_price", MONEY),
    ("currency", sa.String(3)),
    ("schedule_version", sa.Integer()),
    ("agreement", sa.JSON()),
    ("non_genuine_approval", sa.JSON()),
)


def _issue_work_ids() -> None:
    technicians = sa.table("technicians", sa.column("id", sa.Uuid()), sa.column("work_id"))
    bind = op.get_bind()
    for (id_,) in bind.execute(sa.select(technicians.c.id)).all():
        work_id = f"W-{uuid.UUID(str(id_)).hex[:8].upper()}"
        bind.execute(technicians.update().where(technicians.c.id == id_).values(work_id=work_id))


def _create_tables() -> None:
    op.create_table(
        "part_agreements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("visit_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("agreed_at", UTCDateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(30), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=True),
        sa.Column("customer_signature", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name="fk_part_agreements_work_order_id_work_orders",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_part_agreements"),
    )
    op.create_index("ix_part_agreements_work_order_id", "part_agreements", ["work_order_id"])
    op.create_table(
        "non_genuine_approvals",
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("part_no", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name="fk_non_genuine_approvals_work_order_id_work_orders",
        ),
        sa.PrimaryKeyConstraint("work_order_id", "part_no", name="pk_non_genuine_approvals"),
    )
    op.create_table(
        "fee_schedules",
        sa.Column("schedule_version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("effective_from", UTCDateTime(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("schedule_version", name="pk_fee_schedules"),
    )
    op.create_index("ix_fee_schedules_effective_from", "fee_schedules", ["effective_from"])
    op.create_table(
        "fee_schedule_parts",
        sa.Column("schedule_version", sa.Integer(), nullable=False),
        sa.Column("part_no", sa.String(100), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_version"],
            ["fee_schedules.schedule_version"],
            name="fk_fee_schedule_parts_schedule_version_fee_schedules",
        ),
        sa.PrimaryKeyConstraint("schedule_version", "part_no", name="pk_fee_schedule_parts"),
    )


def upgrade() -> None:
    # Added and indexed in place: on SQLite a constraint would rebuild the table, and
    # dropping the old one (foreign keys on) would cascade to technician_skills.
    with op.batch_alter_table("technicians") as batch:
        batch.add_column(sa.Column("work_id", sa.String(50), nullable=True))
    _issue_work_ids()
    op.create_index("ix_technicians_work_id", "technicians", ["work_id"], unique=True)
    with op.batch_alter_table("visits") as batch:
        for name, type_ in VISIT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("parts_used") as batch:
        for name, type_ in PART_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    _create_tables()


def downgrade() -> None:
    op.drop_table("fee_schedule_parts")
    op.drop_index("ix_fee_schedules_effective_from", table_name="fee_schedules")
    op.drop_table("fee_schedules")
    op.drop_table("non_genuine_approvals")
    op.drop_index("ix_part_agreements_work_order_id", table_name="part_agreements")
    op.drop_table("part_agreements")
    with op.batch_alter_table("parts_used") as batch:
        for name, _ in reversed(PART_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("visits") as batch:
        for name, _ in reversed(VISIT_COLUMNS):
            batch.drop_column(name)
    op.drop_index("ix_technicians_work_id", table_name="technicians")
    with op.batch_alter_table("technicians") as batch:
        batch.drop_column("work_id")
