"""Assets by serial number, and the service file's entries, on SQL and in memory."""

from __future__ import annotations

from abc import ABC, abstractmethod

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.maintenance.models import Asset, ServiceFileEntry
from shared.auth import Principal
from shared.db import insert_ignoring_conflicts
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository


class Assets(ABC):
    """Where assets are loaded from and added to."""

    @abstractmethod
    def add(self, aggregate: Asset) -> Asset: ...

    @abstractmethod
    def by_serial(self, serial_no: str, *, for_update: bool = False) -> Asset | None:
        """The asset with this serial number, if known."""

    def get_visible(self, serial_no: str, *, by: Principal, for_update: bool = False) -> Asset:
        """The asset; 404 if unknown or outside the caller's region."""
        asset = self.by_serial(serial_no, for_update=for_update)
        absent = f"no asset {serial_no}"
        if asset is None:
            raise NotFound(absent)
        require_visible(by, asset.region, absent)
        return asset


class SqlAssets(SqlRepository[Asset], Assets):
    model = Asset

    def by_serial(self, serial_no: str, *, for_update: bool = False) -> Asset | None:
        query = select(Asset).where(Asset.serial_no == serial_no)
        if for_update:
            query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
        return self.first(query)


class FakeAssets(FakeRepository[Asset], Assets):
    def by_serial(self, serial_no: str, *, for_update: bool = False) -> Asset | None:
        return self.first(lambda a: a.serial_no == serial_no)


class ServiceFile(ABC):
    """The service file's entries, each kept once per event."""

    @abstractmethod
    def add(self, entry: ServiceFileEntry) -> bool:
        """Keep the entry unless its event is already in the file; True if it was new."""


class SqlServiceFile(ServiceFile):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: ServiceFileEntry) -> bool:
        table = ServiceFileEntry.__table__
        values = {c.name: getattr(entry, c.key) for c in table.columns}
        statement = insert_ignoring_conflicts(self.session, table, ["event_id"])
        # RETURNING says whether this insert took the row (rowcount is -1 on psycopg).
        taken = self.session.execute(statement.returning(table.c.event_id), values)
        return taken.first() is not None


class FakeServiceFile(ServiceFile):
    def __init__(self) -> None:
        self.entries: dict[str, ServiceFileEntry] = {}

    def add(self, entry: ServiceFileEntry) -> bool:
        if entry.event_id in self.entries:
            return False
        self.entries[entry.event_id] = entry
        return True
