"""Test helpers: waiting with a deadline, tokens, runtimes, broker and process plumbing."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pika
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from shared.auth import mint_token
from shared.config import Settings
from shared.migrations import upgrade
from shared.service import Runtime, ServiceDefinition

# The services the SPEC names, with their ports (section 5). The kit finds services through
# their registration; tests name them.
SERVICE_PORTS = {
    "intake": 8001,
    "dispatch": 8002,
    "maintenance": 8003,
    "returns": 8004,
    "complaints": 8005,
    "billing": 8006,
    "kpi": 8007,
    "support": 8008,
}
SERVICE_NAMES = tuple(SERVICE_PORTS)

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "AFTERCARE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AMQP_URL = os.environ.get("AFTERCARE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
JWT_SECRET = os.environ["AFTERCARE_JWT_SECRET"]
T = TypeVar("T")


def create_pg_database() -> str:
    """A new, empty PostgreSQL database; returns its URL."""
    name = f"aftercare_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def allow_connections(database_url: str, allowed: bool) -> None:
    """Take a PostgreSQL database away (and drop its sessions) or give it back."""
    name = make_url(database_url).database
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {allowed}'))
        if not allowed:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
    admin.dispose()


def wait_until(
    predicate: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.05, what: str = ""
) -> T:
    """Poll until ``predicate`` returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last  # type: ignore[no-any-return]
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}: {last!r}")


def token(*roles: str, region: str | None = None, sub: str = "tester", **kw: Any) -> str:
    return mint_token(
        key=JWT_SECRET,
        sub=sub,
        roles=roles or ("admin",),
        region=region,
        audiences=[f"aftercare.{s}" for s in SERVICE_NAMES],
        **kw,
    )


def auth(*roles: str, region: str | None = None, sub: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(*roles, region=region, sub=sub)}"}


def settings_for(
    definition: ServiceDefinition, database_url: str, amqp_url: str | None = None, **overrides: Any
) -> Settings:
    base = Settings.from_env(definition.name, default_port=definition.port).with_overrides(
        database_url=database_url,
        jwt_secret=JWT_SECRET,
        retry_delays_seconds=(0.2, 0.4, 0.8),
        relay_poll_seconds=0.02,
    )
    if amqp_url is not None:
        base = base.with_overrides(amqp_url=amqp_url, transport="rabbitmq")
    return base.with_overrides(**overrides)


def migrated_runtime(definition: ServiceDefinition, settings: Settings, **kw: Any) -> Runtime:
    upgrade(definition, settings.database_url)
    return Runtime(definition, settings, **kw)


def ticket_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
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
    body.update(changes)
    return body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def amqp_channel(amqp_url: str) -> tuple[pika.BlockingConnection, Any]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    return connection, connection.channel()


def queue_depth(amqp_url: str, queue: str) -> int:
    connection, channel = amqp_channel(amqp_url)
    try:
        return int(channel.queue_declare(queue=queue, passive=True).method.message_count)
    finally:
        connection.close()


def rabbitmqctl(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        ["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return result.stdout


class Proc:
    """A service process started for an end-to-end test, stopped and reaped afterwards."""

    def __init__(self, label: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.label = label
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{label}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.args,
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(10)

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)

    def wait_exit(self, timeout: float = 30) -> int | None:
        """The exit code, or None if the process is still running after ``timeout`` (so the
        caller's assertion fails with the process's log rather than a bare timeout)."""
        assert self.popen is not None
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def service_env(
    name: str, database_url: str, amqp_url: str, var_dir: Path, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            f"AFTERCARE_{name.upper()}_DATABASE_URL": database_url,
            "AFTERCARE_AMQP_URL": amqp_url,
            "AFTERCARE_TRANSPORT": "rabbitmq",
            "AFTERCARE_JWT_SECRET": JWT_SECRET,
            "AFTERCARE_VAR_DIR": str(var_dir),
            "AFTERCARE_RELAY_POLL_SECONDS": "0.02",
            "AFTERCARE_RETRY_DELAYS": "0.2,0.4,0.8",
        }
    )
    env.update(extra)
    return env


def gunicorn_proc(
    name: str, port: int, env: dict[str, str], log_dir: Path, workers: int = 2
) -> Proc:
    env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        PROMETHEUS_MULTIPROC_DIR=str(log_dir / f"prom-{name}-{port}"),
    )
    return Proc(
        f"{name}-web",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "shared" / "gunicorn_conf.py"),
            f"services.{name}.app:create_app()",
        ],
        env,
        log_dir,
    )


def worker_proc(name: str, env: dict[str, str], log_dir: Path, metrics_port: int = 0) -> Proc:
    return Proc(
        f"{name}-worker",
        [sys.executable, "-m", "shared.worker", name, "--metrics-port", str(metrics_port)],
        env,
        log_dir,
    )


def wait_http(url: str, timeout: float = 30.0) -> None:
    def up() -> bool:
        try:
            return requests.get(url, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    wait_until(up, timeout=timeout, interval=0.1, what=url)


def metric_value(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus exposition text, or None when absent."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return None


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


def ticket_in(**changes: Any) -> dict[str, Any]:
    """A ticket as intake's use case receives it (loaded through the API schema)."""
    from services.intake.schemas import TicketCreate

    loaded: dict[str, Any] = TicketCreate().load(ticket_body(**changes))
    return loaded


@contextlib.contextmanager
def rabbit_worker(
    definition: ServiceDefinition, database_url: str, amqp_url: str
) -> Iterator[tuple[Runtime, Any]]:
    """A service's worker (relay and consumer) on RabbitMQ, its queues fresh, connected."""
    from shared.messaging.topology import dead_letter_queue, queue_name
    from shared.worker import start_rabbit_worker

    connection, channel = amqp_channel(amqp_url)
    for name in (queue_name(definition.name), dead_letter_queue(definition.name)):
        channel.queue_delete(queue=name)
    connection.close()
    rt = migrated_runtime(definition, settings_for(definition, database_url, amqp_url))
    running = start_rabbit_worker(rt)
    wait_until(
        lambda: running.consumer.connected.is_set() and running.relay.connected.is_set(),
        what=f"{definition.name} worker connected",
    )
    try:
        yield rt, running
    finally:
        running.stop.set()
        running.join()
        rt.db.dispose()
    assert not running.failed, running.failed


def publish_raw(amqp_url: str, routing_key: str, body: str) -> None:
    """One persistent message on the exchange, confirmed, as another service's relay sends it."""
    from shared.messaging.topology import EXCHANGE

    connection, channel = amqp_channel(amqp_url)
    try:
        channel.confirm_delivery()
        channel.basic_publish(
            EXCHANGE, routing_key, body.encode(), pika.BasicProperties(delivery_mode=2)
        )
    finally:
        connection.close()


class Mailbox:
    """What a real SMTP server (aiosmtpd, started by ``smtp_server``) accepted. Set
    ``refuse`` to a reply (e.g. ``"451 4.3.0 try later"``) to have it refuse every message
    until it is cleared."""

    def __init__(self) -> None:
        import threading

        self.messages: list[Any] = []
        self.refused = 0
        self.refuse: str | None = None
        self.url = ""
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        from email import policy

        if self.refuse:
            with self._lock:
                self.refused += 1
            return self.refuse
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 2.0.0 OK"

    def to(self, address: str) -> list[Any]:
        """The accepted messages addressed to ``address``."""
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


@contextlib.contextmanager
def smtp_server(password: str | None = None) -> Iterator[Mailbox]:
    """A real SMTP server on a free local port for one test; ``mailbox.url`` points at it.
    With ``password`` it asks for a login (AUTH over plain text: a test server only)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def check(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> Any:
        ok = getattr(data, "password", b"") == (password or "").encode()
        return AuthResult(success=ok, handled=False)

    mailbox = Mailbox()
    port = free_port()
    login = {"authenticator": check, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **(login if password else {}))
    controller.start()
    mailbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield mailbox
    finally:
        controller.stop()
