"""Applying a batch of events to kpi's facts and aggregates in a handful of statements.

Handlers only stage: which entity an event touches and how it merges. ``flush()`` then
loads every touched entity in one query per table, merges in order, judges each changed
entity once, and writes the entities, the aggregate differences, the archive and the event
counts with one statement per table. The cost per event is Python, not round trips.

kpi batches run one at a time: a transaction-scoped advisory lock on PostgreSQL (SQLite's
``BEGIN IMMEDIATE`` does the same), which the rebuild also takes, so two workers never merge
the same entity concurrently and a rebuild never interleaves with a live batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, select

from services.kpi.domain import definitions
from services.kpi.domain.adherence import MaintenanceFacts
from services.kpi.domain.channels import ConsultationFacts, TrainingFacts
from services.kpi.domain.facts import (
    ComplaintFacts,
    Facts,
    RatingFacts,
    TicketFacts,
    VisitFacts,
    WorkOrderFacts,
)
from services.kpi.domain.months import Months
from services.kpi.models import (
    ArchivedEvent,
    Backlog,
    Complaint,
    Consultation,
    Counter,
    EventCount,
    LagBucket,
    MaintenanceOccurrence,
    MonthlyAggregate,
    Rating,
    Ticket,
    TrainingSession,
    Visit,
    WorkOrder,
)
from services.kpi.repositories.closing import (
    Scope,
    Touched,
    closed_months,
    record_corrections,
    scopes_moved,
)
from services.kpi.repositories.lock import take_apply_lock
from services.kpi.repositories.store import LOAD_CHUNK, Store
from shared.db import increment, insert_ignoring_conflicts, replace
from shared.events import Event
from shared.metrics import LAG_BUCKETS
from shared.unit_of_work import SqlUnitOfWork


def lag_bucket(seconds: float) -> str:
    """The histogram bucket (upper bound, as text) a lag falls into."""
    for bound in LAG_BUCKETS:
        if seconds <= bound:
            return repr(float(bound))
    return "+Inf"


class KpiBatch:
    """The staged effects of one batch of events (a ``BatchScope`` of kpi's subscriptions)."""

    def __init__(
        self, uow: SqlUnitOfWork, *, replayed: Mapping[str, dt.datetime] | None = None
    ) -> None:
        """``replayed``: on a rebuild, the archived apply time of each event replayed."""
        self.uow = uow
        self.session = uow.session
        self.replayed = replayed
        self.months = Months(uow.calendars)
        self.visits: Store[VisitFacts] = Store(Visit, lambda k, r: VisitFacts(k[0], k[1], r))
        self.work_orders: Store[WorkOrderFacts] = Store(WorkOrder, WorkOrderFacts)
        self.tickets: Store[TicketFacts] = Store(Ticket, TicketFacts)
        self.complaints: Store[ComplaintFacts] = Store(Complaint, ComplaintFacts)
        self.ratings: Store[RatingFacts] = Store(
            Rating, lambda k, r: RatingFacts(k, k.split("/", 1)[0], r)
        )
        self.maintenance: Store[MaintenanceFacts] = Store(MaintenanceOccurrence, MaintenanceFacts)
        self.consultations: Store[ConsultationFacts] = Store(Consultation, ConsultationFacts)
        self.trainings: Store[TrainingFacts] = Store(TrainingSession, TrainingFacts)
        # Tickets whose work orders a work-order event links (their report time is needed).
        self.linked_tickets: set[str] = set()
        self.events: list[tuple[Event, dt.datetime]] = []
        # Scopes of closed months this batch changes, and the event that changed each.
        self.touched = Touched()
        take_apply_lock(self.session)

    @property
    def stores(self) -> Sequence[Store[Any]]:
        """Every kind of fact, in the order a flush writes them."""
        return (
            self.visits,
            self.work_orders,
            self.tickets,
            self.complaints,
            self.ratings,
            self.maintenance,
            self.consultations,
            self.trainings,
        )

    # -- staging (handlers) --------------------------------------------------------------------
    def record_event(self, event: Event) -> None:
        """Archive and count an event (on a rebuild: count it, with its archived apply time)."""
        if self.replayed is None:
            self.events.append((event, self.uow.clock.now()))
            # Its handlers ran just before: the merges they staged are this event's.
            for store in self.stores:
                store.attribute((str(event.id), event.type))
        else:
            self.events.append((event, self.replayed[str(event.id)]))

    def link_ticket(self, ticket_id: str | None) -> None:
        """A work order's ticket: its report time is copied onto the work order."""
        if ticket_id:
            self.linked_tickets.add(ticket_id)

    # -- flush ------------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything staged: archive, entities, aggregate differences, event counts."""
        counted = self._archive()
        stores = self.stores
        self.tickets.load(self.session, self.tickets.staged_keys() | self.linked_tickets)
        for store in stores:
            if store is not self.tickets:
                store.load(self.session, store.staged_keys())
            store.merge_staged()
        self._link_report_times()
        deltas: dict[definitions.Key, list[int]] = {}
        # A live batch notes what it changes in closed months (a replay: see the rebuild).
        closed = closed_months(self.session) if self.replayed is None else set()
        for store in stores:
            changed = store.changed()
            for facts in changed:
                was_open = definitions.open_past_deadline_in(facts)
                old, new = self._judge(facts, deltas)
                if closed:
                    self._touch(store, facts, scopes_moved(facts, old, new, was_open), closed)
            self._write_entities(store, changed)
        self._write_deltas(deltas)
        self._count(counted)
        if self.touched.causes:
            record_corrections(self.session, self.touched.causes, now=self.uow.clock.now())

    def _archive(self) -> list[tuple[Event, dt.datetime]]:
        """Insert the events into the archive; those that were new (all, on replay)."""
        if self.replayed is not None or not self.events:
            return list(self.events)
        table: Table = ArchivedEvent.__table__  # type: ignore[assignment]
        rows = [
            {
                "event_id": str(event.id),
                "type": event.type,
                "region": event.region,
                "producer": event.producer,
                "occurred_at": event.occurred_at,
                "applied_at": applied_at,
                "envelope": event.to_json(),
            }
            for event, applied_at in self.events
        ]
        statement = insert_ignoring_conflicts(self.session, table, ["event_id"])
        inserted = set(self.session.scalars(statement.returning(table.c.event_id), rows))
        return [(e, at) for e, at in self.events if str(e.id) in inserted]

    def _link_report_times(self) -> None:
        """A work order's time to repair runs from its ticket's report: copy it across, in
        whichever order the ticket's and the work order's events came."""
        reported = {
            ticket_id: facts.created_at
            for ticket_id, facts in self.tickets.entities.items()
            if facts.created_at is not None
        }
        changed = [t.ticket_id for t in self.tickets.changed() if t.created_at is not None]
        if changed:
            columns = WorkOrder.__table__.c
            for start in range(0, len(changed), LOAD_CHUNK):
                chunk = changed[start : start + LOAD_CHUNK]
                keys = self.session.scalars(
                    select(columns.work_order_id).where(columns.ticket_id.in_(chunk))
                )
                self.work_orders.load(self.session, list(keys))
        for order in self.work_orders.entities.values():
            if order.ticket_id in reported:
                order.add_ticket_created(reported[order.ticket_id])

    def _touch(self, store: Store[Any], facts: Facts, scopes: set[Scope], closed: set[str]) -> None:
        """Note the scopes of closed months a changed entity moved from or to, with the
        event behind it."""
        scopes = {scope for scope in scopes if scope[0] in closed}
        if not scopes:
            return
        cause = store.causes.get(store.key_of(facts))
        if cause is None and isinstance(facts, WorkOrderFacts):  # changed through its ticket
            cause = self.tickets.causes.get(facts.ticket_id)
        if cause is None and self.events:
            cause = (str(self.events[-1][0].id), self.events[-1][0].type)
        for month, region, technician in scopes:
            self.touched.add(month, region, technician, cause)

    def _judge(
        self, facts: Facts, deltas: dict[definitions.Key, list[int]]
    ) -> tuple[definitions.Contributions, definitions.Contributions]:
        """Judge a changed entity again; its old and new contributions."""
        definitions.index(facts, self.months)
        new = definitions.judge(facts, self.months)
        old = definitions.load_contributions(facts.applied)
        for key, (count, hits, total) in definitions.difference(old, new):
            amount = deltas.setdefault(key, [0, 0, 0])
            amount[0] += count
            amount[1] += hits
            amount[2] += total
        facts.applied = definitions.dump_contributions(new)
        return old, new

    def _write_entities(self, store: Store[Any], changed: list[Facts]) -> None:
        if not changed:
            return
        rows = [dict(vars(facts)) for facts in changed]
        replace(self.session, store.table, store.key_columns, rows)

    def _write_deltas(self, deltas: dict[definitions.Key, list[int]]) -> None:
        monthly, counters, backlog = split_deltas(deltas)
        session = self.session
        increment(
            session,
            MonthlyAggregate.__table__,
            ["month", "region", "technician", "measure"],
            monthly,
        )
        increment(session, Counter.__table__, ["name", "region", "label"], counters)
        increment(session, Backlog.__table__, ["service", "region"], backlog)

    def _count(self, events: list[tuple[Event, dt.datetime]]) -> None:
        counts: dict[tuple[str, str], int] = {}
        lags: dict[str, list[float]] = {}
        for event, applied_at in events:
            counts[event.type, event.region] = counts.get((event.type, event.region), 0) + 1
            lag = max((applied_at - event.occurred_at).total_seconds(), 0.0)
            bucket = lags.setdefault(lag_bucket(lag), [0, 0.0])
            bucket[0] += 1
            bucket[1] += lag
        increment(
            self.session,
            EventCount.__table__,
            ["type", "region"],
            [{"type": t, "region": r, "count": n} for (t, r), n in counts.items()],
        )
        increment(
            self.session,
            LagBucket.__table__,
            ["le"],
            [
                {"le": le, "count": int(n), "sum_seconds": seconds}
                for le, (n, seconds) in lags.items()
            ],
        )


def split_deltas(
    deltas: Mapping[definitions.Key, Sequence[int]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Aggregate deltas as rows of the monthly, counter and backlog tables."""
    monthly: list[dict[str, Any]] = []
    counters: list[dict[str, Any]] = []
    backlog: list[dict[str, Any]] = []
    for key, (count, hits, total) in deltas.items():
        if key[0] == "m":
            _, month, region, technician, measure = key
            monthly.append(
                {
                    "month": month,
                    "region": region,
                    "technician": technician,
                    "measure": measure,
                    "count": count,
                    "hits": hits,
                    "total": total,
                }
            )
        elif key[0] == "c":
            _, name, region, label = key
            counters.append({"name": name, "region": region, "label": label, "value": count})
        else:
            _, service, region = key
            backlog.append({"service": service, "region": region, "open": count})
    return monthly, counters, backlog
