"""Services as real processes: gunicorn web and worker per service, on PostgreSQL and
RabbitMQ."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.migrations import upgrade
from shared.service import load_definition
from tests.helpers import (
    Proc,
    amqp_channel,
    create_pg_database,
    drop_pg_database,
    free_port,
    gunicorn_proc,
    service_env,
    wait_http,
    wait_until,
    worker_proc,
)


class Network:
    """Databases, processes and ports of the services one test runs."""

    def __init__(self, amqp_url: str, log_dir: Path) -> None:
        self.amqp_url = amqp_url
        self.log_dir = log_dir
        self.databases: dict[str, str] = {}
        self.ports: dict[str, int] = {}
        self.procs: list[Proc] = []

    def database(self, name: str) -> str:
        if name not in self.databases:
            self.databases[name] = url = create_pg_database()
            upgrade(load_definition(name), url)
        return self.databases[name]

    def env(self, name: str, **extra: str) -> dict[str, str]:
        return service_env(name, self.database(name), self.amqp_url, self.log_dir, **extra)

    def web(self, name: str, workers: int = 2, **extra: str) -> str:
        port = self.ports.setdefault(name, free_port())
        env = self.env(name, **extra)
        proc = gunicorn_proc(name, port, env, self.log_dir, workers=workers).start()
        self.procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        return base

    def worker(self, name: str, faults: str = "", metrics_port: int = 0, **extra: str) -> Proc:
        env = self.env(name, AFTERCARE_FAULTS=faults, **extra)
        proc = worker_proc(name, env, self.log_dir, metrics_port).start()
        self.procs.append(proc)
        return proc

    def wait_consumer_queue(self, name: str) -> None:
        """Wait until a worker declared its queue and is consuming from it."""

        def consuming() -> bool:
            connection, channel = amqp_channel(self.amqp_url)
            try:
                frame = channel.queue_declare(f"{name}.events", passive=True)
                return bool(frame.method.consumer_count)
            except Exception:
                return False
            finally:
                if connection.is_open:
                    connection.close()

        wait_until(consuming, timeout=20, what=f"{name} consumer")

    def close(self) -> None:
        for proc in self.procs:
            proc.stop()
        for url in self.databases.values():
            drop_pg_database(url)


@pytest.fixture
def network(amqp_url: str, tmp_path: Path) -> Iterator[Network]:
    connection, channel = amqp_channel(amqp_url)
    for queue in ("kpi.events", "kpi.events.dead", *(f"kpi.events.retry.{i}" for i in (1, 2, 3))):
        channel.queue_delete(queue)
    connection.close()
    net = Network(amqp_url, tmp_path)
    yield net
    net.close()
    for proc in net.procs:
        if proc.popen and proc.popen.returncode not in (0, -15, None, 137, -9):
            print(f"--- {proc.label} exited {proc.popen.returncode}\n{proc.log()[-3000:]}")


def kpi_count(base: str, type_: str = "ticket.created", region: str = "east") -> float:
    from tests.helpers import metric_value

    text = requests.get(f"{base}/metrics", timeout=5).text
    return metric_value(text, "aftercare_events_consumed_total", type=type_, region=region) or 0
