"""The worker process of a service: outbox relay plus event consumer, each in its thread.

``python -m shared.worker <service>`` runs it against RabbitMQ; the embedded runner starts the
same pieces on the in-process transport.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.logs import configure_logging
from shared.messaging.amqp import connection_parameters
from shared.messaging.consumer import RabbitConsumer
from shared.messaging.inprocess import InProcessBus, InProcessConsumer
from shared.messaging.processing import EventProcessor
from shared.messaging.rabbit_relay import RabbitRelay
from shared.messaging.relay import PollingRelay
from shared.messaging.topology import ConsumerTopology, lane_name, region_binding_keys
from shared.notices.sender import NoticeSender
from shared.notices.table import table_of
from shared.notices.transports import transports_from
from shared.service import PeriodicJob, Runtime, load_definition

log = logging.getLogger(__name__)


def consumer_topology(rt: Runtime) -> ConsumerTopology:
    """The worker's queues: every region, or only ``AFTERCARE_CONSUME_REGIONS`` on queues of
    their own (a region's consumers scaled, or moved, apart from the rest)."""
    regions = rt.settings.consume_regions
    return ConsumerTopology(
        consumer=rt.name,
        binding_keys=region_binding_keys(rt.definition.subscriptions.binding_keys(), regions),
        retry_delays_seconds=rt.settings.retry_delays_seconds,
        lane=lane_name(regions),
    )


def event_processor(rt: Runtime) -> EventProcessor:
    return EventProcessor(
        service=rt.name,
        subscriptions=rt.definition.subscriptions,
        catalog=rt.definition.catalog,
        db=rt.db,
        clock=rt.clock,
        max_retries=len(rt.settings.retry_delays_seconds),
        settings=rt.settings,
        calendars=rt.calendars,
        unit_of_work=rt.definition.unit_of_work,
    )


@dataclass
class Worker:
    """The running relay and consumer threads of one service."""

    name: str
    stop: threading.Event
    threads: list[threading.Thread] = field(default_factory=list)
    failed: list[BaseException] = field(default_factory=list)
    relay: object | None = None
    consumer: object | None = None
    notice_sender: object | None = None

    def spawn(self, target: Callable[[threading.Event], None], role: str) -> None:
        def run() -> None:
            try:
                target(self.stop)
            except BaseException as exc:
                log.exception("%s %s died", self.name, role)
                self.failed.append(exc)
                self.stop.set()

        thread = threading.Thread(target=run, name=f"{self.name}-{role}", daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self, timeout: float = 10.0) -> None:
        for thread in self.threads:
            thread.join(timeout)


def _periodic(rt: Runtime, job: PeriodicJob) -> Callable[[threading.Event], None]:
    def loop(stop: threading.Event) -> None:
        while not stop.wait(job.every_seconds):
            try:
                job.run(rt)
            except Exception:  # a failed run is logged and tried again next time
                log.exception("periodic job %s failed", job.name, extra={"service": rt.name})

    return loop


def _start_periodic(rt: Runtime, worker: Worker) -> None:
    for job in rt.definition.periodic:
        worker.spawn(_periodic(rt, job), f"job-{job.name}")
    _start_notice_sender(rt, worker)


def _start_notice_sender(rt: Runtime, worker: Worker) -> None:
    """The notice sender, in a service that sends notices (its metadata has the table)."""
    if table_of(rt.definition.metadata) is None:
        return
    settings = rt.settings.notices
    transports = transports_from(settings)
    if not transports:
        log.warning(
            "no SMTP server or SMS gateway configured: customer notices wait in the table",
            extra={"service": rt.name},
        )
    sender = NoticeSender(
        service=rt.name, db=rt.db, clock=rt.clock, settings=settings, transports=transports
    )
    worker.notice_sender = sender
    worker.spawn(sender.run, "notices")


def start_rabbit_worker(rt: Runtime, stop: threading.Event | None = None) -> Worker:
    """Relay and (if the service consumes) consumer on RabbitMQ."""
    worker = Worker(rt.name, stop or threading.Event())
    settings = rt.settings
    relay = RabbitRelay(
        service=rt.name,
        db=rt.db,
        params=connection_parameters(settings.amqp_url, f"{rt.name}-relay"),
        clock=rt.clock,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
        retention=dt.timedelta(days=settings.outbox_retention_days),
    )
    worker.relay = relay
    worker.spawn(relay.run, "relay")
    if rt.definition.subscriptions:
        consumer = RabbitConsumer(
            processor=event_processor(rt),
            params=connection_parameters(settings.amqp_url, f"{rt.name}-consumer"),
            topology=consumer_topology(rt),
            prefetch=settings.consumer_prefetch,
            batch_size=settings.consumer_batch_size,
            batch_seconds=settings.consumer_batch_seconds,
        )
        worker.consumer = consumer
        worker.spawn(consumer.run, "consumer")
    _start_periodic(rt, worker)
    return worker


def start_inprocess_worker(
    rt: Runtime, bus: InProcessBus, stop: threading.Event | None = None
) -> Worker:
    """Relay and consumer on the in-process transport (embedded default, unit tests)."""
    worker = Worker(rt.name, stop or threading.Event())
    if rt.definition.subscriptions:
        consumer = InProcessConsumer(
            bus=bus,
            processor=event_processor(rt),
            binding_keys=rt.definition.subscriptions.binding_keys(),
            retry_delays=rt.settings.retry_delays_seconds,
            batch_size=rt.settings.consumer_batch_size,
        )
        worker.consumer = consumer
        worker.spawn(consumer.run, "consumer")
    relay = PollingRelay(
        service=rt.name,
        db=rt.db,
        publish=bus.publish,
        clock=rt.clock,
        batch_size=rt.settings.relay_batch_size,
        poll_seconds=rt.settings.relay_poll_seconds,
        retention=dt.timedelta(days=rt.settings.outbox_retention_days),
    )
    worker.relay = relay
    worker.spawn(relay.run, "relay")
    _start_periodic(rt, worker)
    return worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a service's outbox relay and consumer")
    parser.add_argument("service")
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="port for this worker's /metrics (default: web port + 1000)",
    )
    args = parser.parse_args(argv)
    rt = Runtime(load_definition(args.service))
    configure_logging(f"{rt.name}-worker", rt.settings.log_level)
    port = args.metrics_port if args.metrics_port is not None else rt.settings.worker_metrics_port
    if port:
        from prometheus_client import start_http_server

        start_http_server(port, addr=os.environ.get("AFTERCARE_BIND", "127.0.0.1"))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = start_rabbit_worker(rt, stop)
    log.info("worker started", extra={"transport": "rabbitmq", "metrics_port": port})
    while not stop.wait(1.0):
        pass
    worker.join()
    rt.db.dispose()
    return 1 if worker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
