"""The declarative base of dispatch's tables, with the project's naming convention."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata
from shared.notices.table import notices_table

HOURS = Numeric(6, 2)
MONEY = Numeric(12, 2)


def as_json(value: Any) -> Any:
    """A value for a JSON column: ids, times and amounts as the strings events carry."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


class Base(DeclarativeBase):
    metadata = service_metadata()


def with_times(value: dict[str, Any] | None, *names: str) -> dict[str, Any] | None:
    """A JSON column's record with its times as datetimes again."""
    if value is None:
        return None
    return value | {name: dt.datetime.fromisoformat(value[name]) for name in names}


# Dispatch sends customer notices (appointment, reminder, on the way, repair completed).
NOTICES = notices_table(Base.metadata)
