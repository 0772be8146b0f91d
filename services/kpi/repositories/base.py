"""What kpi's use cases are given: ``KpiUnitOfWork`` and the repositories it holds.

The use cases read kpi's aggregates (``measures``), record spot checks (``spot_checks``)
and, for a rebuild, replay the event archive (``archive``) into freshly cleared facts and
aggregates (``facts``). ``sql`` and ``fake`` implement them on a database and in memory.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping
from typing import Any, NamedTuple

from services.kpi.domain.attention import Session
from services.kpi.domain.definitions import Amount
from services.kpi.models import ClosedMonth, Correction, SpotCheck
from shared.domain import Page, Window
from shared.events import BatchScope
from shared.unit_of_work import UnitOfWork

# {(month, *grouping values): {measure: (count, hits, total)}}
MeasureSums = dict[tuple[str, ...], dict[str, Amount]]
# {(month of the deadline, region): items}
PerMonthAndRegion = dict[tuple[str, str], int]


class Measures(ABC):
    """kpi's aggregates, as the use cases read them (never the history)."""

    @abstractmethod
    def sum_measures(
        self,
        *,
        months: Collection[str],
        by: tuple[str, ...] = (),
        region: str | None = None,
        technician: str | None = None,
    ) -> MeasureSums:
        """Sums per measure, grouped by month and the columns in ``by`` (``region``,
        ``technician``; grouping by technician leaves out the facts of none)."""

    @abstractmethod
    def count_past_deadline(
        self, *, months: Collection[str], now: dt.datetime, region: str | None = None
    ) -> tuple[PerMonthAndRegion, PerMonthAndRegion]:
        """Open complaints past their deadline with no resolution in time standing, and
        tickets unanswered past their first-response deadline, per (month of the deadline,
        region)."""

    @abstractmethod
    def backlog(self, *, region: str | None = None) -> dict[tuple[str, str], int]:
        """Open items per (service, region) now."""

    @abstractmethod
    def definition_versions(self) -> dict[str, int]:
        """The definition versions the stored facts were built with."""

    @abstractmethod
    def completed_work_orders(self, *, month: str, region: str | None) -> list[str]:
        """Ids of the work orders whose latest repair record falls in ``month``, in id
        order."""

    @abstractmethod
    def trainings_held(self, *, since: dt.datetime, region: str | None = None) -> list[Session]:
        """The training sessions held at or after ``since`` (live: who came is never frozen)."""


class SpotChecks(ABC):
    """The spot checks drawn, and what they show of their work orders."""

    @abstractmethod
    def add(self, spot_check: SpotCheck) -> SpotCheck:
        """A new spot check, written at commit."""

    @abstractmethod
    def work_order_details(self, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        """What a spot check shows of each of these work orders kpi knows, by id."""


class ArchivedRow(NamedTuple):
    """An archived event as a rebuild replays it."""

    event_id: str
    applied_at: dt.datetime
    envelope: str


class Archive(ABC):
    """Every event kpi applied, as received."""

    @abstractmethod
    def chunks(self, size: int) -> Iterator[list[ArchivedRow]]:
        """The archive in order of occurrence (then id), ``size`` events at a time."""


class FactTables(ABC):
    """kpi's facts and aggregates, as a rebuild rewrites them."""

    @abstractmethod
    def clear(self) -> None:
        """Empty every fact and aggregate table (and keep live batches out until commit)."""

    @abstractmethod
    def replay(self, applied_at: Mapping[str, dt.datetime]) -> BatchScope:
        """A batch for kpi's handlers that applies archived events again (counted with their
        archived apply times, not archived twice)."""

    @abstractmethod
    def record_definitions(self, versions: Mapping[str, int], *, at: dt.datetime) -> None:
        """Note the definition versions the facts are now built with."""


class Closing(ABC):
    """Closed months: the claim on each, the aggregates it froze, the corrections since."""

    @abstractmethod
    def earliest_month(self) -> str | None:
        """The earliest month with live figures (None when there are none)."""

    @abstractmethod
    def closed(self, months: Collection[str]) -> dict[str, ClosedMonth]:
        """Those of ``months`` that are closed."""

    @abstractmethod
    def claim(self, record: ClosedMonth) -> bool:
        """Close a month unless it is closed already (a conditional insert, serialised with
        the live batches); True when this caller closed it."""

    @abstractmethod
    def freeze(self, month: str, *, now: dt.datetime) -> None:
        """Copy the month's live aggregates, and its open items past a deadline, as frozen."""

    @abstractmethod
    def add_scorecard(self, month: str, *, by: str, scope: str, rows: list[dict[str, Any]]) -> None:
        """Keep a ranking as served at the close (``scope``: a region, or "" for all)."""

    @abstractmethod
    def scorecard(self, month: str, *, by: str, scope: str) -> list[dict[str, Any]]:
        """A ranking kept at the close, best first (empty when none was kept)."""

    @abstractmethod
    def frozen(self) -> Measures:
        """The frozen aggregates, read as the live ones are (no backlog: that is now)."""

    @abstractmethod
    def corrections(
        self, *, month: str, region: str | None, window: Window | None = None
    ) -> Page[Correction]:
        """A closed month's corrections, oldest first."""

    @abstractmethod
    def reconcile(self, *, now: dt.datetime) -> int:
        """Record, as corrections with no event, every live figure of a closed month that
        differs from the last one recorded (after a rebuild); how many."""


class KpiUnitOfWork(UnitOfWork):
    """What kpi's use cases are given."""

    measures: Measures
    closing: Closing
    spot_checks: SpotChecks
    archive: Archive
    facts: FactTables
