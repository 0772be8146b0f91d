"""Eventing benchmark: Aftercare's figures as ratios against baselines measured in the same run.

The machine is shared and noisy (2 cores), so absolute numbers mean little; each Aftercare
figure is divided by a bare baseline measured minutes earlier on the same broker and database:

  A   bare pika: N persistent messages to a fresh durable queue, published with confirms on a
      BlockingConnection (one confirm waited for per message: the *simple* baseline, capped near
      1.7k msg/s by MESSAGING.md item 3), then consumed with basic_consume and one manual ack
      per message. A' publishes the same with asynchronous confirms (SelectConnection, a window
      of outstanding messages), which is what the Aftercare relay does, so the relay's rate is
      also shown against A'. Each is run on a classic and on a quorum queue (kpi.events is one);
      the short consume and A' runs are repeated and the best kept (shared, noisy machine).
  B   bare Flask: a POST route inserting one row with SQLAlchemy, driven by the test client.
  3   intake POST /tickets through shared.web.build_app, same test client, vs B.
  4a  backlog drain: N committed tickets, then the intake relay and the kpi consumer are started
      (shared.worker.start_rabbit_worker, threads of this process) and timed until kpi's inbox
      holds N rows; vs A consume.
  4b  steady lag: tickets at a fixed rate while both workers run; applied_at - occurred_at from
      kpi's event_archive, p50/p95/p99.

Usage: .venv/bin/python bench/eventing.py [--events 3000] [--database sqlite|postgresql]
Everything runs on 127.0.0.1 in a throw-away RabbitMQ vhost and throw-away databases.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import logging
import math
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pika
import sqlalchemy as sa
from flask import Flask, request
from pika.spec import Basic
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PREFETCH = 200  # the same explicit prefetch the Aftercare consumer uses by default
CONFIRM_WINDOW = 1000

log = logging.getLogger("bench.eventing")


# -- small utilities -----------------------------------------------------------------------------
def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def wait_for(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.02) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def rabbitmqctl(*args: str) -> str:
    result = subprocess.run(
        ["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.strip()


def ticket_bodies(n: int) -> list[dict[str, Any]]:
    """The same request bodies for baseline B and intake (built before any timing starts)."""
    return [
        {
            "channel": "hotline",
            "kind": "repair",
            "region": "east",
            "priority": "high",
            "customer": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
            "product": {
                "model": "CP-400",
                "serial_no": f"SN-{uuid.uuid4().hex[:8]}",
                "purchase_date": "2025-03-01",
            },
            "symptom": "coating blistering near the weld seam",
        }
        for _ in range(n)
    ]


def sample_event_body() -> bytes:
    """A real ticket.created envelope, so baseline A moves messages of the relay's size."""
    from services.intake.events import PUBLISHES

    declaration = PUBLISHES.latest("ticket.created")
    data = declaration.schema().load(declaration.sample)
    event = PUBLISHES.build("ticket.created", data, region="east", occurred_at=utcnow())
    return event.to_json().encode()


def bench_properties(i: int) -> pika.BasicProperties:
    """What the relay sets on each message (shared/messaging/relay.py message_properties)."""
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=f"bench-{i}",
        type="ticket.created",
        app_id="bench",
        timestamp=int(time.time()),
        headers={"version": 1},
    )


# -- resources: vhost and databases ----------------------------------------------------------------
class Resources:
    """Everything the run creates, removed at the end whatever happens."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tag = uuid.uuid4().hex[:10]
        self.vhost = f"aftercare-bench-{self.tag}"
        self.vhost_created = False
        self.tmpdir: Path | None = None
        self.pg_databases: list[str] = []
        self.cleanups: list[Callable[[], None]] = []

    @property
    def amqp_url(self) -> str:
        return f"{self.args.amqp_url.rstrip('/')}/{quote(self.vhost, safe='')}"

    def create_vhost(self) -> None:
        user = urlparse(self.args.amqp_url).username or "guest"
        rabbitmqctl("add_vhost", self.vhost)
        self.vhost_created = True
        rabbitmqctl("set_permissions", "-p", self.vhost, user, ".*", ".*", ".*")

    def database_url(self, name: str) -> str:
        if self.args.database == "sqlite":
            if self.tmpdir is None:
                self.tmpdir = Path(tempfile.mkdtemp(prefix="aftercare-bench-"))
            return f"sqlite:///{self.tmpdir / f'{name}.db'}"
        db_name = f"aftercare_bench_{self.tag}_{name}"
        admin = sa.create_engine(self.args.postgres_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{db_name}"'))
        finally:
            admin.dispose()
        self.pg_databases.append(db_name)
        return (
            make_url(self.args.postgres_url)
            .set(database=db_name)
            .render_as_string(hide_password=False)
        )

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:
                print(f"cleanup failed: {exc!r}", file=sys.stderr)
        if self.pg_databases:
            admin = sa.create_engine(self.args.postgres_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    for name in self.pg_databases:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            finally:
                admin.dispose()
        if self.vhost_created:
            try:
                rabbitmqctl("delete_vhost", self.vhost)
            except Exception as exc:
                print(f"could not delete vhost {self.vhost}: {exc!r}", file=sys.stderr)
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


# -- baseline A: bare pika -------------------------------------------------------------------------
def publish_blocking(url: str, queue: str, n: int, body: bytes) -> float:
    """Publish with confirms on a BlockingConnection; each basic_publish waits for its confirm."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        started = time.perf_counter()
        for i in range(n):
            # raises UnroutableError / NackError, so every message counted here was confirmed
            channel.basic_publish("", queue, body, bench_properties(i), mandatory=True)
        return time.perf_counter() - started
    finally:
        connection.close()


def publish_async(url: str, queue: str, n: int, body: bytes, timeout: float) -> float:
    """Publish with asynchronous confirms on a SelectConnection, a window of outstanding tags."""
    outstanding: set[int] = set()
    state: dict[str, Any] = {"sent": 0, "low": 1, "nacked": 0, "t0": 0.0, "t1": 0.0, "err": None}
    holder: dict[str, Any] = {}

    def pump() -> None:
        channel = holder["channel"]
        while state["sent"] < n and len(outstanding) < CONFIRM_WINDOW:
            state["sent"] += 1
            outstanding.add(state["sent"])
            channel.basic_publish("", queue, body, bench_properties(state["sent"]), mandatory=True)

    def on_confirm(frame: Any) -> None:
        method = frame.method
        if method.multiple:
            tags = range(state["low"], method.delivery_tag + 1)
            state["low"] = method.delivery_tag + 1
        else:
            tags = range(method.delivery_tag, method.delivery_tag + 1)
        for tag in tags:
            if tag in outstanding:
                outstanding.discard(tag)
                if isinstance(method, Basic.Nack):
                    state["nacked"] += 1
        if state["sent"] >= n and not outstanding:
            state["t1"] = time.perf_counter()
            connection.close()
        else:
            pump()

    def on_channel(channel: Any) -> None:
        holder["channel"] = channel

        def start(_frame: Any) -> None:
            state["t0"] = time.perf_counter()
            pump()

        channel.confirm_delivery(ack_nack_callback=on_confirm, callback=start)

    def on_open_error(_conn: Any, exc: Exception) -> None:
        state["err"] = exc
        connection.ioloop.stop()

    def give_up() -> None:
        state["err"] = TimeoutError(f"async publish not confirmed within {timeout}s")
        if connection.is_open:
            connection.close()

    connection = pika.SelectConnection(
        pika.URLParameters(url),
        on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
        on_open_error_callback=on_open_error,
        on_close_callback=lambda _c, _r: connection.ioloop.stop(),
    )
    connection.ioloop.call_later(timeout, give_up)
    connection.ioloop.start()
    if state["err"] is not None:
        raise state["err"]
    if state["nacked"]:
        raise RuntimeError(f"{state['nacked']} messages nacked by the broker")
    return float(state["t1"] - state["t0"])


def consume_acking(url: str, queue: str, n: int, timeout: float) -> float:
    """basic_consume with the Aftercare prefetch and one manual ack per message."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=PREFETCH)
        got = 0

        def on_message(ch: Any, method: Any, _props: Any, _body: bytes) -> None:
            nonlocal got
            ch.basic_ack(delivery_tag=method.delivery_tag)
            got += 1

        started = time.perf_counter()
        channel.basic_consume(queue=queue, on_message_callback=on_message)
        deadline = started + timeout
        while got < n and time.perf_counter() < deadline:
            connection.process_data_events(time_limit=0.2)
        elapsed = time.perf_counter() - started
        if got < n:
            raise TimeoutError(f"consumed only {got}/{n} messages in {timeout}s")
        return elapsed
    finally:
        connection.close()


def baseline_amqp(url: str, n: int, body: bytes, queue_type: str, repeats: int) -> dict[str, Any]:
    """Publish with blocking confirms and consume; then ``repeats`` times refill the queue with
    async confirms and consume again. The short runs are the noisiest on a shared machine, so
    the best consume and async-publish rates are reported (every sample is kept)."""
    queue = f"bench.baseline.{queue_type}.{uuid.uuid4().hex[:8]}"
    timeout = max(60.0, n / 50)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.queue_declare(queue=queue, durable=True, arguments={"x-queue-type": queue_type})
    consume: list[float] = []
    publish_async_rates: list[float] = []
    try:
        publish_rate = n / publish_blocking(url, queue, n, body)
        consume.append(n / consume_acking(url, queue, n, timeout))
        for _ in range(repeats):
            publish_async_rates.append(n / publish_async(url, queue, n, body, timeout))
            consume.append(n / consume_acking(url, queue, n, timeout))
    finally:
        channel.queue_delete(queue=queue)
        connection.close()
    return {
        "publish_blocking_msgs_per_s": publish_rate,
        "consume_msgs_per_s": max(consume),
        "publish_async_msgs_per_s": max(publish_async_rates),
        "consume_samples": [round(x) for x in consume],
        "publish_async_samples": [round(x) for x in publish_async_rates],
    }


# -- baseline B: bare Flask + SQLAlchemy -----------------------------------------------------------
class _BaselineBase(DeclarativeBase):
    pass


class BaselineRow(_BaselineBase):
    __tablename__ = "bench_rows"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


def baseline_engine(url: str) -> sa.Engine:
    """A plain engine; on SQLite the same journal settings as shared/db.py (WAL, NORMAL sync),
    so the comparison is about the framework, not about fsync."""
    if make_url(url).get_backend_name() != "sqlite":
        return sa.create_engine(url)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def baseline_flask(url: str, bodies: list[dict[str, Any]]) -> dict[str, float]:
    engine = baseline_engine(url)
    _BaselineBase.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    app = Flask("bench_baseline")

    @app.post("/rows")
    def create_row() -> Any:
        payload = request.get_json()
        with sessions() as session:
            row = BaselineRow(body=json.dumps(payload), created_at=utcnow())
            session.add(row)
            session.commit()
            return {"id": row.id}, 201

    @app.get("/healthz")
    def healthz() -> Any:
        return {"status": "ok"}

    client = app.test_client()
    client.get("/healthz")
    try:
        started = time.perf_counter()
        for body in bodies:
            response = client.post("/rows", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"baseline insert failed: {response.status_code}")
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    return {"requests_per_s": len(bodies) / elapsed, "seconds": elapsed}


# -- Aftercare -------------------------------------------------------------------------------------
def declare_exchange(amqp_url: str) -> None:
    """The exchange exists before the workers start, as the broker definitions make it in
    production (the consumer then only checks it passively)."""
    from shared.messaging.topology import declare

    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        declare(connection.channel(), [])
    finally:
        connection.close()


def service_settings(name: str, database_url: str, amqp_url: str, secret: str) -> Any:
    from shared.config import Settings

    return Settings.from_env(name).with_overrides(
        database_url=database_url,
        amqp_url=amqp_url,
        transport="rabbitmq",
        jwt_secret=secret,
        log_level="WARNING",
    )


def post_tickets(client: Any, headers: dict[str, str], bodies: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for body in bodies:
        response = client.post("/tickets", json=body, headers=headers)
        if response.status_code != 201:
            raise RuntimeError(f"POST /tickets: {response.status_code} {response.get_data()!r}")
    return time.perf_counter() - started


def post_tickets_paced(
    client: Any, headers: dict[str, str], bodies: list[dict[str, Any]], rate: float
) -> float:
    """One ticket every 1/rate s on a fixed schedule; when behind, posts back to back."""
    started = time.perf_counter()
    for i, body in enumerate(bodies):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        response = client.post("/tickets", json=body, headers=headers)
        if response.status_code != 201:
            raise RuntimeError(f"POST /tickets: {response.status_code} {response.get_data()!r}")
    return time.perf_counter() - started


class RowCounter:
    """Counts rows of a table through its own plain engine (no BEGIN IMMEDIATE on SQLite, so
    polling does not compete for the write lock with the consumer it is watching)."""

    def __init__(self, url: str, table: str) -> None:
        self.engine = sa.create_engine(url)
        self.query = sa.text(f"SELECT count(*) FROM {table}")

    def __call__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(self.query).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) each live thread of this process has used (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    usage: dict[str, float] = {}
    for thread in threading.enumerate():
        stat = Path(f"/proc/self/task/{thread.native_id}/stat")
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            usage[thread.name] = (int(fields[11]) + int(fields[12])) / tick
    return usage


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: round(v - before.get(k, 0.0), 2) for k, v in sorted(after.items())}


def handler_totals() -> tuple[float, float]:
    """kpi's time inside EventProcessor.process and its batch count (shared.metrics)."""
    from prometheus_client import REGISTRY

    labels = {"service": "kpi"}
    total = REGISTRY.get_sample_value("aftercare_handler_duration_seconds_sum", labels)
    count = REGISTRY.get_sample_value("aftercare_handler_duration_seconds_count", labels)
    return total or 0.0, count or 0.0


def handler_delta(before: tuple[float, float], events: int) -> dict[str, float]:
    seconds, batches = (a - b for a, b in zip(handler_totals(), before, strict=True))
    return {
        "kpi_batches": batches,
        "kpi_mean_batch_size": events / batches if batches else math.nan,
        "kpi_seconds_in_process": round(seconds, 3),
        "kpi_ms_per_event_in_process": seconds * 1000 / events,
    }


def span_seconds(start: dt.datetime, end: dt.datetime | None) -> float:
    return (as_utc(end) - start).total_seconds() if end is not None else math.nan


def run(args: argparse.Namespace, res: Resources) -> dict[str, Any]:
    from services.kpi.models import ArchivedEvent
    from shared.auth import mint_token
    from shared.db import InboxMessage, OutboxMessage
    from shared.migrations import upgrade
    from shared.service import Runtime, load_definition
    from shared.web import build_app
    from shared.worker import start_rabbit_worker

    n = args.events
    secret = os.environ.setdefault("AFTERCARE_JWT_SECRET", secrets.token_urlsafe(32))
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}

    def phase(name: str) -> None:
        timings[name] = time.perf_counter()
        print(f"... {name}", file=sys.stderr, flush=True)

    phase("vhost")
    res.create_vhost()
    amqp_url = res.amqp_url
    declare_exchange(amqp_url)

    # A: bare pika, classic and quorum queues
    phase("baseline A (pika)")
    body = sample_event_body()
    results["baseline_a"] = {
        "message_bytes": len(body),
        "prefetch": PREFETCH,
        "async_confirm_window": CONFIRM_WINDOW,
        "classic": baseline_amqp(amqp_url, n, body, "classic", args.baseline_repeats),
        "quorum": baseline_amqp(amqp_url, n, body, "quorum", args.baseline_repeats),
    }

    # B: bare Flask insert
    phase("baseline B (flask insert)")
    results["baseline_b"] = baseline_flask(res.database_url("baseline"), ticket_bodies(n))

    # 3: intake create-ticket throughput
    phase("intake POST /tickets")
    intake_def, kpi_def = load_definition("intake"), load_definition("kpi")
    intake_settings = service_settings("intake", res.database_url("intake"), amqp_url, secret)
    kpi_settings = service_settings("kpi", res.database_url("kpi"), amqp_url, secret)
    upgrade(intake_def, intake_settings.database_url)
    upgrade(kpi_def, kpi_settings.database_url)
    app = build_app(intake_def, intake_settings)
    res.cleanups.append(app.extensions["aftercare"].db.dispose)
    client = app.test_client()
    token = mint_token(key=secret, sub="bench", roles=["agent"], audiences=["aftercare.intake"])
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/healthz")
    elapsed = post_tickets(client, headers, ticket_bodies(n))
    results["intake_create"] = {"requests_per_s": n / elapsed, "seconds": elapsed}

    # 4a: backlog drain through the relay and the kpi consumer
    phase("drain: kpi worker start")
    kpi_rt = Runtime(kpi_def, kpi_settings)
    intake_rt = Runtime(intake_def, intake_settings)  # the worker's own engine, as in production
    res.cleanups.append(kpi_rt.db.dispose)
    res.cleanups.append(intake_rt.db.dispose)
    stop = threading.Event()
    workers: list[Any] = []

    def stop_workers() -> None:
        stop.set()
        for worker in workers:
            worker.join(15.0)

    res.cleanups.append(stop_workers)
    inbox = RowCounter(kpi_settings.database_url, "inbox")
    res.cleanups.append(inbox.close)
    kpi_worker = start_rabbit_worker(kpi_rt, stop)
    workers.append(kpi_worker)
    if not kpi_worker.consumer.connected.wait(30):  # the consumer declares the topology
        raise RuntimeError("kpi consumer did not connect")

    phase("drain: intake relay start")
    cpu_before, handler_before = thread_cpu(), handler_totals()
    wall_start = utcnow()
    started = time.perf_counter()
    intake_worker = start_rabbit_worker(intake_rt, stop)
    workers.append(intake_worker)
    if not intake_worker.relay.connected.wait(30):
        raise RuntimeError("intake relay did not connect")
    connect_s = time.perf_counter() - started
    drain_timeout = max(60.0, n / 50)
    if not wait_for(lambda: inbox() >= n, timeout=drain_timeout, interval=0.01):
        raise RuntimeError(f"kpi applied only {inbox()}/{n} events in {drain_timeout}s")
    drain_s = time.perf_counter() - started
    cpu_after = thread_cpu()
    for worker in workers:
        if worker.failed:
            raise RuntimeError(f"{worker.name} worker failed: {worker.failed!r}")
    with intake_rt.db.session() as session:
        last_sent, unsent = session.execute(
            sa.select(
                sa.func.max(OutboxMessage.sent_at),
                sa.func.count().filter(OutboxMessage.sent_at.is_(None)),
            )
        ).one()
    with kpi_rt.db.session() as session:
        first_applied, last_applied = session.execute(
            sa.select(sa.func.min(InboxMessage.applied_at), sa.func.max(InboxMessage.applied_at))
        ).one()
    relay_s = span_seconds(wall_start, last_sent)
    apply_span = span_seconds(as_utc(first_applied), last_applied)
    results["drain"] = {
        "events": n,
        "seconds": drain_s,
        "events_per_s": n / drain_s,
        "relay_connect_seconds": connect_s,
        "relay_publish_events_per_s": n / relay_s,
        "relay_seconds_to_last_sent": relay_s,
        "outbox_unsent_at_end": int(unsent),
        "kpi_first_to_last_applied_seconds": apply_span,
        "kpi_apply_events_per_s": (n - 1) / apply_span if apply_span > 0 else math.nan,
        "kpi_first_applied_after_seconds": span_seconds(wall_start, first_applied),
        **handler_delta(handler_before, n),
        "thread_cpu_seconds": cpu_delta(cpu_before, cpu_after),
    }
    results["drain"]["kpi_busy_fraction"] = results["drain"]["kpi_seconds_in_process"] / drain_s

    # 4b: steady rate, lag from kpi's event_archive
    phase(f"steady: {args.rate:g} tickets/s for {args.seconds:g} s")
    steady_n = round(args.rate * args.seconds)
    steady_bodies = ticket_bodies(steady_n)
    time.sleep(0.5)  # let the relay and the consumer settle into their idle polls
    cpu_before, handler_before = thread_cpu(), handler_totals()
    steady_wall = utcnow()
    started = time.perf_counter()
    elapsed = post_tickets_paced(client, headers, steady_bodies, args.rate)
    target = n + steady_n
    if not wait_for(lambda: inbox() >= target, timeout=60.0, interval=0.02):
        raise RuntimeError(f"kpi applied only {inbox()}/{target} events")
    applied_s = time.perf_counter() - started
    cpu_after = thread_cpu()
    with kpi_rt.db.session() as session:
        rows = session.execute(
            sa.select(ArchivedEvent.occurred_at, ArchivedEvent.applied_at).where(
                ArchivedEvent.occurred_at >= steady_wall
            )
        ).all()
    lags = sorted((applied - occurred).total_seconds() for occurred, applied in rows)
    results["steady"] = {
        "target_rate": args.rate,
        "seconds": elapsed,
        "tickets": steady_n,
        "achieved_rate": steady_n / elapsed,
        "lag_samples": len(lags),
        "lag_p50_ms": percentile(lags, 50) * 1000,
        "lag_p95_ms": percentile(lags, 95) * 1000,
        "lag_p99_ms": percentile(lags, 99) * 1000,
        "lag_max_ms": (lags[-1] if lags else math.nan) * 1000,
        "lag_mean_ms": (sum(lags) / len(lags) if lags else math.nan) * 1000,
        "seconds_until_all_applied": applied_s,
        **handler_delta(handler_before, steady_n),
        "thread_cpu_seconds": cpu_delta(cpu_before, cpu_after),
    }
    # Near 1, the consumer was saturated: the lag then measures its queue, not its latency.
    results["steady"]["kpi_busy_fraction"] = results["steady"]["kpi_seconds_in_process"] / applied_s
    stop_workers()
    for worker in workers:
        if worker.failed:
            raise RuntimeError(f"{worker.name} worker failed: {worker.failed!r}")
    results["settings"] = {
        "relay_poll_seconds": intake_settings.relay_poll_seconds,
        "relay_batch_size": intake_settings.relay_batch_size,
        "consumer_prefetch": kpi_settings.consumer_prefetch,
        "consumer_batch_size": kpi_settings.consumer_batch_size,
        "consumer_batch_seconds": kpi_settings.consumer_batch_seconds,
    }
    phase("done")
    names = list(timings)
    results["phase_seconds"] = {
        a: round(timings[b] - timings[a], 2) for a, b in itertools.pairwise(names)
    }
    return results


# -- reporting -------------------------------------------------------------------------------------
def ratios(r: dict[str, Any]) -> dict[str, float]:
    a, b = r["baseline_a"], r["baseline_b"]
    drain = r["drain"]
    return {
        "intake_vs_b": r["intake_create"]["requests_per_s"] / b["requests_per_s"],
        "drain_vs_a_consume_classic": drain["events_per_s"] / a["classic"]["consume_msgs_per_s"],
        "drain_vs_a_consume_quorum": drain["events_per_s"] / a["quorum"]["consume_msgs_per_s"],
        "relay_vs_a_publish_blocking_quorum": drain["relay_publish_events_per_s"]
        / a["quorum"]["publish_blocking_msgs_per_s"],
        "relay_vs_a_publish_async_quorum": drain["relay_publish_events_per_s"]
        / a["quorum"]["publish_async_msgs_per_s"],
        "kpi_apply_vs_a_consume_quorum": drain["kpi_apply_events_per_s"]
        / a["quorum"]["consume_msgs_per_s"],
    }


def table(r: dict[str, Any], meta: dict[str, Any]) -> str:
    a, b, drain, steady = r["baseline_a"], r["baseline_b"], r["drain"], r["steady"]
    q = r["ratios"]
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, value: float, unit: str, ratio: str = "") -> None:
        rows.append((label, f"{value:,.0f}" if value >= 100 else f"{value:,.1f}", unit, ratio))

    for kind in ("classic", "quorum"):
        x = a[kind]
        add(
            f"A  pika publish, Blocking confirm each ({kind})",
            x["publish_blocking_msgs_per_s"],
            "msg/s",
        )
        add(
            f"A' pika publish, async confirms w={CONFIRM_WINDOW}, "
            f"best of {len(x['publish_async_samples'])} ({kind})",
            x["publish_async_msgs_per_s"],
            "msg/s",
        )
        add(
            f"A  pika consume, prefetch {PREFETCH}, ack each, "
            f"best of {len(x['consume_samples'])} ({kind})",
            x["consume_msgs_per_s"],
            "msg/s",
        )
    add("B  bare Flask POST + SQLAlchemy insert", b["requests_per_s"], "req/s")
    add(
        "3  intake POST /tickets (build_app)",
        r["intake_create"]["requests_per_s"],
        "req/s",
        f"{q['intake_vs_b']:.2f} x B",
    )
    add(
        "4a drain: relay start -> kpi inbox has N",
        drain["events_per_s"],
        "ev/s",
        f"{q['drain_vs_a_consume_classic']:.2f} x A consume classic, "
        f"{q['drain_vs_a_consume_quorum']:.2f} x quorum",
    )
    add(
        "   relay publish (start -> last sent_at)",
        drain["relay_publish_events_per_s"],
        "ev/s",
        f"{q['relay_vs_a_publish_blocking_quorum']:.2f} x A quorum, "
        f"{q['relay_vs_a_publish_async_quorum']:.2f} x A' quorum",
    )
    add(
        "   kpi apply (first -> last applied_at)",
        drain["kpi_apply_events_per_s"],
        "ev/s",
        f"{q['kpi_apply_vs_a_consume_quorum']:.2f} x A consume quorum; kpi busy "
        f"{drain['kpi_busy_fraction']:.0%}, {drain['kpi_ms_per_event_in_process']:.1f} ms/event",
    )
    add(
        "4b steady rate achieved",
        steady["achieved_rate"],
        "tickets/s",
        f"target {steady['target_rate']:g}; kpi busy {steady['kpi_busy_fraction']:.0%} "
        f"of the phase, {steady['kpi_ms_per_event_in_process']:.1f} ms/event",
    )
    for p in ("p50", "p95", "p99", "max"):
        add(f"   lag occurred_at -> applied_at {p}", steady[f"lag_{p}_ms"], "ms")
    width = max(len(row[0]) for row in rows)
    head = (
        f"Aftercare eventing benchmark: {meta['database']}, N={meta['events']}, "
        f"{meta['cpus']} CPUs, load {meta['load_before']} -> {meta['load_after']}, "
        f"git {meta['git'].get('head', '?')}"
    )
    lines = [head, f"{'figure':<{width}}  {'value':>9}  {'unit':<9}  ratio"]
    lines += [f"{lab:<{width}}  {val:>9}  {unit:<9}  {ratio}" for lab, val, unit, ratio in rows]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="N (default 3000)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--amqp-url", default=DEFAULT_AMQP, help="broker root (a vhost is added)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="admin connection")
    parser.add_argument("--rate", type=float, default=200.0, help="steady tickets/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady phase length")
    parser.add_argument(
        "--baseline-repeats", type=int, default=3, help="async publish + consume rounds in A"
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.rate <= 0 or args.seconds <= 0 or args.baseline_repeats < 1:
        parser.error("--events, --rate, --seconds and --baseline-repeats must be positive")
    hosts = [urlparse(args.amqp_url).hostname]
    if args.database == "postgresql":
        hosts.append(make_url(args.postgres_url).host)
    if any(h not in LOOPBACK for h in hosts):
        parser.error("everything runs on 127.0.0.1 (rabbitmqctl manages the local node only)")
    return args


@contextlib.contextmanager
def resources(args: argparse.Namespace) -> Iterator[Resources]:
    res = Resources(args)
    try:
        yield res
    finally:
        res.close()


def git_state() -> dict[str, Any]:
    """The commit measured, and whether shared/ or services/ differ from it (read-only git)."""
    repo = BENCH_DIR.parent
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True
        )
        if rev.returncode != 0:
            return {}
        head = rev.stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "shared", "services"],
            cwd=repo,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return {}
    return {"head": head, "uncommitted_in_shared_or_services": [d for d in dirty if d]}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    meta: dict[str, Any] = {
        "database": args.database,
        "events": args.events,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pika": pika.__version__,
        "sqlalchemy": sa.__version__,
        "started_at": utcnow().isoformat(),
        "load_before": round(os.getloadavg()[0], 2),
        "git": git_state(),
    }
    started = time.perf_counter()
    with resources(args) as res:
        meta["rabbitmq"] = rabbitmqctl("version")
        results = run(args, res)
    meta["load_after"] = round(os.getloadavg()[0], 2)
    meta["wall_seconds"] = round(time.perf_counter() - started, 1)
    results["ratios"] = ratios(results)
    print(table(results, meta))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"eventing-{stamp}.json"
    out.write_text(json.dumps({"meta": meta, **results}, indent=2, default=str) + "\n")
    print(f"wall {meta['wall_seconds']} s; results written to {out.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
