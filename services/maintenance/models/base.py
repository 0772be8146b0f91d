"""The declarative base of maintenance's tables, with the project's naming convention."""

from __future__ import annotations

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata
from shared.notices.table import notices_table

HOURS = Numeric(6, 2)


class Base(DeclarativeBase):
    metadata = service_metadata()


# Maintenance tells the customer of each occurrence's visit (``maintenance.due``).
NOTICES = notices_table(Base.metadata)
