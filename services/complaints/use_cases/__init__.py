"""Complaints' use cases: each loads through the unit of work, lets the complaint decide and
record, and commits."""

from services.complaints.use_cases.filing import (
    file_complaint,
    reassign_complaint,
    set_waiting,
)
from services.complaints.use_cases.handling import (
    add_evidence,
    investigate_complaint,
    record_feedback,
    resolve_complaint,
)
from services.complaints.use_cases.measures import complete_measure

__all__ = [
    "add_evidence",
    "complete_measure",
    "file_complaint",
    "investigate_complaint",
    "reassign_complaint",
    "record_feedback",
    "resolve_complaint",
    "set_waiting",
]
