"""Prometheus metrics shared by every service: HTTP, outbox relay and consumer.

Under gunicorn the web app runs in multiprocess mode (PROMETHEUS_MULTIPROC_DIR set and emptied
before gunicorn starts); each scrape then builds a fresh registry. Values that live in a
database come from collectors that read the tables at scrape time.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# The *_created series only add noise to every counter here.
disable_created_metrics()

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

HTTP_REQUESTS = Counter(
    "aftercare_http_requests_total",
    "HTTP requests served",
    ["service", "method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "aftercare_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=LATENCY_BUCKETS,
)
OUTBOX_PUBLISHED = Counter(
    "aftercare_outbox_published_total", "Outbox events confirmed by the broker", ["service"]
)
OUTBOX_FAILURES = Counter(
    "aftercare_outbox_publish_failures_total",
    "Outbox publishes not confirmed (nack, unroutable return, lost connection)",
    ["service", "reason"],
)
EVENTS_HANDLED = Counter(
    "aftercare_events_handled_total",
    "Events settled by a consumer, by outcome (applied, duplicate, retried, parked)",
    ["service", "type", "outcome"],
)
HANDLER_DURATION = Histogram(
    "aftercare_handler_duration_seconds",
    "Time to apply one batch of events in the consumer's transaction",
    ["service"],
    buckets=LATENCY_BUCKETS,
)
CONSUMER_DB_ERRORS = Counter(
    "aftercare_consumer_database_errors_total",
    "Batches held back because the consumer's database was unavailable",
    ["service"],
)
DEAD_LETTERS = Gauge(
    "aftercare_dead_letters",
    "Messages parked in the service's dead-letter queue",
    ["service"],
    multiprocess_mode="mostrecent",
)
CONSUMER_LAG = Histogram(
    "aftercare_consumer_lag_seconds",
    "Event occurred_at to applied by this consumer",
    ["service"],
    buckets=LAG_BUCKETS,
)


class CallbackCollector(Collector):
    """A collector whose metric families come from a function run at scrape time."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        try:
            yield from self._collect()
        except Exception:  # a scrape must never fail because a database is down
            return

    def describe(self) -> Iterable[Metric]:
        return []


def outbox_collector(service: str, read_backlog: Callable[[], tuple[int, Any]]) -> Collector:
    """Outbox backlog and age of the oldest unsent row, read from the service's database."""

    def collect() -> Iterable[Metric]:
        count, oldest = read_backlog()
        backlog = GaugeMetricFamily(
            "aftercare_outbox_backlog", "Unsent outbox rows", labels=["service"]
        )
        backlog.add_metric([service], count)
        age = GaugeMetricFamily(
            "aftercare_outbox_oldest_age_seconds",
            "Age of the oldest unsent outbox row",
            labels=["service"],
        )
        seconds = (dt.datetime.now(dt.UTC) - oldest).total_seconds() if oldest else 0.0
        age.add_metric([service], max(seconds, 0.0))
        return [backlog, age]

    return CallbackCollector(collect)


class _Scrape:
    """The collectors of one scrape, chained (generate_latest only needs ``collect``)."""

    def __init__(self, collectors: Iterable[Any]) -> None:
        self._collectors = list(collectors)

    def collect(self) -> Iterable[Metric]:
        for collector in self._collectors:
            yield from collector.collect()


def render(extra: Iterable[Collector] = ()) -> tuple[bytes, str]:
    """The exposition text for a scrape: process metrics plus the database collectors."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        base: Any = registry
    else:
        from prometheus_client import REGISTRY

        base = REGISTRY
    return generate_latest(_Scrape([base, *extra])), CONTENT_TYPE_LATEST


NOTICES_SENT = Counter(
    "aftercare_notices_sent_total",
    "Customer notices accepted by the mail server or SMS gateway",
    ["service", "channel", "kind"],
)
NOTICES_RETRIED = Counter(
    "aftercare_notices_retried_total",
    "Customer notices not accepted this time, to be tried again later",
    ["service", "channel", "kind"],
)
NOTICES_PARKED = Counter(
    "aftercare_notices_parked_total",
    "Customer notices parked (a permanent refusal, or too many attempts)",
    ["service", "channel", "kind"],
)


def notices_collector(service: str, read_backlog: Callable[[], Any]) -> Collector:
    """Notices waiting, parked, and the age of the oldest waiting one, read from the table."""

    def collect() -> Iterable[Metric]:
        backlog = read_backlog()
        families = []
        for name, text, value in (
            ("aftercare_notices_backlog", "Customer notices waiting to be sent", backlog.waiting),
            ("aftercare_notices_parked", "Customer notices parked", backlog.parked),
        ):
            family = GaugeMetricFamily(name, text, labels=["service"])
            family.add_metric([service], value)
            families.append(family)
        age = GaugeMetricFamily(
            "aftercare_notices_oldest_age_seconds",
            "Age of the oldest customer notice waiting to be sent",
            labels=["service"],
        )
        oldest = backlog.oldest
        seconds = (dt.datetime.now(dt.UTC) - oldest).total_seconds() if oldest else 0.0
        age.add_metric([service], max(seconds, 0.0))
        return [*families, age]

    return CallbackCollector(collect)
