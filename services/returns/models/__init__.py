"""Returns's tables: the return request (the aggregate), and the copies it keeps of other
services' facts (fee-schedule prices from billing, ticket customers from intake)."""

from __future__ import annotations

from services.returns.models.base import Base
from services.returns.models.copies import FeeSchedule, ScheduledPrice, TicketCustomer
from services.returns.models.request import ReturnRequest, still_open

__all__ = ["Base", "FeeSchedule", "ReturnRequest", "ScheduledPrice", "TicketCustomer", "still_open"]
