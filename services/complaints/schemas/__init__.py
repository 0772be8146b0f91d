"""Complaints' REST schemas (``<Thing>Create``, ``<Thing>Read``, ``<Thing>QueryArgs``)."""

from services.complaints.schemas.inputs import (
    MAX_CONTENT_BYTES,
    ComplaintCreate,
    ComplaintQueryArgs,
    EvidenceCreate,
    FeedbackCreate,
    InvestigationCreate,
    MeasureDoneCreate,
    MeasureQueryArgs,
    PeriodArgs,
    ReassignmentCreate,
    ResolutionCreate,
    WaitingCreate,
)
from services.complaints.schemas.outputs import (
    AnalysisRead,
    ComplaintRead,
    ComplaintSummaryRead,
    EvidenceRead,
    MeasureRead,
    ReportRead,
    RoutingRead,
)

__all__ = [
    "MAX_CONTENT_BYTES",
    "AnalysisRead",
    "ComplaintCreate",
    "ComplaintQueryArgs",
    "ComplaintRead",
    "ComplaintSummaryRead",
    "EvidenceCreate",
    "EvidenceRead",
    "FeedbackCreate",
    "InvestigationCreate",
    "MeasureDoneCreate",
    "MeasureQueryArgs",
    "MeasureRead",
    "PeriodArgs",
    "ReassignmentCreate",
    "ReportRead",
    "ResolutionCreate",
    "RoutingRead",
    "WaitingCreate",
]
