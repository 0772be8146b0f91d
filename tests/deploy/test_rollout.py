"""The rollout order deploy/README.md documents, checked for every service on PostgreSQL.

A release migrates first (the ``<name>-migrate-<version>`` Job), then rolls out its code; a
rollback rolls back the code and leaves the database where it is. So for a while the
previous release's code (N-1) runs against the schema of N, and each service's newest
migration must be an *expand*: nothing the previous code reads or writes disappears or
changes type, and nothing it does not know about is required of its inserts. Contracting
(dropping what N no longer uses) waits for the release after. Checked twice: on the schema
(the newest migration against the one before), and by running the previous release's code
itself (from git history: the commit before the newest migration was added) against the
database at head, reading every table and column it maps. Also: every history goes from
empty to head and back down to empty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from shared.migrations import alembic_config, upgrade
from shared.service import load_definition
from tests.helpers import REPO, SERVICE_NAMES


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


# Run inside the previous release's tree: its models read every table and column they map.
READ_EVERYTHING = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if 'Editable' not in getattr(f, '__name__', '')]
import sqlalchemy as sa
import services
from shared.db import PlumbingBase
from shared.service import load_definition
assert services.__file__.startswith(sys.argv[3]), services.__file__
definition = load_definition(sys.argv[1])
engine = sa.create_engine(sys.argv[2])
tables = [*definition.metadata.sorted_tables, *PlumbingBase.metadata.sorted_tables]
with engine.connect() as conn:
    for table in tables:
        conn.execute(sa.select(table).limit(1)).all()
print(len(tables))
"""


def previous_release(name: str) -> str:
    """The commit before the one that added the service's newest migration: the code that
    ran before that migration existed."""
    definition = load_definition(name)
    script = ScriptDirectory.from_config(alembic_config(definition, "sqlite://"))
    head = script.get_revision(script.get_current_head())
    path = Path(head.path).resolve().relative_to(REPO)
    added = subprocess.run(
        # along main's own line (-m --first-parent): a migration that came in with a merge
        # was added by that merge, and the release before it is the merge's first parent
        ["git", "log", "--diff-filter=A", "-m", "--first-parent", "--format=%H", "--",
         str(path)],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert added, f"{path} is not in git history (a shallow clone?)"
    return f"{added[-1]}^"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_the_previous_releases_code_reads_the_newest_schema(
    name: str, postgres_url: str, tmp_path: Path
) -> None:
    if len(revisions(name)) < 2:
        pytest.skip(f"{name} has a single revision: its previous release had no database")
    previous = previous_release(name)
    shipped = subprocess.run(
        ["git", "cat-file", "-e", f"{previous}:services/{name}"], cwd=REPO, check=False
    )
    if shipped.returncode != 0:
        pytest.skip(f"{name} shipped all its revisions in its first release: no previous code")
    upgrade(load_definition(name), postgres_url)
    tree = tmp_path / "previous"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", previous, "shared", "services/__init__.py",
         f"services/{name}"],
        cwd=REPO, capture_output=True, check=True,
    )  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    done = subprocess.run(
        [sys.executable, "-c", READ_EVERYTHING, name, postgres_url, str(tree)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.split()[-1]) >= 3  # its tables, and the outbox, inbox, keys
