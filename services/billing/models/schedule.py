"""Fee-schedule versions (immutable once published) and the counters that number documents
gap-free per series, year and region."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.billing.domain import NATIONAL, Schedule
from services.billing.models.base import RATE, Base
from shared.db import UTCDateTime
from shared.domain import Aggregate


class FeeSchedule(Base, Aggregate):
    """One published version of the fee schedule: the prices in force from
    ``effective_from`` until a later version takes over. Price lists are kept as JSON
    (amounts as decimal strings): a version is read and written whole, never in part."""

    __tablename__ = "fee_schedules"

    region: ClassVar[str] = NATIONAL  # type: ignore[misc]

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate: Mapped[Decimal] = mapped_column(RATE)
    callout_fees: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    labour_rates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    def terms(self) -> Schedule:
        """The prices as the domain reads them."""
        return Schedule(
            number=self.number,
            currency=self.currency,
            tax_rate=Decimal(self.tax_rate),
            callout_fees={f["region"]: Decimal(f["amount"]) for f in self.callout_fees},
            labour_rates={
                (r["service_kind"], r["product_type"]): Decimal(r["rate_per_hour"])
                for r in self.labour_rates
            },
            parts={
                p["part_no"]: (p.get("description", ""), Decimal(p["price"])) for p in self.parts
            },
            products={p["model"]: Decimal(p["price"]) for p in self.products},
        )

    def publish(self) -> None:
        """Announce the version (``fee_schedule.published``): returns prices replacements by it."""
        self.record(
            "fee_schedule.published",
            {
                "schedule_version": self.number,
                "effective_from": self.effective_from,
                "currency": self.currency,
                "tax_rate": self.tax_rate,
                "callout_fees": self.callout_fees,
                "labour_rates": self.labour_rates,
                "parts": self.parts,
                "products": self.products,
                "published_by": self.published_by,
            },
        )


class DocumentCounter(Base):
    """The last number given in a series (invoices, credit notes, schedule versions) for a
    year and region; incremented in the issuing transaction, so a rollback returns it."""

    __tablename__ = "document_counters"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(50), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
