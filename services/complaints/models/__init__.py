"""Complaints' tables, and the complaint aggregate mapped on them."""

from services.complaints.models.base import Base
from services.complaints.models.complaint import Complaint
from services.complaints.models.parts import Evidence, Measure, Pause, Resolution, TimelineEntry

__all__ = ["Base", "Complaint", "Evidence", "Measure", "Pause", "Resolution", "TimelineEntry"]
