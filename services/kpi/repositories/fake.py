"""kpi's repositories in memory, for unit tests of the use cases: ``FakeKpiUnitOfWork`` over
``KpiTables``, lists of the same model rows the database would hold. Reads filter, group and
sum them as the SQL does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.kpi.domain.adherence import MaintenanceFacts
from services.kpi.domain.attention import Session as HeldSession
from services.kpi.domain.channels import ConsultationFacts, TrainingFacts
from services.kpi.domain.facts import (
    ComplaintFacts,
    RatingFacts,
    TicketFacts,
    VisitFacts,
    WorkOrderFacts,
)
from services.kpi.models import (
    SPOT_CHECK_COLUMNS,
    ArchivedEvent,
    Backlog,
    ClosedMonth,
    Complaint,
    Correction,
    DefinitionVersion,
    FrozenMeasure,
    MonthlyAggregate,
    SpotCheck,
    Ticket,
    WorkOrder,
)
from services.kpi.repositories.base import (
    Archive,
    ArchivedRow,
    FactTables,
    KpiUnitOfWork,
    Measures,
    MeasureSums,
    PerMonthAndRegion,
    SpotChecks,
)
from shared.calendar import CalendarBook
from shared.clock import Clock
from shared.config import Settings
from shared.events import Event, EventCatalog
from shared.unit_of_work import FakeUnitOfWork

if TYPE_CHECKING:
    from services.kpi.repositories.fake_closing import FakeClosing


@dataclass
class KpiTables:
    """kpi's tables, as rows in lists."""

    monthly: list[MonthlyAggregate] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    backlog: list[Backlog] = field(default_factory=list)
    definitions: list[DefinitionVersion] = field(default_factory=list)
    work_orders: list[WorkOrder] = field(default_factory=list)
    spot_checks: dict[str, SpotCheck] = field(default_factory=dict)
    archive: list[ArchivedEvent] = field(default_factory=list)
    closed_months: list[ClosedMonth] = field(default_factory=list)
    frozen: list[FrozenMeasure] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    trainings: list[HeldSession] = field(default_factory=list)
    # {(month, by, scope): rows}
    frozen_scorecards: dict[tuple[str, str, str], list[dict[str, Any]]] = field(
        default_factory=dict
    )


class FakeMeasures(Measures):
    def __init__(self, tables: KpiTables) -> None:
        self.tables = tables

    def rows(self) -> list[Any]:
        """The aggregate rows summed (live here, frozen in ``FakeFrozenMeasures``)."""
        return list(self.tables.monthly)

    def sum_measures(
        self,
        *,
        months: Collection[str],
        by: tuple[str, ...] = (),
        region: str | None = None,
        technician: str | None = None,
    ) -> MeasureSums:
        result: MeasureSums = {}
        for row in self.rows():
            if row.month not in months or region not in (None, row.region):
                continue
            if technician not in (None, row.technician):
                continue
            if "technician" in by and row.technician == "":
                continue
            group = (row.month, *(getattr(row, name) for name in by))
            count, hits, total = result.setdefault(group, {}).get(row.measure, (0, 0, 0))
            amount = (count + row.count, hits + row.hits, total + row.total)
            result[group][row.measure] = amount
        return result

    def count_past_deadline(
        self, *, months: Collection[str], now: dt.datetime, region: str | None = None
    ) -> tuple[PerMonthAndRegion, PerMonthAndRegion]:
        overdue = _count_due(
            ((c.overdue_month, c.overdue_at, c.region) for c in self.tables.complaints),
            months,
            now,
            region,
        )
        unanswered = _count_due(
            ((t.awaiting_month, t.awaiting_response_due, t.region) for t in self.tables.tickets),
            months,
            now,
            region,
        )
        return overdue, unanswered

    def backlog(self, *, region: str | None = None) -> dict[tuple[str, str], int]:
        return {
            (row.service, row.region): row.open
            for row in self.tables.backlog
            if region in (None, row.region)
        }

    def definition_versions(self) -> dict[str, int]:
        return {row.name: row.version for row in self.tables.definitions}

    def completed_work_orders(self, *, month: str, region: str | None) -> list[str]:
        return sorted(
            w.work_order_id
            for w in self.tables.work_orders
            if w.completed_month == month and region in (None, w.region)
        )

    def trainings_held(self, *, since: dt.datetime, region: str | None = None) -> list[HeldSession]:
        return sorted(
            (s for s in self.tables.trainings if s.held_at >= since and region in (None, s.region)),
            key=lambda s: s.session_id,
        )


def _count_due(
    rows: Iterator[tuple[str | None, dt.datetime | None, str]],
    months: Collection[str],
    now: dt.datetime,
    region: str | None,
) -> PerMonthAndRegion:
    counts: PerMonthAndRegion = {}
    for month, due, row_region in rows:
        if month is None or due is None or region not in (None, row_region):
            continue
        if month in months and due < now:
            counts[month, row_region] = counts.get((month, row_region), 0) + 1
    return counts


class FakeSpotChecks(SpotChecks):
    def __init__(self, tables: KpiTables) -> None:
        self.tables = tables

    def add(self, spot_check: SpotCheck) -> SpotCheck:
        self.tables.spot_checks[spot_check.id] = spot_check
        return spot_check

    def work_order_details(self, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        return {
            w.work_order_id: {name: getattr(w, name) for name in SPOT_CHECK_COLUMNS}
            for w in self.tables.work_orders
            if w.work_order_id in ids
        }


class FakeArchive(Archive):
    def __init__(self, tables: KpiTables) -> None:
        self.tables = tables

    def chunks(self, size: int) -> Iterator[list[ArchivedRow]]:
        ordered = sorted(self.tables.archive, key=lambda a: (a.occurred_at, a.event_id))
        for start in range(0, len(ordered), size):
            yield [
                ArchivedRow(a.event_id, a.applied_at, a.envelope)
                for a in ordered[start : start + size]
            ]


class MemoryStore:
    """One kind of fact in memory; merges are applied as they are staged."""

    def __init__(self, make: Callable[[Any, str], Any]) -> None:
        self.make = make
        self.entities: dict[Any, Any] = {}

    def stage(self, key: Hashable, region: str, merge: Callable[..., None], *args: Any) -> None:
        facts = self.entities.get(key)
        if facts is None:
            facts = self.entities[key] = self.make(key, region)
        merge(facts, *args)


class MemoryBatch:
    """Takes ``KpiBatch``'s place for kpi's handlers: the facts they merge, the events they
    count (with their archived apply times) and the flushes, in memory."""

    def __init__(self, applied_at: Mapping[str, dt.datetime]) -> None:
        self.applied_at = applied_at
        self.visits = MemoryStore(lambda k, r: VisitFacts(k[0], k[1], r))
        self.work_orders = MemoryStore(WorkOrderFacts)
        self.tickets = MemoryStore(TicketFacts)
        self.complaints = MemoryStore(ComplaintFacts)
        self.ratings = MemoryStore(lambda k, r: RatingFacts(k, k.split("/", 1)[0], r))
        self.maintenance = MemoryStore(MaintenanceFacts)
        self.consultations = MemoryStore(ConsultationFacts)
        self.trainings = MemoryStore(TrainingFacts)
        self.events: list[tuple[Event, dt.datetime]] = []
        self.linked_tickets: set[str] = set()
        self.flushes = 0

    def record_event(self, event: Event) -> None:
        self.events.append((event, self.applied_at[str(event.id)]))

    def link_ticket(self, ticket_id: str | None) -> None:
        if ticket_id:
            self.linked_tickets.add(ticket_id)

    def flush(self) -> None:
        self.flushes += 1


class FakeFactTables(FactTables):
    def __init__(self, tables: KpiTables) -> None:
        self.tables = tables
        self.cleared = 0
        self.batches: list[MemoryBatch] = []

    def clear(self) -> None:
        self.tables.monthly.clear()
        self.tables.complaints.clear()
        self.tables.tickets.clear()
        self.tables.backlog.clear()
        self.tables.work_orders.clear()
        self.cleared += 1

    def replay(self, applied_at: Mapping[str, dt.datetime]) -> MemoryBatch:
        self.batches.append(MemoryBatch(applied_at))
        return self.batches[-1]

    def record_definitions(self, versions: Mapping[str, int], *, at: dt.datetime) -> None:
        self.tables.definitions[:] = [
            DefinitionVersion(name=name, version=version, built_at=at)
            for name, version in versions.items()
        ]


class FakeKpiUnitOfWork(FakeUnitOfWork, KpiUnitOfWork):
    """kpi's unit of work in memory; ``tables`` holds what it reads and writes."""

    measures: FakeMeasures
    closing: FakeClosing
    spot_checks: FakeSpotChecks
    archive: FakeArchive
    facts: FakeFactTables

    def __init__(
        self,
        catalog: EventCatalog,
        *,
        clock: Clock,
        settings: Settings | None = None,
        calendars: CalendarBook | None = None,
        tables: KpiTables | None = None,
    ) -> None:
        self.tables = tables or KpiTables()
        super().__init__(catalog, clock=clock, settings=settings, calendars=calendars)

    def _open_repositories(self) -> None:
        self.measures = FakeMeasures(self.tables)
        from services.kpi.repositories.fake_closing import FakeClosing

        self.closing = FakeClosing(self.tables)
        self.spot_checks = FakeSpotChecks(self.tables)
        self.archive = FakeArchive(self.tables)
        self.facts = FakeFactTables(self.tables)
