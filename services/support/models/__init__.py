"""support's tables and the aggregates mapped on them: training sessions, qualification
records and questionnaires."""

from __future__ import annotations

from services.support.models.base import Base
from services.support.models.qualification import QualificationRecord
from services.support.models.questionnaire import Questionnaire
from services.support.models.training import TrainingSession

__all__ = ["Base", "QualificationRecord", "Questionnaire", "TrainingSession"]
