"""What a service declares about itself, and the runtime a process builds from it."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from shared.clock import Clock, SystemClock
from shared.config import Settings
from shared.db import Database, UnitOfWork
from shared.events import EventCatalog, Subscriptions
from shared.outbox import Outbox

if TYPE_CHECKING:
    from flask_smorest import Blueprint
    from prometheus_client.registry import Collector

    from shared.calendar import CalendarBook

SERVICE_NAMES = ("intake", "dispatch", "maintenance", "returns", "complaints", "billing", "kpi")


@dataclass(frozen=True)
class PeriodicJob:
    """Work a service's worker runs on a timer (sweeps, schedulers). It must be safe to run
    from several replicas at once: claim rows with ``FOR UPDATE SKIP LOCKED`` or a
    conditional update, and publish through the outbox."""

    name: str
    every_seconds: float
    run: Callable[[Runtime], None]


@dataclass(frozen=True)
class ServiceDefinition:
    """A service's tables, events, handlers and app factory: everything the kit wires."""

    name: str
    title: str
    metadata: MetaData
    catalog: EventCatalog
    subscriptions: Subscriptions
    package_dir: Path
    # Imported lazily: building the app must not happen at import time.
    blueprints: Callable[[], list[Blueprint]] = field(default=lambda: [])
    collectors: Callable[[Runtime], list[Collector]] = field(default=lambda _rt: [])
    periodic: tuple[PeriodicJob, ...] = ()

    @property
    def migrations_dir(self) -> Path:
        return self.package_dir / "migrations"


def load_definition(name: str) -> ServiceDefinition:
    """The definition exported as ``SERVICE`` by ``services.<name>``."""
    if name not in SERVICE_NAMES:
        raise ValueError(f"unknown service {name!r}; known: {', '.join(SERVICE_NAMES)}")
    module = importlib.import_module(f"services.{name}")
    definition: ServiceDefinition = module.SERVICE
    return definition


def all_definitions() -> list[ServiceDefinition]:
    return [load_definition(name) for name in SERVICE_NAMES]


class Runtime:
    """One process's view of a service: settings, database, clock."""

    def __init__(
        self,
        definition: ServiceDefinition,
        settings: Settings | None = None,
        *,
        clock: Clock | None = None,
        db: Database | None = None,
    ) -> None:
        self.definition = definition
        self.settings = settings or Settings.from_env(definition.name)
        self.clock: Clock = clock or SystemClock()
        self.db = db or Database(self.settings.database_url)
        self.state: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return self.definition.name

    @functools.cached_property
    def calendars(self) -> CalendarBook:
        """The regions' business calendars (AFTERCARE_CALENDARS_FILE, or the shipped ones)."""
        from shared.calendar import load_calendars

        return load_calendars(self.settings.calendars_file, self.settings.regions)

    @contextmanager
    def unit_of_work(
        self, *, correlation_id: str | None = None, causation_id: str | None = None
    ) -> Iterator[UnitOfWork]:
        """A session, its outbox and the clock; rolled back unless the use case commits."""
        with self.db.session() as session:
            outbox = Outbox(
                session,
                self.definition.catalog,
                correlation_id=correlation_id,
                causation_id=causation_id,
            )
            yield UnitOfWork(
                session, outbox, self.clock, settings=self.settings, calendars=self.calendars
            )
