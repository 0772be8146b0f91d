"""The declarative base of billing's tables, and the column types money is kept in."""

from __future__ import annotations

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata

MONEY = Numeric(14, 2, asdecimal=True)
QUANTITY = Numeric(10, 2, asdecimal=True)
RATE = Numeric(6, 4, asdecimal=True)


class Base(DeclarativeBase):
    metadata = service_metadata()
