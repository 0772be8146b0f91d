"""The declarative base of support's tables, with the project's naming convention."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()
