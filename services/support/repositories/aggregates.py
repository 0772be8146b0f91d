"""support's aggregates on SQL and in memory, with the same methods. An aggregate is loaded
for a step with its row locked (``FOR NO KEY UPDATE`` on PostgreSQL; SQLite serialises
writers), so two people never hold one session or answer one questionnaire twice."""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod

from sqlalchemy import select

from services.support.models import QualificationRecord, Questionnaire, TrainingSession
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository


class TrainingSessions(ABC):
    """Where training sessions are loaded from and added to."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> TrainingSession | None: ...

    @abstractmethod
    def add(self, aggregate: TrainingSession) -> TrainingSession: ...

    def get_for_step(self, session_id: uuid.UUID, *, by: Principal) -> TrainingSession:
        """The session, its row locked; 404 when unknown or outside the caller's region."""
        found = self.get(session_id, for_update=True)
        absent = f"no training session {session_id}"
        if found is None:
            raise NotFound(absent)
        require_visible(by, found.region, absent)
        return found


class SqlTrainingSessions(SqlRepository[TrainingSession], TrainingSessions):
    model = TrainingSession


class FakeTrainingSessions(FakeRepository[TrainingSession], TrainingSessions):
    pass


class QualificationRecords(ABC):
    """Where qualification records are added (they are never changed)."""

    @abstractmethod
    def add(self, aggregate: QualificationRecord) -> QualificationRecord: ...


class SqlQualificationRecords(SqlRepository[QualificationRecord], QualificationRecords):
    model = QualificationRecord


class FakeQualificationRecords(FakeRepository[QualificationRecord], QualificationRecords):
    pass


class Questionnaires(ABC):
    """Where questionnaires are loaded from and added to."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> Questionnaire | None: ...

    @abstractmethod
    def add(self, aggregate: Questionnaire) -> Questionnaire: ...

    @abstractmethod
    def for_work_order(self, work_order_id: uuid.UUID) -> Questionnaire | None:
        """The questionnaire about a work order, if there is one."""

    @abstractmethod
    def by_link(self, digest: str) -> Questionnaire | None:
        """The questionnaire a link's token digest opens, its row locked."""

    def get_for_step(self, questionnaire_id: uuid.UUID, *, by: Principal) -> Questionnaire:
        """The questionnaire, its row locked; 404 when unknown or outside the caller's region."""
        found = self.get(questionnaire_id, for_update=True)
        absent = f"no questionnaire {questionnaire_id}"
        if found is None:
            raise NotFound(absent)
        require_visible(by, found.region, absent)
        return found

    def get_by_link(self, digest: str) -> Questionnaire:
        """The questionnaire of a link; 404 for a link that is not (or no longer) one."""
        found = self.by_link(digest)
        if found is None:
            raise NotFound("no such link")
        return found


class SqlQuestionnaires(SqlRepository[Questionnaire], Questionnaires):
    model = Questionnaire

    def for_work_order(self, work_order_id: uuid.UUID) -> Questionnaire | None:
        return self.first(select(Questionnaire).where(Questionnaire.work_order_id == work_order_id))

    def by_link(self, digest: str) -> Questionnaire | None:
        query = select(Questionnaire).where(Questionnaire.token_digest == digest)
        return self.first(query.with_for_update(key_share=True))


class FakeQuestionnaires(FakeRepository[Questionnaire], Questionnaires):
    def for_work_order(self, work_order_id: uuid.UUID) -> Questionnaire | None:
        return self.first(lambda q: q.work_order_id == work_order_id)

    def by_link(self, digest: str) -> Questionnaire | None:
        return self.first(lambda q: q.token_digest == digest)
