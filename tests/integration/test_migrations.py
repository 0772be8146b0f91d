"""Each service's Alembic history builds exactly the tables its models declare, on SQLite
and on PostgreSQL, and goes down again cleanly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import PlumbingBase
from shared.migrations import alembic_config, upgrade
from shared.service import load_definition
from tests.helpers import SERVICE_NAMES


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_migrations_match_the_models(database_url: str, name: str) -> None:
    definition = load_definition(name)
    upgrade(definition, database_url)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            merged = sa.MetaData()
            for metadata in (definition.metadata, PlumbingBase.metadata):
                for table in metadata.tables.values():
                    table.to_metadata(merged)
            assert compare_metadata(context, merged) == []
            assert {"outbox", "inbox", "idempotency_keys", "alembic_version"} <= set(
                sa.inspect(conn).get_table_names()
            )
    finally:
        engine.dispose()


def test_downgrade_removes_everything(sqlite_url: str) -> None:
    from alembic import command

    definition = load_definition("intake")
    upgrade(definition, sqlite_url)
    command.downgrade(alembic_config(definition, sqlite_url), "base")
    engine = sa.create_engine(sqlite_url)
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
