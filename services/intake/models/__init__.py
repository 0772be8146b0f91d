"""Intake's tables, and the ticket aggregate mapped on them."""

from services.intake.models.base import Base
from services.intake.models.consultation import Consultation
from services.intake.models.steps import Assessment, TimelineEntry
from services.intake.models.ticket import Ticket

__all__ = ["Assessment", "Base", "Consultation", "Ticket", "TimelineEntry"]
