"""Staged merges on one kind of fact: loaded in bulk, merged in order, written in bulk."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, select, tuple_
from sqlalchemy.orm import Session

from services.kpi.domain.facts import Facts

LOAD_CHUNK = 500
F = TypeVar("F", bound=Facts)


class Store(Generic[F]):
    """The entities of one fact table a batch touches, and the merges staged on them."""

    def __init__(self, model: Any, make: Callable[[Any, str], F]) -> None:
        self.table: Table = model.__table__
        self.key_columns = [c.name for c in self.table.primary_key.columns]
        self.make = make
        self.staged: list[tuple[Any, str, Callable[..., None], tuple[Any, ...]]] = []
        self.entities: dict[Any, F] = {}
        self.snapshots: dict[Any, tuple[Any, ...] | None] = {}
        # The event each staged merge came from, and the last one to merge into each entity.
        self.origins: list[Any] = []
        self.causes: dict[Any, Any] = {}

    def stage(self, key: Hashable, region: str, merge: Callable[..., None], *args: Any) -> None:
        """Merge ``args`` into the entity ``key`` (made in ``region`` if new) at the flush."""
        self.staged.append((key, region, merge, args))

    def attribute(self, origin: Any) -> None:
        """The merges staged since the last call came from ``origin`` (an event)."""
        self.origins.extend([origin] * (len(self.staged) - len(self.origins)))

    def staged_keys(self) -> set[Any]:
        """The keys of the entities merges are staged on."""
        return {key for key, *_ in self.staged}

    def load(self, session: Session, keys: Iterable[Any]) -> None:
        """Read the entities not loaded yet among ``keys``."""
        missing = sorted(k for k in set(keys) if k not in self.snapshots)
        columns = [self.table.c[name] for name in self.key_columns]
        target = columns[0] if len(columns) == 1 else tuple_(*columns)
        for start in range(0, len(missing), LOAD_CHUNK):
            chunk = missing[start : start + LOAD_CHUNK]
            for row in session.execute(select(self.table).where(target.in_(chunk))).mappings():
                self.adopt(self.make_from_row(dict(row)))
            for key in chunk:
                self.snapshots.setdefault(key, None)

    def adopt(self, facts: F) -> None:
        """Take an entity as loaded: it is written only if a merge changes it."""
        key = self.key_of(facts)
        self.entities[key] = facts
        self.snapshots[key] = _snapshot(facts)

    def make_from_row(self, row: dict[str, Any]) -> F:
        """The entity a table row holds."""
        facts = self.make(self._key_from(row), row["region"])
        for name, value in row.items():
            setattr(facts, name, value)
        return facts

    def key_of(self, facts: F) -> Any:
        """An entity's key (a tuple when the table's is composite)."""
        return self._key_from(vars(facts))

    def _key_from(self, values: dict[str, Any]) -> Any:
        if len(self.key_columns) == 1:
            return values[self.key_columns[0]]
        return tuple(values[name] for name in self.key_columns)

    def get(self, key: Any, region: str) -> F:
        """The entity ``key``, made in ``region`` if kpi does not know it yet."""
        facts = self.entities.get(key)
        if facts is None:
            facts = self.entities[key] = self.make(key, region)
        return facts

    def merge_staged(self) -> None:
        """Apply the staged merges, in the order they were staged."""
        for index, (key, region, merge, args) in enumerate(self.staged):
            merge(self.get(key, region), *args)
            if index < len(self.origins):
                self.causes[key] = self.origins[index]
        self.staged.clear()
        self.origins.clear()

    def changed(self) -> list[F]:
        """The entities the merges changed (or made)."""
        return [
            facts
            for key, facts in self.entities.items()
            if self.snapshots.get(key) != _snapshot(facts)
        ]


def _snapshot(facts: Facts) -> tuple[Any, ...]:
    # Shallow: every field is an immutable value (dataclasses.astuple deep-copies, slowly).
    return tuple(vars(facts).values())
