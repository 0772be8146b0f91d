"""Fixtures shared by every test layer.

Mocking policy: tests/unit use no I/O and may use fakes (a FixedClock, the in-process
transport). tests/integration, tests/e2e and tests/contract never mock the broker or the
database: storage tests run on SQLite *and* on the real PostgreSQL, messaging tests on the
real RabbitMQ (each test session in its own virtual host).
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
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.helpers import rabbitmqctl

POSTGRES_URL = os.environ.get(
    "AFTERCARE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AMQP_URL = os.environ.get("AFTERCARE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _create_pg_database() -> str:
    name = f"aftercare_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """The real RabbitMQ, in a virtual host of this test session's own."""
    vhost = f"aftercare-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    base = AMQP_URL.rstrip("/")
    try:
        yield f"{base}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)
