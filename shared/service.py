"""What a service declares about itself, and the runtime a process builds from it."""

from __future__ import annotations

import argparse
import functools
import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData

from shared.clock import Clock, SystemClock
from shared.config import Settings
from shared.db import Database
from shared.events import EventCatalog, Subscriptions
from shared.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from flask_smorest import Blueprint
    from prometheus_client.registry import Collector

    from shared.calendar import CalendarBook

# Services register themselves under this entry-point group (pyproject.toml): the kit knows
# none of them by name.
ENTRY_POINTS = "aftercare.services"


@dataclass(frozen=True)
class PeriodicJob:
    """Work a service's worker runs on a timer (sweeps, schedulers). It must be safe to run
    from several replicas at once: claim rows with ``FOR UPDATE SKIP LOCKED`` or a
    conditional update, and publish through the outbox."""

    name: str
    every_seconds: float
    run: Callable[[Runtime], object]


@dataclass(frozen=True)
class Command:
    """An operator command a service adds to ``aftercare`` (kpi's ``kpi-rebuild``)."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class ServiceDefinition:
    """A service's tables, events, handlers and app factory: everything the kit wires."""

    name: str
    title: str
    port: int  # the default web port (SPEC section 5); AFTERCARE_<SERVICE>_PORT overrides
    metadata: MetaData
    catalog: EventCatalog
    subscriptions: Subscriptions
    package_dir: Path
    # Imported lazily: building the app must not happen at import time.
    blueprints: Callable[[], list[Blueprint]] = field(default=lambda: [])
    collectors: Callable[[Runtime], list[Collector]] = field(default=lambda _rt: [])
    periodic: tuple[PeriodicJob, ...] = ()
    # The unit of work (with the service's repositories) its use cases are given.
    unit_of_work: type[SqlUnitOfWork] = SqlUnitOfWork
    commands: Callable[[], list[Command]] = field(default=lambda: [])

    @property
    def migrations_dir(self) -> Path:
        return self.package_dir / "migrations"


def _installed(entry: EntryPoint) -> bool:
    """Whether the package an entry point names is importable here. A service's image holds
    the kit and that one service, while the installed metadata still registers them all."""
    try:
        return importlib.util.find_spec(entry.module) is not None
    except ModuleNotFoundError:  # its parent package (``services``) is absent too
        return False


@functools.cache
def _registered() -> dict[str, EntryPoint]:
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINTS) if _installed(ep)}
    if not found:
        raise RuntimeError(
            f"no services registered under {ENTRY_POINTS!r}: is the project installed?"
        )
    return found


@functools.cache
def load_definition(name: str) -> ServiceDefinition:
    """The definition a service registered under ``name``."""
    registered = _registered()
    if name not in registered:
        raise ValueError(f"unknown service {name!r}; known: {', '.join(service_names())}")
    definition: ServiceDefinition = registered[name].load()
    if definition.name != name:
        raise RuntimeError(f"entry point {name!r} names service {definition.name!r}")
    return definition


def all_definitions() -> list[ServiceDefinition]:
    """Every registered service, in the order of their ports."""
    return sorted((load_definition(n) for n in _registered()), key=lambda d: (d.port, d.name))


def app_target(name: str) -> str:
    """The gunicorn target of a service's web app: ``create_app()`` in its ``app`` room."""
    return f"{_registered()[name].module}.app:create_app()"


def service_names() -> tuple[str, ...]:
    """The registered services' names, in the order of their ports."""
    return tuple(d.name for d in all_definitions())


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
        self.settings = settings or Settings.from_env(definition.name, default_port=definition.port)
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
    ) -> Iterator[SqlUnitOfWork]:
        """The service's unit of work on a new session; rolled back unless the use case
        commits."""
        with self.db.session() as session:
            yield self.definition.unit_of_work(
                session,
                self.definition.catalog,
                clock=self.clock,
                settings=self.settings,
                calendars=self.calendars,
                correlation_id=correlation_id,
                causation_id=causation_id,
            )
