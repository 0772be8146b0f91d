"""billing: fee schedules, document counters, invoices, lines, payments, credit notes

Revision ID: billing_0002
Revises: billing_0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "billing_0002"
down_revision = "billing_0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
QUANTITY = sa.Numeric(10, 2)
RATE = sa.Numeric(6, 4)


def _schedules() -> None:
    op.create_table(
        "fee_schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_from", UTCDateTime(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tax_rate", RATE, nullable=False),
        sa.Column("callout_fees", sa.JSON(), nullable=False),
        sa.Column("labour_rates", sa.JSON(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fee_schedules"),
        sa.UniqueConstraint("number", name="uq_fee_schedules_number"),
    )
    op.create_index("ix_fee_schedules_effective_from", "fee_schedules", ["effective_from"])
    op.create_table(
        "document_counters",
        sa.Column("series", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", "region", name="pk_document_counters"),
    )


def _invoices() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("source_kind", sa.String(20), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("return_id", sa.Uuid(), nullable=True),
        sa.Column("replaces_id", sa.Uuid(), nullable=True),
        sa.Column("visit_number", sa.Integer(), nullable=True),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("product_model", sa.String(100), nullable=False),
        sa.Column("serial_no", sa.String(100), nullable=True),
        sa.Column("customer_name", sa.String(200), nullable=True),
        sa.Column("work_performed", sa.Text(), nullable=True),
        sa.Column("work_record", sa.JSON(), nullable=False),
        sa.Column("work_done_at", UTCDateTime(), nullable=False),
        sa.Column("schedule_number", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tax_rate", RATE, nullable=False),
        sa.Column("net_total", MONEY, nullable=False),
        sa.Column("tax_total", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("amount_paid", MONEY, nullable=False),
        sa.Column("amount_credited", MONEY, nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("discrepancies", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=True),
        sa.Column("issued_by", sa.String(200), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.Column("audit_status", sa.String(20), nullable=False),
        sa.Column("audit_notes", sa.Text(), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.Column("audited_by", sa.String(200), nullable=True),
        sa.Column("audited_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["invoices.id"], name="fk_invoices_replaces_id_invoices"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invoices"),
        sa.UniqueConstraint("number", name="uq_invoices_number"),
        sa.UniqueConstraint("source_key", name="uq_invoices_source_key"),
    )
    for column in (
        "status",
        "region",
        "work_order_id",
        "ticket_id",
        "return_id",
        "flagged",
        "created_at",
        "issued_at",
        "due_at",
        "audit_status",
    ):
        op.create_index(f"ix_invoices_{column}", "invoices", [column])


def _lines_and_payments() -> None:
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("net", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=False),
        sa.Column("coverage_reason", sa.String(200), nullable=True),
        sa.Column("priced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name="fk_invoice_lines_invoice_id_invoices",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invoice_id", "line_no", name="pk_invoice_lines"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(200), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name="fk_payments_invoice_id_invoices"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
    )
    op.create_index("ix_payments_invoice_id", "payments", ["invoice_id"])


def _credit_notes() -> None:
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("invoice_number", sa.String(40), nullable=True),
        sa.Column("return_id", sa.Uuid(), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("net", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
        sa.Column("tax_rate", RATE, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("refund_method", sa.String(30), nullable=True),
        sa.Column("refund_reference", sa.String(200), nullable=True),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name="fk_credit_notes_invoice_id_invoices"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_credit_notes"),
        sa.UniqueConstraint("number", name="uq_credit_notes_number"),
        sa.UniqueConstraint("source_key", name="uq_credit_notes_source_key"),
    )
    for column in ("region", "invoice_id", "return_id", "issued_at"):
        op.create_index(f"ix_credit_notes_{column}", "credit_notes", [column])


def upgrade() -> None:
    _schedules()
    _invoices()
    _lines_and_payments()
    _credit_notes()


def downgrade() -> None:
    op.drop_table("credit_notes")
    op.drop_table("payments")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_table("document_counters")
    op.drop_table("fee_schedules")
