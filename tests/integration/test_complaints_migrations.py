"""complaints' migrations go down as cleanly as they come up, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from services.complaints import SERVICE
from shared.migrations import alembic_config, upgrade


def test_downgrade_removes_every_complaints_table(database_url: str) -> None:
    upgrade(SERVICE, database_url)
    engine = sa.create_engine(database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert {"complaints", "complaint_evidence", "complaint_measures"} <= tables
        command.downgrade(alembic_config(SERVICE, database_url), "complaints_0001")
        assert set(sa.inspect(engine).get_table_names()) == {
            "alembic_version",
            "outbox",
            "inbox",
            "idempotency_keys",
        }
        upgrade(SERVICE, database_url)
        assert "complaint_timeline" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
