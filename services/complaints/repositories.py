"""Complaints' unit of work: complaints (SQL and in memory), the routing rules operations
maintain, and the key complainants are recognised by."""

from __future__ import annotations

import functools
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from services.complaints.domain import Owner, Routing, Rule
from services.complaints.models import Complaint, Measure
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound
from shared.notices.staging import NoticeBook
from shared.unit_of_work import (
    FakeRepository,
    FakeUnitOfWork,
    SqlRepository,
    SqlUnitOfWork,
    UnitOfWork,
)

DEFAULT_ROUTING_FILE = Path(__file__).with_name("routing.yaml")
# The complainant's notice of the expected handling time, when a complaint is filed.
NOTICE_BOOK = NoticeBook(
    templates=Path(__file__).with_name("notices"),
    on_events={"complaint.filed": "complaint_received"},
)
# Only for a machine with nothing configured: production sets its own secret, or every
# installation's complainant keys could be recomputed from a phone book.
DEFAULT_COMPLAINANT_SECRET = "aftercare-complaints-local"


def load_routing(path: str | None) -> Routing:
    """The routing rules and deadlines (YAML; the shipped file when None), read again when
    the file changes."""
    file = Path(path or DEFAULT_ROUTING_FILE)
    return _parse_routing(str(file), file.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parse_routing(path: str, _mtime: int) -> Routing:
    raw: dict[str, Any] = yaml.safe_load(Path(path).read_text())
    rules = tuple(
        Rule(
            category=str(rule["category"]),
            region=str(rule["region"]),
            owners=tuple(Owner(str(o["department"]), str(o["person"])) for o in rule["owners"]),
        )
        for rule in raw["rules"]
    )
    if any(not rule.owners for rule in rules):
        raise ValueError(f"{path}: every routing rule names at least one owner")
    return Routing(
        categories=tuple(str(c) for c in raw["categories"]),
        deadline_hours={str(k): float(v) for k, v in raw["deadline_hours"].items()},
        rules=rules,
    )


class Complaints(ABC):
    """Where complaints are kept."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> Complaint | None: ...

    @abstractmethod
    def add(self, aggregate: Complaint) -> Complaint: ...

    @abstractmethod
    def measure_holder(self, measure_id: uuid.UUID) -> uuid.UUID | None:
        """The complaint a corrective measure belongs to."""

    def get_for_step(self, complaint_id: uuid.UUID, *, by: Principal) -> Complaint:
        """The complaint, locked for this transaction; 404 when unknown or outside the
        caller's region."""
        complaint = self.get(complaint_id, for_update=True)
        absent = f"no complaint {complaint_id}"
        if complaint is None:
            raise NotFound(absent)
        require_visible(by, complaint.region, absent)
        return complaint


class ComplaintsUnitOfWork(UnitOfWork):
    """What complaints' use cases are given."""

    notice_book = NOTICE_BOOK
    complaints: Complaints

    def routing(self) -> Routing:
        """Routing rules and deadlines (AFTERCARE_COMPLAINTS_ROUTING_FILE)."""
        return load_routing(self.option("routing_file", "") or None)

    def complainant_secret(self) -> str:
        """The key of complainant keys (AFTERCARE_COMPLAINTS_COMPLAINANT_KEY_SECRET)."""
        return self.option("complainant_key_secret", DEFAULT_COMPLAINANT_SECRET)


class SqlComplaints(SqlRepository[Complaint], Complaints):
    model = Complaint

    def measure_holder(self, measure_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.scalar(select(Measure.complaint_id).where(Measure.id == measure_id))


class SqlComplaintsUnitOfWork(SqlUnitOfWork, ComplaintsUnitOfWork):
    """Complaints' unit of work on its database."""

    def _open_repositories(self) -> None:
        self.complaints = SqlComplaints(self)


class FakeComplaints(FakeRepository[Complaint], Complaints):
    def measure_holder(self, measure_id: uuid.UUID) -> uuid.UUID | None:
        for complaint in self.items.values():
            if any(m.id == measure_id for m in complaint.measures):
                return complaint.id
        return None


class FakeComplaintsUnitOfWork(FakeUnitOfWork, ComplaintsUnitOfWork):
    """Complaints' unit of work in memory (unit tests)."""

    def _open_repositories(self) -> None:
        self.complaints = FakeComplaints(self)
