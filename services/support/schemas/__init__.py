"""support's REST schemas."""

from services.support.schemas.qualifications import (
    ExpiringQueryArgs,
    PersonQualificationsRead,
    QualificationCreate,
    QualificationQueryArgs,
    QualificationRead,
    StandingRead,
)
from services.support.schemas.questionnaires import (
    AnswerCreate,
    QuestionnaireCreate,
    QuestionnaireForm,
    QuestionnaireQueryArgs,
    QuestionnaireRead,
)
from services.support.schemas.training import (
    AttendanceCreate,
    CancellationCreate,
    ScheduleCreate,
    TrainingCreate,
    TrainingQueryArgs,
    TrainingRead,
)

__all__ = [
    "AnswerCreate",
    "AttendanceCreate",
    "CancellationCreate",
    "ExpiringQueryArgs",
    "PersonQualificationsRead",
    "QualificationCreate",
    "QualificationQueryArgs",
    "QualificationRead",
    "QuestionnaireCreate",
    "QuestionnaireForm",
    "QuestionnaireQueryArgs",
    "QuestionnaireRead",
    "ScheduleCreate",
    "StandingRead",
    "TrainingCreate",
    "TrainingQueryArgs",
    "TrainingRead",
]
