"""The declarative base of support's tables, with the project's naming convention."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata
from shared.notices.table import notices_table


class Base(DeclarativeBase):
    metadata = service_metadata()


# The customer is sent the questionnaire's one-time link by notice (the only place it is).
NOTICES = notices_table(Base.metadata)
