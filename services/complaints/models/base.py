"""Complaints' declarative base: one MetaData for its tables."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata
from shared.notices.table import notices_table


class Base(DeclarativeBase):
    metadata = service_metadata()


# The complainant is told the expected handling time when the complaint is filed.
NOTICES = notices_table(Base.metadata)
