"""kpi benchmark: /metrics scrape time as the event history grows, and kpi's apply throughput,
each as a ratio to a figure measured in the same run (the machine is shared and noisy).

  S  scrape: GET /metrics through ``shared.web.build_app`` (the test client, kpi's real
     collectors and database), on a kpi database holding a SMALL history (default 10k events)
     and one holding a LARGE history (default 1M events); the same for GET /kpis and GET
     /scorecards. The histories have the same traffic per month, so the large one is simply
     longer (10k events = this month; 1M = 100 months): ratio large / small should be ~1.
     Both are generated directly in bulk: the generator's events go through kpi's own
     handlers, merges and judgements in memory (no consumer, no per-event statements), and
     the archive rows, facts and aggregates are inserted in bulk, as the consumer would have
     left them. The small history is also applied through the real consumer path (below) and
     scraped, as a cross-check.
  T  apply throughput: the SMALL history's envelopes through ``EventProcessor.process`` in
     batches of 100 (the consumer's batch: envelope and inbound validation, inbox, archive,
     facts, aggregates, one transaction per batch), against a baseline B: the same envelopes
     inserted into a bare table, one executemany and one transaction per batch of 100; and
     against P: the same processor and batches with a consumer that does nothing (envelope
     parsing and the inbox: the floor any consumer of this kit pays).

The requests on the three databases are timed in interleaved rounds (each round every request
on every database, shuffled), so the shared machine's noise falls on all of them alike.

Usage: .venv/bin/python bench/kpi_scrape.py [--database sqlite|postgresql]
           [--small 10000] [--large 1000000] [--scrapes 50]
Everything runs in throw-away databases (SQLite files in a temp dir, or PostgreSQL databases
on 127.0.0.1), removed at the end. Results also go to bench/results/kpi-scrape-<ts>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REGIONS = ("north", "northeast", "east", "central", "south", "southwest", "northwest")
TECHNICIANS = 50
BATCH = 100  # the consumer's batch size
INSERT_CHUNK = 5000
WARRANTY = {"status": "in_warranty", "parts_covered": True, "labour_covered": True}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


# -- the history: realistic lifecycles, month after month ---------------------------------------
class History:
    """Events of repairs, tickets and complaints: ``monthly`` events in each calendar month
    (Asia/Shanghai), from this month backwards until ``total`` events."""

    def __init__(self, total: int, monthly: int, now: dt.datetime, seed: int = 1) -> None:
        self.total, self.monthly, self.now = total, monthly, now
        self.rng = random.Random(seed)
        self.technicians = [
            str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) for _ in range(TECHNICIANS)
        ]

    def events(self) -> Iterator[Any]:
        from zoneinfo import ZoneInfo

        local = self.now.astimezone(ZoneInfo("Asia/Shanghai"))
        month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        produced = 0
        while produced < self.total:
            start = month_start.astimezone(dt.UTC)
            end = min(self._next_month(month_start).astimezone(dt.UTC), self.now)
            in_month = 0
            while in_month < self.monthly and produced < self.total:
                span = max((end - start).total_seconds() - 5 * 86400, 3600)
                t0 = start + dt.timedelta(seconds=self.rng.uniform(0, span))
                for event in self._lifecycle(t0):
                    if in_month >= self.monthly or produced >= self.total:
                        break
                    yield event
                    in_month += 1
                    produced += 1
            month_start = self._previous_month(month_start)

    @staticmethod
    def _next_month(local: dt.datetime) -> dt.datetime:
        return local.replace(year=local.year + local.month // 12, month=local.month % 12 + 1)

    @staticmethod
    def _previous_month(local: dt.datetime) -> dt.datetime:
        if local.month == 1:
            return local.replace(year=local.year - 1, month=12)
        return local.replace(month=local.month - 1)

    def _event(self, producer: str, type_: str, region: str, at: dt.datetime, **data: Any) -> Any:
        from shared.events import Event

        return Event(
            type=type_,
            version=1,
            region=region,
            producer=producer,
            data=data,
            id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            occurred_at=at,
        )

    def _lifecycle(self, t0: dt.datetime) -> list[Any]:
        rng = self.rng
        region, tech = rng.choice(REGIONS), rng.choice(self.technicians)
        ticket, order = str(uuid.UUID(int=rng.getrandbits(128), version=4)), str(uuid.uuid4())

        def h(hours: float) -> dt.datetime:
            return t0 + dt.timedelta(hours=hours)

        due = h(4)
        events = [
            self._event(
                "intake",
                "ticket.created",
                region,
                t0,
                ticket_id=ticket,
                channel="hotline",
                kind="repair",
                priority="high",
                product_model="CP-400",
                serial_no="SN-1",
                reported_at=iso(t0),
                warranty={**WARRANTY, "reason": "in warranty"},
                first_response_due_at=iso(due),
                source_event_id=None,
            ),
            self._event(
                "intake",
                "ticket.assessed",
                region,
                h(2),
                ticket_id=ticket,
                round=1,
                nature="product_defect",
                severity="high",
                visit_needed=True,
                required_skill=None,
                estimated_hours="2.00",
                parts_likely=[],
                assessed_by="engineer-1",
                assessed_at=iso(h(rng.choice((1, 2, 3, 5)))),
                first_response_due_at=iso(due),
                first_response=True,
            ),
        ]
        if rng.random() < 0.03:
            return events  # still being assessed: open ticket
        visit = {
            "work_order_id": order,
            "ticket_id": ticket,
            "kind": "repair",
            "technician_id": tech,
        }
        window_end = h(30)
        number, accepted = 1, False
        while not accepted:
            v = {**visit, "visit_number": number}
            scheduled = h(6 + 30 * (number - 1))
            end = window_end + dt.timedelta(hours=30 * (number - 1))
            window = {"window_start": iso(end - dt.timedelta(hours=2)), "window_end": iso(end)}
            events.append(
                self._event(
                    "dispatch",
                    "repair.scheduled",
                    region,
                    scheduled,
                    **v,
                    **window,
                    technician_kind="employee",
                    auto_assigned=True,
                    rescheduled_by_customer=False,
                    repeat_of=str(uuid.uuid4()) if rng.random() < 0.05 else None,
                    scheduled_at=iso(scheduled),
                )
            )
            if rng.random() < 0.03:
                return events  # scheduled, not visited yet: open work order
            if rng.random() < 0.05:
                events.append(
                    self._event(
                        "dispatch",
                        "visit.missed",
                        region,
                        end,
                        **v,
                        **window,
                        detected_at=iso(end),
                    )
                )
                number += 1
                continue
            arrived = end + dt.timedelta(minutes=rng.choice((-90, -30, -1, 0, 1, 20)))
            events.append(
                self._event(
                    "dispatch",
                    "technician.arrived",
                    region,
                    arrived,
                    **v,
                    **window,
                    arrived_at=iso(arrived),
                    on_time=arrived <= end,
                    identity_verified=True,
                    product_verified=True,
                )
            )
            finished = arrived + dt.timedelta(hours=2)
            fixed = rng.random() < 0.85 or number >= 3
            events.append(
                self._event(
                    "dispatch",
                    "repair.completed",
                    region,
                    finished,
                    **v,
                    result="fixed" if fixed else "not_fixed",
                    work_performed="replaced anode",
                    labour_hours="2.00",
                    parts=[],
                    started_at=iso(arrived),
                    finished_at=iso(finished),
                    warranty=WARRANTY,
                    product_model="CP-400",
                    serial_no="SN-1",
                )
            )
            answered = finished + dt.timedelta(hours=1)
            if fixed:
                events.append(
                    self._event(
                        "dispatch",
                        "repair.accepted",
                        region,
                        answered,
                        **v,
                        rating=rng.choice((2, 3, 4, 4, 5, 5, 5)),
                        first_time_fix=number == 1,
                        repeat_of=None,
                        serial_no="SN-1",
                        accepted_at=iso(answered),
                    )
                )
                accepted = True
            else:
                events.append(
                    self._event(
                        "dispatch",
                        "repair.rejected",
                        region,
                        answered,
                        **v,
                        rating=rng.choice((1, 2)),
                        reason="still leaking",
                        rejected_at=iso(answered),
                    )
                )
                number += 1
        closed = answered + dt.timedelta(minutes=1)
        events.append(
            self._event(
                "intake",
                "ticket.closed",
                region,
                closed,
                ticket_id=ticket,
                reason="repair_accepted",
                work_order_id=order,
                closed_at=iso(closed),
                ticket_created_at=iso(t0),
            )
        )
        followed = answered + dt.timedelta(days=3)
        events.append(
            self._event(
                "dispatch",
                "followup.recorded",
                region,
                followed,
                work_order_id=order,
                ticket_id=ticket,
                technician_id=tech,
                satisfaction=rng.choice((3, 4, 5)),
                remarks="fine",
                recorded_at=iso(followed),
            )
        )
        if rng.random() < 0.1:
            events += self._complaint(region, answered)
        return events

    def _complaint(self, region: str, filed: dt.datetime) -> list[Any]:
        rng, complaint = self.rng, str(uuid.uuid4())
        deadline = filed + dt.timedelta(days=2)
        base = {"complaint_id": complaint, "deadline_at": iso(deadline)}
        events = [
            self._event(
                "complaints",
                "complaint.filed",
                region,
                filed,
                **base,
                category="service_attitude",
                severity="medium",
                channel="hotline",
                complainant_key="c-1",
                ticket_id=None,
                work_order_id=None,
                filed_at=iso(filed),
            )
        ]
        if rng.random() < 0.1:
            return events  # open (past its deadline, once that passes)
        resolved = filed + dt.timedelta(days=rng.choice((1, 3)))
        closed = resolved + dt.timedelta(hours=5)
        events.append(
            self._event(
                "complaints",
                "complaint.resolved",
                region,
                resolved,
                **base,
                resolution_round=1,
                resolved_at=iso(resolved),
                within_deadline=resolved <= deadline,
            )
        )
        events.append(
            self._event(
                "complaints",
                "complaint.closed",
                region,
                closed,
                **base,
                resolution_round=1,
                resolved_at=iso(resolved),
                within_deadline=resolved <= deadline,
                satisfied=True,
                rating=rng.choice((3, 4, 5)),
                closed_at=iso(closed),
            )
        )
        return events


def check_against_producers(events: list[Any]) -> None:
    """The generator's payloads are what the producers' own schemas accept."""
    from services.complaints.events import PUBLISHES as complaints
    from services.dispatch.events import PUBLISHES as dispatch
    from services.intake.events import PUBLISHES as intake

    catalogs = {"intake": intake, "dispatch": dispatch, "complaints": complaints}
    seen: set[str] = set()
    for event in events:
        if event.type in seen:
            continue
        declaration = catalogs[event.producer].latest(event.type)
        errors = declaration.schema().validate(event.data)
        if errors:
            raise RuntimeError(f"generated {event.type} breaks its producer's schema: {errors}")
        seen.add(event.type)


# -- databases ------------------------------------------------------------------------------------
class Databases:
    """Throw-away databases of one kind, removed at the end."""

    def __init__(self, kind: str, postgres_url: str) -> None:
        self.kind, self.postgres_url = kind, postgres_url
        self.tag = uuid.uuid4().hex[:8]
        self.tmpdir = Path(tempfile.mkdtemp(prefix="aftercare-kpi-bench-"))
        self.created: list[str] = []

    def new(self, name: str) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmpdir / f'{name}.db'}"
        db_name = f"aftercare_bench_{self.tag}_{name}"
        admin = sa.create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
        finally:
            admin.dispose()
        self.created.append(db_name)
        return make_url(self.postgres_url).set(database=db_name).render_as_string(False)

    def close(self) -> None:
        if self.created:
            admin = sa.create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    for name in self.created:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            finally:
                admin.dispose()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def size_mb(self, url: str) -> float:
        if self.kind == "sqlite":
            path = Path(make_url(url).database or "")
            extra = [Path(f"{path}-wal")]
            return sum(p.stat().st_size for p in [path, *extra] if p.exists()) / 1e6
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                size = conn.execute(sa.text("SELECT pg_database_size(current_database())"))
                return float(size.scalar_one()) / 1e6
        finally:
            engine.dispose()


def kpi_runtime(url: str) -> Any:
    from shared.config import Settings
    from shared.migrations import upgrade
    from shared.service import Runtime, load_definition

    definition = load_definition("kpi")
    upgrade(definition, url)
    settings = Settings.from_env("kpi").with_overrides(
        database_url=url, jwt_secret=os.environ["AFTERCARE_JWT_SECRET"], log_level="WARNING"
    )
    return Runtime(definition, settings)


# -- bulk: the consumer's end state, computed in memory and inserted in bulk ---------------------
class BulkStore:
    """Like kpi's ``repositories.store.Store``, all in memory: merges applied as staged."""

    def __init__(self, make: Callable[[Any, str], Any]) -> None:
        self.make = make
        self.entities: dict[Any, Any] = {}

    def stage(self, key: Any, region: str, merge: Callable[..., None], *args: Any) -> None:
        facts = self.entities.get(key)
        if facts is None:
            facts = self.entities[key] = self.make(key, region)
        merge(facts, *args)


class BulkBatch:
    """Takes the place of ``KpiBatch`` for kpi's real handlers, keeping everything in memory."""

    def __init__(self) -> None:
        from services.kpi.domain.facts import (
            ComplaintFacts,
            RatingFacts,
            TicketFacts,
            VisitFacts,
            WorkOrderFacts,
        )

        self.visits = BulkStore(lambda k, r: VisitFacts(k[0], k[1], r))
        self.work_orders = BulkStore(WorkOrderFacts)
        self.tickets = BulkStore(TicketFacts)
        self.complaints = BulkStore(ComplaintFacts)
        self.ratings = BulkStore(lambda k, r: RatingFacts(k, k.split("/", 1)[0], r))
        self.events: list[Any] = []

    def record_event(self, event: Any) -> None:
        self.events.append(event)

    def link_ticket(self, ticket_id: str | None) -> None:
        """Report times are linked once every event is in (``judge_all``)."""


def bulk_load(rt: Any, history: History) -> dict[str, Any]:
    """Insert the consumer's end state for the whole history, in bulk."""
    from services.kpi.domain import definitions
    from services.kpi.domain.months import Months
    from services.kpi.handlers import SUBSCRIPTIONS
    from services.kpi.models import (
        ArchivedEvent,
        Backlog,
        Complaint,
        Counter,
        EventCount,
        LagBucket,
        MonthlyAggregate,
        Rating,
        Ticket,
        Visit,
        WorkOrder,
    )
    from services.kpi.repositories.batch import lag_bucket, split_deltas

    started = time.perf_counter()
    batch = BulkBatch()
    archive = ArchivedEvent.__table__
    counts: dict[tuple[str, str], int] = {}
    lags: dict[str, list[float]] = {}
    rows: list[dict[str, Any]] = []
    n = 0
    with rt.db.session() as session:
        for event in history.events():
            for handler, delivery in SUBSCRIPTIONS.resolve(event):
                handler(delivery, batch)
            applied_at = event.occurred_at + dt.timedelta(milliseconds=history.rng.uniform(5, 80))
            lag = (applied_at - event.occurred_at).total_seconds()
            bucket = lags.setdefault(lag_bucket(lag), [0, 0.0])
            bucket[0] += 1
            bucket[1] += lag
            counts[event.type, event.region] = counts.get((event.type, event.region), 0) + 1
            rows.append(
                {
                    "event_id": str(event.id),
                    "type": event.type,
                    "region": event.region,
                    "producer": event.producer,
                    "occurred_at": event.occurred_at,
                    "applied_at": applied_at,
                    "envelope": event.to_json(),
                }
            )
            n += 1
            if len(rows) >= INSERT_CHUNK:
                session.execute(sa.insert(archive), rows)
                session.commit()
                rows.clear()
        if rows:
            session.execute(sa.insert(archive), rows)
        batch.events.clear()
        archived_s = time.perf_counter() - started
        # Link report times (the live path does it as events come), judge, aggregate.
        reported = {
            k: t.created_at for k, t in batch.tickets.entities.items() if t.created_at is not None
        }
        for order in batch.work_orders.entities.values():
            if order.ticket_id in reported:
                order.add_ticket_created(reported[order.ticket_id])
        months = Months(rt.calendars)
        totals: dict[definitions.Key, list[int]] = {}
        for store, model in (
            (batch.visits, Visit),
            (batch.work_orders, WorkOrder),
            (batch.tickets, Ticket),
            (batch.complaints, Complaint),
            (batch.ratings, Rating),
        ):
            entity_rows = []
            for facts in store.entities.values():
                definitions.index(facts, months)
                items = definitions.judge(facts, months)
                for key, (count, hits, total) in items.items():
                    amount = totals.setdefault(key, [0, 0, 0])
                    amount[0] += count
                    amount[1] += hits
                    amount[2] += total
                facts.applied = definitions.dump_contributions(items)
                entity_rows.append(dict(vars(facts)))
            for i in range(0, len(entity_rows), INSERT_CHUNK):
                session.execute(sa.insert(model.__table__), entity_rows[i : i + INSERT_CHUNK])
            session.commit()
        monthly, counters, backlog = split_deltas(totals)
        for model, values in (
            (MonthlyAggregate, monthly),
            (Counter, counters),
            (Backlog, backlog),
            (EventCount, [{"type": t, "region": r, "count": c} for (t, r), c in counts.items()]),
            (
                LagBucket,
                [{"le": le, "count": c, "sum_seconds": s} for le, (c, s) in lags.items()],
            ),
        ):
            for i in range(0, len(values), INSERT_CHUNK):
                session.execute(sa.insert(model.__table__), values[i : i + INSERT_CHUNK])
        session.commit()
    if rt.db.dialect == "postgresql":
        with rt.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    return {
        "events": n,
        "seconds": time.perf_counter() - started,
        "archive_seconds": archived_s,
        "monthly_rows": len(monthly),
        "work_orders": len(batch.work_orders.entities),
        "complaints": len(batch.complaints.entities),
    }


# -- measurements ---------------------------------------------------------------------------------
PATHS = {
    "metrics": "/metrics",
    "kpis": "/kpis?region=east",
    "scorecards": "/scorecards?by=technician",
}


class Scraper:
    """GET /metrics, /kpis and /scorecards on one kpi database, through the real app."""

    def __init__(self, rt: Any) -> None:
        from shared.auth import mint_token
        from shared.web import build_app

        self.app = build_app(rt.definition, rt.settings)
        self.client = self.app.test_client()
        token = mint_token(
            key=rt.settings.jwt_secret, sub="bench", roles=["manager"], audiences=["aftercare.kpi"]
        )
        self.headers = {"Authorization": f"Bearer {token}"}
        self.samples: dict[str, list[float]] = {name: [] for name in PATHS}

    def get(self, name: str) -> tuple[float, str]:
        headers = {} if name == "metrics" else self.headers
        started = time.perf_counter()
        response = self.client.get(PATHS[name], headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"GET {PATHS[name]}: {response.status_code}")
        return elapsed, response.get_data(as_text=True)

    def consumed(self) -> float:
        from prometheus_client.parser import text_string_to_metric_families

        _, text = self.get("metrics")
        return sum(
            s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
            if s.name == "aftercare_events_consumed_total"
        )

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {"events_consumed_reported": self.consumed()}
        for name, samples in self.samples.items():
            ordered = sorted(samples)
            result[name] = {
                "median_ms": statistics.median(ordered) * 1000,
                "p90_ms": ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)] * 1000,
                "min_ms": ordered[0] * 1000,
                "samples": len(ordered),
            }
        return result

    def close(self) -> None:
        self.app.extensions["aftercare"].db.dispose()


def scrape_interleaved(scrapers: dict[str, Scraper], rounds: int) -> dict[str, Any]:
    """Each round times every request on every database, in a shuffled order, so that the
    machine's noise falls on all of them alike."""
    rng = random.Random(5)
    for scraper in scrapers.values():  # warm-up: connections, compiled statements
        for name in PATHS:
            for _ in range(3):
                scraper.get(name)
    for _ in range(rounds):
        order = [(label, name) for label in scrapers for name in PATHS]
        rng.shuffle(order)
        for label, name in order:
            elapsed, _ = scrapers[label].get(name)
            scrapers[label].samples[name].append(elapsed)
    return {label: scraper.summary() for label, scraper in scrapers.items()}


def apply_real(rt: Any, bodies: list[bytes]) -> dict[str, Any]:
    """The consumer's path: EventProcessor.process, batches of 100."""
    from shared.messaging.processing import EventProcessor, Incoming, Outcome

    processor = EventProcessor(
        service="kpi",
        subscriptions=rt.definition.subscriptions,
        catalog=rt.definition.catalog,
        db=rt.db,
        clock=rt.clock,
        max_retries=3,
        settings=rt.settings,
        calendars=rt.calendars,
    )
    started = time.perf_counter()
    for i in range(0, len(bodies), BATCH):
        settled = processor.process([Incoming(b) for b in bodies[i : i + BATCH]])
        bad = [s for s in settled if s.outcome is not Outcome.APPLIED]
        if bad:
            raise RuntimeError(f"not applied: {bad[0].outcome} {bad[0].error}")
    elapsed = time.perf_counter() - started
    return {"events": len(bodies), "seconds": elapsed, "events_per_s": len(bodies) / elapsed}


def baseline_processor(url: str, bodies: list[bytes]) -> dict[str, Any]:
    """Baseline P: the same EventProcessor and batches with a consumer that does nothing but
    see every event (envelope parsing, inbox check and rows, one transaction per batch)."""
    from shared.clock import SystemClock
    from shared.db import Database, PlumbingBase
    from shared.events import EventCatalog, Subscriptions
    from shared.messaging.processing import EventProcessor, Incoming, Outcome

    db = Database(url)
    PlumbingBase.metadata.create_all(db.engine)
    subscriptions = Subscriptions("baseline")
    subscriptions.on_any(lambda delivery, uow: None)
    processor = EventProcessor(
        service="baseline",
        subscriptions=subscriptions,
        catalog=EventCatalog("baseline"),
        db=db,
        clock=SystemClock(),
        max_retries=3,
    )
    try:
        started = time.perf_counter()
        for i in range(0, len(bodies), BATCH):
            settled = processor.process([Incoming(b) for b in bodies[i : i + BATCH]])
            if any(s.outcome is not Outcome.APPLIED for s in settled):
                raise RuntimeError("baseline consumer did not apply everything")
        elapsed = time.perf_counter() - started
    finally:
        db.dispose()
    return {"events": len(bodies), "seconds": elapsed, "events_per_s": len(bodies) / elapsed}


def baseline_insert(url: str, bodies: list[bytes]) -> dict[str, Any]:
    """Baseline B: the envelopes into a bare table, one executemany + commit per 100."""
    from shared.db import Database

    db = Database(url)
    metadata = sa.MetaData()
    table = sa.Table(
        "baseline_events",
        metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    metadata.create_all(db.engine)
    rows = [{"event_id": str(uuid.uuid4()), "body": b.decode()} for b in bodies]
    try:
        started = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            with db.session() as session:
                session.execute(sa.insert(table), rows[i : i + BATCH])
                session.commit()
        elapsed = time.perf_counter() - started
    finally:
        db.dispose()
    return {"events": len(rows), "seconds": elapsed, "events_per_s": len(rows) / elapsed}


# -- run ------------------------------------------------------------------------------------------
def run(args: argparse.Namespace, dbs: Databases) -> dict[str, Any]:
    now = utcnow()
    results: dict[str, Any] = {}

    def phase(name: str) -> None:
        print(f"... {name}", file=sys.stderr, flush=True)

    small_events = list(History(args.small, args.small, now).events())
    check_against_producers(small_events)
    bodies = [e.to_json().encode() for e in small_events]

    phase(f"T: baseline B, {len(bodies)} envelopes bulk-inserted in batches of {BATCH}")
    results["baseline_insert"] = baseline_insert(dbs.new("baseline"), bodies)
    phase(f"T: baseline P, {len(bodies)} events through a do-nothing consumer")
    results["baseline_processor"] = baseline_processor(dbs.new("baseline_p"), bodies)
    phase(f"T: kpi apply, {len(bodies)} events through EventProcessor")
    applied_url = dbs.new("applied")
    applied = kpi_runtime(applied_url)
    results["apply"] = apply_real(applied, bodies)

    histories = {"applied_small": applied}
    for label, total in (("small", args.small), ("large", args.large)):
        phase(f"S: bulk {label} history ({total} events, {args.small}/month)")
        url = dbs.new(label)
        rt = kpi_runtime(url)
        results[f"bulk_{label}"] = bulk_load(rt, History(total, args.small, now))
        results[f"bulk_{label}"]["database_mb"] = dbs.size_mb(url)
        histories[label] = rt
    phase(f"S: {args.scrapes} interleaved rounds of GET /metrics, /kpis, /scorecards")
    scrapers = {label: Scraper(rt) for label, rt in histories.items()}
    try:
        measured = scrape_interleaved(scrapers, args.scrapes)
    finally:
        for scraper in scrapers.values():
            scraper.close()
        for rt in histories.values():
            rt.db.dispose()
    for label, summary in measured.items():
        results[f"scrape_{label}"] = summary
    return results


def ratios(r: dict[str, Any]) -> dict[str, float]:
    small, large = r["scrape_small"], r["scrape_large"]
    return {
        "apply_vs_baseline_insert": r["apply"]["events_per_s"]
        / r["baseline_insert"]["events_per_s"],
        "apply_vs_baseline_processor": r["apply"]["events_per_s"]
        / r["baseline_processor"]["events_per_s"],
        "metrics_large_vs_small": large["metrics"]["median_ms"] / small["metrics"]["median_ms"],
        "kpis_large_vs_small": large["kpis"]["median_ms"] / small["kpis"]["median_ms"],
        "scorecards_large_vs_small": large["scorecards"]["median_ms"]
        / small["scorecards"]["median_ms"],
        "metrics_applied_vs_bulk_small": r["scrape_applied_small"]["metrics"]["median_ms"]
        / small["metrics"]["median_ms"],
    }


def table(r: dict[str, Any], meta: dict[str, Any]) -> str:
    q = r["ratios"]
    rows: list[tuple[str, str, str]] = []

    def add(label: str, value: str, ratio: str = "") -> None:
        rows.append((label, value, ratio))

    add(
        "B  bare insert of the envelopes, 100 per tx",
        f"{r['baseline_insert']['events_per_s']:,.0f} ev/s",
    )
    add(
        "P  do-nothing consumer (EventProcessor, inbox)",
        f"{r['baseline_processor']['events_per_s']:,.0f} ev/s",
    )
    add(
        "T  kpi apply (EventProcessor, 100 per batch)",
        f"{r['apply']['events_per_s']:,.0f} ev/s",
        f"{q['apply_vs_baseline_insert']:.3f} x B, {q['apply_vs_baseline_processor']:.2f} x P",
    )
    for label in ("small", "large"):
        bulk, s = r[f"bulk_{label}"], r[f"scrape_{label}"]
        add(
            f"   {label} history: {bulk['events']:,} events, {bulk['monthly_rows']:,} monthly rows",
            f"{bulk['database_mb']:,.0f} MB",
            f"reported {s['events_consumed_reported']:,.0f} consumed",
        )
    for what in ("metrics", "kpis", "scorecards"):
        small, large = r["scrape_small"][what], r["scrape_large"][what]
        add(
            f"S  GET /{what}, {r['bulk_small']['events']:,} events",
            f"{small['median_ms']:.2f} ms",
            f"p90 {small['p90_ms']:.2f}",
        )
        add(
            f"S  GET /{what}, {r['bulk_large']['events']:,} events",
            f"{large['median_ms']:.2f} ms",
            f"p90 {large['p90_ms']:.2f}; {q[f'{what}_large_vs_small']:.2f} x small",
        )
    add(
        "   GET /metrics, small history applied by the consumer",
        f"{r['scrape_applied_small']['metrics']['median_ms']:.2f} ms",
        f"{q['metrics_applied_vs_bulk_small']:.2f} x bulk small",
    )
    width = max(len(row[0]) for row in rows)
    head = (
        f"kpi benchmark: {meta['database']}, {meta['cpus']} CPUs, load {meta['load_before']} -> "
        f"{meta['load_after']}, git {meta['git'].get('head', '?')}"
    )
    lines = [head, f"{'figure':<{width}}  {'value':>14}  ratio"]
    lines += [f"{label:<{width}}  {value:>14}  {ratio}" for label, value, ratio in rows]
    return "\n".join(lines)


def git_state() -> dict[str, Any]:
    repo = BENCH_DIR.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "shared", "services/kpi"],
            cwd=repo,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return {}
    return {"head": head, "uncommitted": [d for d in dirty if d]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="admin connection")
    parser.add_argument("--small", type=int, default=10_000, help="small history (= per month)")
    parser.add_argument("--large", type=int, default=1_000_000, help="large history")
    parser.add_argument("--scrapes", type=int, default=50, help="timed rounds")
    args = parser.parse_args(argv)
    if min(args.small, args.large, args.scrapes) < 1 or args.large < args.small:
        parser.error("sizes must be positive and --large at least --small")
    if args.database == "postgresql" and make_url(args.postgres_url).host not in (
        "127.0.0.1",
        "localhost",
    ):
        parser.error("the benchmark creates and drops databases: use a local PostgreSQL")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("AFTERCARE_JWT_SECRET", secrets.token_urlsafe(32))
    os.environ.setdefault("AFTERCARE_LOG_LEVEL", "WARNING")
    meta: dict[str, Any] = {
        "database": args.database,
        "small": args.small,
        "large": args.large,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlalchemy": sa.__version__,
        "started_at": utcnow().isoformat(),
        "load_before": round(os.getloadavg()[0], 2),
        "git": git_state(),
    }
    started = time.perf_counter()
    dbs = Databases(args.database, args.postgres_url)
    try:
        results = run(args, dbs)
    finally:
        dbs.close()
    meta["load_after"] = round(os.getloadavg()[0], 2)
    meta["wall_seconds"] = round(time.perf_counter() - started, 1)
    results["ratios"] = ratios(results)
    print(table(results, meta))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"kpi-scrape-{utcnow().strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({"meta": meta, **results}, indent=2, default=str) + "\n")
    print(f"wall {meta['wall_seconds']} s; results written to {out.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
