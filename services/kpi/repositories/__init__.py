"""kpi's unit of work and repositories: the abstract ``KpiUnitOfWork`` its use cases are
given (``base``), on the database (``sql``, with the consumer's ``KpiBatch`` from ``batch``)
and in memory (``fake``)."""

from services.kpi.repositories.base import (
    Archive,
    ArchivedRow,
    FactTables,
    KpiUnitOfWork,
    Measures,
    SpotChecks,
)
from services.kpi.repositories.batch import KpiBatch
from services.kpi.repositories.fake import FakeKpiUnitOfWork, KpiTables
from services.kpi.repositories.sql import SqlKpiUnitOfWork

__all__ = [
    "Archive",
    "ArchivedRow",
    "FactTables",
    "FakeKpiUnitOfWork",
    "KpiBatch",
    "KpiTables",
    "KpiUnitOfWork",
    "Measures",
    "SpotChecks",
    "SqlKpiUnitOfWork",
]
