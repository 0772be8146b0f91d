"""support's unit of work and its repositories (training sessions, qualification records,
questionnaires): on a database session for requests and handlers, and in memory
(``Fake…``) for unit tests of the use cases."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from services.support.models import QualificationRecord, Questionnaire, TrainingSession
from services.support.repositories.aggregates import (
    FakeQualificationRecords,
    FakeQuestionnaires,
    FakeTrainingSessions,
    QualificationRecords,
    Questionnaires,
    SqlQualificationRecords,
    SqlQuestionnaires,
    SqlTrainingSessions,
    TrainingSessions,
)
from shared.clock import Clock
from shared.config import Settings
from shared.events import EventCatalog
from shared.notices.staging import NoticeBook
from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork

if TYPE_CHECKING:
    from shared.calendar import CalendarBook

__all__ = [
    "FakeSupportUnitOfWork",
    "QualificationRecords",
    "Questionnaires",
    "SqlSupportUnitOfWork",
    "SupportUnitOfWork",
    "TrainingSessions",
]


# The customer's notices: the questionnaire's one-time link, staged by the use case that
# makes it (no event may carry the link).
NOTICE_BOOK = NoticeBook(templates=Path(__file__).resolve().parent.parent / "notices")


class SupportUnitOfWork(UnitOfWork):
    """What support's use cases are given: the transaction and its repositories."""

    notice_book = NOTICE_BOOK
    sessions: TrainingSessions
    qualifications: QualificationRecords
    questionnaires: Questionnaires


class SqlSupportUnitOfWork(SqlUnitOfWork, SupportUnitOfWork):
    """support's unit of work on a database session (web requests, handlers)."""

    def _open_repositories(self) -> None:
        self.sessions = SqlTrainingSessions(self)
        self.qualifications = SqlQualificationRecords(self)
        self.questionnaires = SqlQuestionnaires(self)


class FakeSupportUnitOfWork(FakeUnitOfWork, SupportUnitOfWork):
    """support's unit of work in memory, optionally seeded."""

    def __init__(
        self,
        catalog: EventCatalog,
        *,
        clock: Clock,
        settings: Settings | None = None,
        calendars: CalendarBook | None = None,
        sessions: Iterable[TrainingSession] = (),
        records: Iterable[QualificationRecord] = (),
        questionnaires: Iterable[Questionnaire] = (),
    ) -> None:
        self._seed = (list(sessions), list(records), list(questionnaires))
        super().__init__(catalog, clock=clock, settings=settings, calendars=calendars)

    def _open_repositories(self) -> None:
        sessions, records, questionnaires = self._seed
        self.sessions = FakeTrainingSessions(self, sessions)
        self.qualifications = FakeQualificationRecords(self, records)
        self.questionnaires = FakeQuestionnaires(self, questionnaires)
