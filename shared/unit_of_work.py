"""The unit of work every use case is given, and the repositories it loads aggregates with.

A use case loads aggregates through the unit of work's repositories, asks the domain, lets
the aggregates record what happened, and calls ``commit()``. The unit of work then writes
the recorded events to the outbox in the same transaction as the change. Two kinds:

- ``SqlUnitOfWork``: one database transaction. Inside a consumer batch (``in_batch``) the
  consumer owns the transaction: ``commit()`` only flushes, and ``rollback()`` fails the
  one event being handled (the consumer reruns the rest of the batch without it and retries
  that one) instead of discarding the whole batch.
- ``FakeUnitOfWork``: in memory, for unit tests of use cases; events are built (and so
  validated against the producer's schemas) exactly as the outbox would.

A service subclasses both with its repositories (``services/<name>/repositories.py``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from shared.clock import Clock
from shared.config import Settings
from shared.domain import Aggregate, Recorded
from shared.events import Event, EventCatalog
from shared.notices.staging import Notice, NoticeBook, NoticeStage
from shared.notices.store import stage_rows
from shared.outbox import Outbox

if TYPE_CHECKING:
    from shared.calendar import BusinessCalendar, CalendarBook

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")


class RollbackInBatch(RuntimeError):
    """A handler asked to roll back inside a consumer batch: only its event is undone."""


class UnitOfWork(ABC):
    """A transaction's repositories, the clock, the service's settings and calendars, and the
    customer notices it will write (``notices``)."""

    # The service's notices (templates, events that cause one); None: it sends none.
    notice_book: ClassVar[NoticeBook | None] = None

    def __init__(self, *, clock: Clock, settings: Settings, calendars: CalendarBook) -> None:
        self.clock = clock
        self.settings = settings
        self.calendars = calendars
        self.notices = NoticeStage(self.notice_book, lambda r: self.calendar(r).tz.key)
        self._seen: dict[int, Aggregate] = {}
        # Aggregates this unit of work added (new ones), in order.
        self.created: list[Aggregate] = []
        # Rows that must commit with the change (e.g. a pending Idempotency-Key).
        self.before_commit: list[Callable[[], None]] = []
        self._open_repositories()

    def _open_repositories(self) -> None:  # noqa: B027 (a hook; a service may have none)
        """Build the service's repositories (subclasses)."""

    def track(self, aggregate: A, *, created: bool = False) -> A:
        """Remember an aggregate so its recorded events are written at commit (``created``:
        it is new in this unit of work)."""
        if id(aggregate) not in self._seen and created:
            self.created.append(aggregate)
        self._seen.setdefault(id(aggregate), aggregate)
        return aggregate

    def calendar(self, region: str) -> BusinessCalendar:
        """The business calendar of a region."""
        return self.calendars.for_region(region)

    def option(self, name: str, default: str) -> str:
        """A service option (``AFTERCARE_<SERVICE>_<NAME>``)."""
        return self.settings.option(name, default)

    def commit(self) -> None:
        """Make the change and the events it caused durable together."""
        for hook in self.before_commit:
            hook()
        self.before_commit.clear()
        recorded = self._collect()
        event_ids = self._write_events(recorded)
        self._stage_event_notices(recorded, event_ids)
        self._write_notices(self.notices.drain())
        self._commit()

    def rollback(self) -> None:
        """Undo the change; the events and notices staged so far are dropped with it."""
        self._collect()
        self.notices.drain()
        self._rollback()

    def _collect(self) -> list[Recorded]:
        events = [e for aggregate in self._seen.values() for e in aggregate.collect_events()]
        return sorted(events, key=lambda e: e.order)

    def _stage_event_notices(self, recorded: list[Recorded], event_ids: list[str]) -> None:
        """The notices the service's book says these events cause, keyed by event id."""
        if self.notice_book is None or not self.notice_book.on_events:
            return
        by_id = {str(a.id): a for a in self._seen.values()}
        for event, event_id in zip(recorded, event_ids, strict=True):
            self.notices.for_event(
                event.type,
                event_id,
                aggregate=by_id.get(event.aggregate_id),
                region=event.region,
                data=event.data,
            )

    @abstractmethod
    def _write_events(self, events: list[Recorded]) -> list[str]:
        """Stage the events; their ids, in order."""

    @abstractmethod
    def _write_notices(self, notices: list[Notice]) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...


class SqlUnitOfWork(UnitOfWork):
    """A unit of work on one SQLAlchemy session; events go to the session's outbox."""

    def __init__(
        self,
        session: Session,
        catalog: EventCatalog,
        *,
        clock: Clock,
        settings: Settings,
        calendars: CalendarBook,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        in_batch: bool = False,
    ) -> None:
        self.session = session
        self.outbox = Outbox(
            session, catalog, correlation_id=correlation_id, causation_id=causation_id
        )
        self.in_batch = in_batch
        super().__init__(clock=clock, settings=settings, calendars=calendars)

    def _write_events(self, events: list[Recorded]) -> list[str]:
        now = self.clock.now()
        return [
            str(
                self.outbox.add(
                    event.type,
                    event.data,
                    region=event.region,
                    occurred_at=now,
                    aggregate_id=event.aggregate_id,
                    sequence=event.sequence,
                ).id
            )
            for event in events
        ]

    def _write_notices(self, notices: list[Notice]) -> None:
        """Insert the notices, skipping any whose dedupe key is already there."""
        if notices:
            stage_rows(self.session, notices, now=self.clock.now())

    def _commit(self) -> None:
        if self.in_batch:
            self.session.flush()
        else:
            self.session.commit()

    def _rollback(self) -> None:
        if self.in_batch:
            raise RollbackInBatch("rolled back inside a consumer batch")
        self.session.rollback()


class FakeUnitOfWork(UnitOfWork):
    """An in-memory unit of work: what was committed, and the events, as lists."""

    def __init__(
        self,
        catalog: EventCatalog,
        *,
        clock: Clock,
        settings: Settings | None = None,
        calendars: CalendarBook | None = None,
    ) -> None:
        from shared.calendar import load_calendars

        self.catalog = catalog
        settings = settings or Settings(service=catalog.producer, database_url="sqlite://")
        self.events: list[Event] = []
        self.commits = 0
        self.rollbacks = 0
        self._staged: list[Event] = []
        # Notices committed (one per dedupe key, as the table's unique key keeps them).
        self.committed_notices: dict[str, Notice] = {}
        self._staged_notices: list[Notice] = []
        super().__init__(
            clock=clock,
            settings=settings,
            calendars=calendars or load_calendars(settings.calendars_file, settings.regions),
        )

    def _write_events(self, events: list[Recorded]) -> list[str]:
        now = self.clock.now()
        built = [
            self.catalog.build(
                e.type,
                e.data,
                region=e.region,
                occurred_at=now,
                aggregate_id=e.aggregate_id,
                sequence=e.sequence,
            )
            for e in events
        ]
        self._staged.extend(built)
        return [str(e.id) for e in built]

    def _write_notices(self, notices: list[Notice]) -> None:
        self._staged_notices.extend(notices)

    def _commit(self) -> None:
        self.events.extend(self._staged)
        self._staged.clear()
        for notice in self._staged_notices:
            self.committed_notices.setdefault(notice.dedupe_key, notice)
        self._staged_notices.clear()
        self.commits += 1

    def _rollback(self) -> None:
        self._staged.clear()
        self._staged_notices.clear()
        self.rollbacks += 1

    def notices_of(self, kind: str | None = None) -> list[Notice]:
        """The committed notices (of one kind)."""
        return [n for n in self.committed_notices.values() if kind is None or n.kind == kind]

    def published(self, type_: str | None = None) -> list[Event]:
        """The committed events (of one type)."""
        return [e for e in self.events if type_ is None or e.type == type_]


class SqlRepository(Generic[A]):
    """Loads and adds one kind of aggregate through a unit of work's session."""

    model: ClassVar[type[Any]]
    # Loader options applied whenever an aggregate is got (e.g. its collections, eagerly).
    load_with: ClassVar[tuple[Any, ...]] = ()

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow
        self.session = uow.session

    def get(self, id_: Any, *, for_update: bool = False) -> A | None:
        """One aggregate by id; ``for_update`` locks its row for the transaction (``FOR NO
        KEY UPDATE`` on PostgreSQL: rows referencing it may still be inserted)."""
        found = self.session.get(
            self.model,
            id_,
            options=list(self.load_with),
            with_for_update={"key_share": True} if for_update else None,
            populate_existing=for_update,
        )
        return self.uow.track(found) if found is not None else None

    def add(self, aggregate: A) -> A:
        """A new aggregate, written at commit."""
        self.session.add(aggregate)
        return self.uow.track(aggregate, created=True)

    def first(self, query: Select[Any]) -> A | None:
        """The first aggregate a query finds."""
        found = self.session.scalars(query.limit(1)).first()
        return self.uow.track(found) if found is not None else None


class FakeRepository(Generic[A]):
    """The in-memory twin of a ``SqlRepository``."""

    def __init__(self, uow: UnitOfWork, items: Iterable[A] = ()) -> None:
        self.uow = uow
        self.items: dict[Any, A] = {}
        for item in items:
            self.items[item.id] = item

    def get(self, id_: Any, *, for_update: bool = False) -> A | None:
        found = self.items.get(id_)
        return self.uow.track(found) if found is not None else None

    def add(self, aggregate: A) -> A:
        self.items[aggregate.id] = aggregate
        return self.uow.track(aggregate, created=True)

    def where(self, predicate: Callable[[A], bool]) -> Iterator[A]:
        """Every aggregate the predicate admits."""
        return (item for item in self.items.values() if predicate(item))

    def first(self, predicate: Callable[[A], bool]) -> A | None:
        """The first aggregate the predicate admits."""
        found = next(self.where(predicate), None)
        return self.uow.track(found) if found is not None else None
