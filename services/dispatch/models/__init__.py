"""Dispatch's tables: technicians, work orders, their visits, parts used and follow-up calls;
the work order is the aggregate that records what happens to it and its visits."""

from __future__ import annotations

from services.dispatch.models.base import Base
from services.dispatch.models.field import FeeSchedule, NonGenuineApproval, PartAgreement, PartPrice
from services.dispatch.models.qualifications import Qualification
from services.dispatch.models.technicians import Technician, TechnicianSkill
from services.dispatch.models.visits import FollowUp, PartUsed, Visit
from services.dispatch.models.work_orders import WorkOrder

__all__ = [
    "Base",
    "FeeSchedule",
    "FollowUp",
    "NonGenuineApproval",
    "PartAgreement",
    "PartPrice",
    "PartUsed",
    "Qualification",
    "Technician",
    "TechnicianSkill",
    "Visit",
    "WorkOrder",
]
