"""Fixtures shared by every test layer.

Mocking policy: tests/unit use no I/O and may use fakes (a FixedClock, the in-process
transport, a service's in-memory unit of work, ``Fake<Service>UnitOfWork``, which builds
and validates events exactly as the outbox does). tests/integration, tests/e2e and
tests/contract never mock the broker or the database: storage tests run on SQLite *and*
on the real PostgreSQL, messaging tests on the real RabbitMQ (each test session in its own
virtual host).
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("AFTERCARE_JWT_SECRET", secrets.token_urlsafe(32))
os.environ.setdefault("AFTERCARE_VAR_DIR", "/tmp/aftercare-test-var")

import pytest

from tests.helpers import (
    AMQP_URL,
    create_pg_database,
    drop_pg_database,
    rabbitmqctl,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


def _vhost() -> Iterator[str]:
    vhost = f"aftercare-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    base = AMQP_URL.rstrip("/")
    try:
        yield f"{base}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """The real RabbitMQ, in a virtual host of this test session's own."""
    yield from _vhost()


@pytest.fixture
def private_amqp_url() -> Iterator[str]:
    """A virtual host of this test's own, for tests that need to know every binding."""
    yield from _vhost()
