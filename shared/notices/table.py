"""The ``notices`` table: one row per notice, unique by its dedupe key (the causing event and
the kind of notice, or e.g. a visit and "reminder"), so a notice is never staged twice."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

from shared.db import UTCDateTime

TABLE = "notices"


def _columns() -> list[Any]:
    return [
        Column("id", String(36), primary_key=True),
        Column("dedupe_key", String(200), nullable=False, unique=True),
        Column("kind", String(50), nullable=False),
        Column("channel", String(10), nullable=False),
        Column("recipient", String(200), nullable=False),
        Column("language", String(10), nullable=False),
        Column("region", String(50), nullable=False),
        Column("subject", Text, nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", UTCDateTime, nullable=True),
        Column("sent_at", UTCDateTime, nullable=True),
        Column("parked_at", UTCDateTime, nullable=True),
        Column("last_error", Text, nullable=True),
    ]


def notices_table(metadata: MetaData) -> Table:
    """Declare the ``notices`` table on a service's metadata (the service opts in)."""
    return Table(
        TABLE,
        metadata,
        *_columns(),
        Index("ix_notices_due", "sent_at", "parked_at", "next_attempt_at"),
    )


def create_notices_table(op: Any) -> None:
    """Create the ``notices`` table in a service's migration."""
    op.create_table(
        TABLE,
        *_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
        sa.UniqueConstraint("dedupe_key", name="uq_notices_dedupe_key"),
    )
    op.create_index("ix_notices_due", TABLE, ["sent_at", "parked_at", "next_attempt_at"])


def drop_notices_table(op: Any) -> None:
    """Drop the ``notices`` table (a migration's downgrade)."""
    op.drop_index("ix_notices_due", table_name=TABLE)
    op.drop_table(TABLE)


def table_of(metadata: MetaData) -> Table | None:
    """A service's ``notices`` table, or None when the service sends no notices."""
    return metadata.tables.get(TABLE)
