"""How to reach the customer of a work order with a notice, and what the notices show
besides the event's own fields (a mixin of ``WorkOrder``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shared.notices.recipient import Recipient


class Contact:
    """The customer's email and language, kept from the event that opened the work order."""

    if TYPE_CHECKING:
        customer_name: str
        customer_phone: str | None
        product_model: str
        serial_no: str | None
        site_address: str | None
        kind: str

    customer_email: Mapped[str | None] = mapped_column(String(200))
    customer_language: Mapped[str | None] = mapped_column(String(10))

    def notice_recipient(self) -> Recipient:
        """The customer, by email first, else by phone."""
        return Recipient(
            name=self.customer_name,
            email=self.customer_email,
            phone=self.customer_phone,
            language=self.customer_language,
        )

    def customer_contact(self) -> dict[str, Any]:
        """Whom another service may tell about the work (repair.accepted: the questionnaire)."""
        return {
            "customer_name": self.customer_name,
            "customer_email": self.customer_email,
            "customer_phone": self.customer_phone,
            "customer_language": self.customer_language,
        }

    def notice_details(self) -> dict[str, Any]:
        """What every notice about the work order shows: the product and where."""
        return {
            "product_model": self.product_model,
            "serial_no": self.serial_no,
            "site_address": self.site_address,
            "work_kind": self.kind,
        }
