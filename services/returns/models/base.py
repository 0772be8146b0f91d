"""The declarative base of returns's tables, with the project's naming convention."""

from __future__ import annotations

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata

MONEY = Numeric(12, 2)


class Base(DeclarativeBase):
    metadata = service_metadata()
