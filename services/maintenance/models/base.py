"""The declarative base of maintenance's tables, with the project's naming convention."""

from __future__ import annotations

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata

HOURS = Numeric(6, 2)


class Base(DeclarativeBase):
    metadata = service_metadata()
