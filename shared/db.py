"""SQLAlchemy 2 set-up per service: engine, sessions, the unit of work and the plumbing tables.

SQLite is the embedded default. A service's web and worker processes share its file, so the
engine turns on WAL and a busy timeout, and every transaction starts with BEGIN IMMEDIATE:
writers queue on the lock instead of failing on a read-to-write upgrade. PostgreSQL is used
by URL (``postgresql+psycopg://...``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Engine,
    Integer,
    MetaData,
    Select,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from shared.domain import Page, Window

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes on every backend: stored as UTC, returned aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times must be timezone-aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# An auto-increment position that is BIGINT on PostgreSQL and the rowid on SQLite.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class PlumbingBase(DeclarativeBase):
    """Tables every service has in its own database: outbox, inbox, idempotency keys."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def service_metadata() -> MetaData:
    """A fresh MetaData with the project's naming convention, one per service."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class OutboxMessage(PlumbingBase):
    """An event committed with the state change that caused it, waiting for the relay."""

    __tablename__ = "outbox"

    position: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(50))
    routing_key: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class InboxMessage(PlumbingBase):
    """An event a consumer has applied; written in the same transaction as the effect."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class IdempotencyRecord(PlumbingBase):
    """A creating POST's Idempotency-Key, stored with the effect and then its response."""

    __tablename__ = "idempotency_keys"

    owner: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions begin (savepoints need it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for a service's database URL, with SQLite made safe for several processes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class Database:
    """One service's engine and session factory, built when a process starts, never at import."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits nothing by itself and is always closed."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def increment(
    session: Session,
    table: Any,
    keys: dict[str, Any] | Sequence[str],
    amounts: dict[str, Any] | Sequence[dict[str, Any]],
) -> None:
    """Add amounts to rows' counters, creating the rows if needed (one statement).

    One row: ``increment(session, table, {"k": 1}, {"n": 2})``. Many rows at once (one
    executemany): ``increment(session, table, ["k"], [{"k": 1, "n": 2}, ...])``, every row
    with the same columns. Rows are written in key order, so concurrent transactions
    incrementing the same rows lock them in the same order.
    """
    if isinstance(keys, dict):
        assert isinstance(amounts, dict)
        key_names, rows = tuple(keys), [{**keys, **amounts}]
    else:
        assert not isinstance(amounts, dict)
        key_names, rows = tuple(keys), list(amounts)
    if not rows:
        return
    names = tuple(n for n in rows[0] if n not in key_names)
    _write_sorted(
        session, _upsert(_dialect(session), table, key_names, names, "add"), key_names, rows
    )


def replace(session: Session, table: Any, keys: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Insert rows, or overwrite every other column of the rows with the same keys (one
    executemany, in key order)."""
    if not rows:
        return
    key_names = tuple(keys)
    names = tuple(c.name for c in table.columns if c.name not in key_names)
    statement = _upsert(_dialect(session), table, key_names, names, "replace")
    _write_sorted(session, statement, key_names, rows)


def insert_ignoring_conflicts(session: Session, table: Any, keys: Sequence[str]) -> Any:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` for this session's database."""
    return _upsert(_dialect(session), table, tuple(keys), (), "ignore")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _write_sorted(
    session: Session, statement: Any, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    if len(rows) > 1:
        rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    session.execute(statement, rows)


@functools.lru_cache(maxsize=256)
def _upsert(
    dialect: str, table: Any, keys: tuple[str, ...], columns: tuple[str, ...], how: str
) -> Any:
    """The per-dialect upsert: ``add`` to, ``replace`` or ``ignore`` the existing row."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(table)
    if how == "ignore":
        return statement.on_conflict_do_nothing(index_elements=list(keys))
    excluded = statement.excluded
    if how == "add":
        changes = {name: getattr(table.c, name) + excluded[name] for name in columns}
    else:
        changes = {name: excluded[name] for name in columns}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changes)


def count(session: Session, query: Select[Any]) -> int:
    """How many rows a query finds."""
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def page(
    session: Session,
    query: Select[Any],
    *,
    order: Iterable[Any],
    window: Window,
    scalars: bool = True,
) -> Page[Any]:
    """One window of a query's rows, in ``order``, with the count of all of them (whole rows
    rather than their first column with ``scalars=False``)."""
    result = session.execute(query.order_by(*order).offset(window.offset).limit(window.limit))
    rows = result.scalars() if scalars else result
    return Page(list(rows), count(session, query))
