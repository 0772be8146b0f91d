"""The rollout order deploy/README.md documents, checked for every service on PostgreSQL.

A release migrates first (the ``<name>-migrate-<version>`` Job), then rolls out its code; a
rollback rolls back the code and leaves the database where it is. So for a while the
previous release's code (N-1) runs against the schema of N, and each service's newest
migration must be an *expand*: nothing the previous code reads or writes disappears or
changes type, and nothing it does not know about is required of its inserts. Contracting
(dropping what N no longer uses) waits for the release after. Also: every history goes from
empty to head and back down to empty."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from shared.migrations import alembic_config, upgrade
from shared.service import load_definition
from tests.helpers import SERVICE_NAMES


def schema(url: str) -> dict[str, dict[str, Any]]:
    """Table → column → (type, nullable, has a default), and the table's unique sets."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        found: dict[str, dict[str, Any]] = {}
        for table in inspector.get_table_names():
            columns = {
                c["name"]: (str(c["type"]), c["nullable"], c.get("default") is not None)
                for c in inspector.get_columns(table)
            }
            uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
            uniques |= {
                tuple(i["column_names"]) for i in inspector.get_indexes(table) if i["unique"]
            }
            found[table] = {"columns": columns, "uniques": uniques}
        return found
    finally:
        engine.dispose()


def contractions(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What in ``after`` would break code written for ``before``."""
    broken = []
    for table, old in before.items():
        if table not in after:
            broken.append(f"table {table} dropped")
            continue
        new = after[table]
        for column, (type_, nullable, _default) in old["columns"].items():
            if column not in new["columns"]:
                broken.append(f"{table}.{column} dropped")
                continue
            new_type, new_nullable, _ = new["columns"][column]
            if new_type != type_:
                broken.append(f"{table}.{column} retyped {type_} -> {new_type}")
            if nullable and not new_nullable:
                broken.append(f"{table}.{column} made NOT NULL")
        for column, (_type, nullable, default) in new["columns"].items():
            if column not in old["columns"] and not nullable and not default:
                broken.append(f"{table}.{column} added NOT NULL without a default")
        for unique in new["uniques"] - old["uniques"]:
            if set(unique) <= set(old["columns"]):
                broken.append(f"{table} gained unique {unique} on existing columns")
    return broken


def test_the_contraction_finder_sees_what_breaks_old_code() -> None:
    before = {"t": {"columns": {"a": ("INTEGER", True, False)}, "uniques": set()}}
    assert contractions(before, before) == []
    grown = {
        "t": {
            "columns": {"a": ("INTEGER", True, False), "b": ("TEXT", True, False)},
            "uniques": set(),
        },
        "u": {"columns": {}, "uniques": set()},
    }
    assert contractions(before, grown) == []
    assert contractions(before, {}) == ["table t dropped"]
    assert contractions(before, {"t": {"columns": {}, "uniques": set()}}) == ["t.a dropped"]
    required = {
        "t": {
            "columns": {"a": ("INTEGER", False, False), "c": ("TEXT", False, False)},
            "uniques": {("a",)},
        }
    }
    assert contractions(before, required) == [
        "t.a made NOT NULL",
        "t.c added NOT NULL without a default",
        "t gained unique ('a',) on existing columns",
    ]


def revisions(name: str) -> list[str]:
    """The service's revisions, oldest first."""
    definition = load_definition(name)
    script = ScriptDirectory.from_config(alembic_config(definition, "sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_migrations_go_up_from_empty_and_down_to_empty(name: str, postgres_url: str) -> None:
    definition = load_definition(name)
    upgrade(definition, postgres_url)
    tables = set(schema(postgres_url))
    assert set(definition.metadata.tables) <= tables
    command.downgrade(alembic_config(definition, postgres_url), "base")
    assert set(schema(postgres_url)) == {"alembic_version"}
    upgrade(definition, postgres_url)  # and up again, as a re-deployed release would
    assert set(schema(postgres_url)) == tables


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_the_previous_release_runs_against_the_newest_schema(name: str, postgres_url: str) -> None:
    history = revisions(name)
    if len(history) < 2:
        pytest.skip(f"{name} has a single revision: no previous schema")
    definition = load_definition(name)
    config = alembic_config(definition, postgres_url)
    command.upgrade(config, history[-2])
    before = schema(postgres_url)
    command.upgrade(config, history[-1])
    assert contractions(before, schema(postgres_url)) == []
