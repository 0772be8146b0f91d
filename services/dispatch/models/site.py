"""What a technician needs on site, kept on the work order: the symptom, the usage
environment, the tools to bring, where the product is installed and when the customer
prefers the visit."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class OnSite:
    """Columns of a work order about the visit's place (a mixin of ``WorkOrder``)."""

    tools: Mapped[list[str] | None] = mapped_column(JSON)
    symptom: Mapped[str | None] = mapped_column(Text)
    usage_environment: Mapped[str | None] = mapped_column(String(200))
    site_address: Mapped[str | None] = mapped_column(String(500))
    site_contact_name: Mapped[str | None] = mapped_column(String(200))
    site_contact_phone: Mapped[str | None] = mapped_column(String(50))
    site_latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    site_longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    preferred_time: Mapped[str | None] = mapped_column(String(200))
