"""The simulator's own ledger of outcomes, and the KPIs they imply, computed here from the SPEC's
definitions (section 3, kpi) and never from kpi's code.

Each fact is kept with the moment that decides it; its month is that moment's calendar month in
its region's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

# The KPIs compared, as kpi names them, and how: "share" compares numerator and denominator;
# "rated" those and the mean rating too; "duration" the count and the mean (to the second).
COMPARED = (
    ("repair_timeliness", "share"),
    ("first_time_fix", "share"),
    ("csat", "rated"),
    ("mean_time_to_repair", "duration"),
    ("followup_satisfaction", "rated"),
    ("maintenance_adherence", "share"),
    ("consultation_timeliness", "share"),
    ("csat_by_source.consultation", "rated"),
    ("complaint_timeliness", "share"),
    ("complaint_satisfaction", "rated"),
)


@dataclass
class Measure:
    """Hits out of a count, and the sum of ratings for the rated ones."""

    hits: int = 0
    count: int = 0
    rating_sum: int = 0

    def add(self, hit: bool, rating: int = 0) -> None:
        self.hits += int(hit)
        self.count += 1
        self.rating_sum += rating

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.count if self.count else None


Scope = tuple[str, str]  # (month, region)


@dataclass
class Ledger:
    """What the simulator did, as KPI contributions per (month, region)."""

    zones: dict[str, str]
    measures: dict[Scope, dict[str, Measure]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Measure))
    )
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def month(self, region: str, moment: dt.datetime) -> str:
        zone = zoneinfo.ZoneInfo(self.zones.get(region, "Asia/Shanghai"))
        return moment.astimezone(zone).strftime("%Y-%m")

    def _add(self, kpi: str, region: str, at: dt.datetime, hit: bool, rating: int = 0) -> None:
        self.measures[(self.month(region, at), region)][kpi].add(hit, rating)

    def visit(
        self,
        region: str,
        *,
        window_end: dt.datetime,
        arrived: dt.datetime | None,
        deadline: dt.datetime | None = None,
    ) -> None:
        """A visit judged: on time when arrived by its deadline (the window's end; for a moved
        visit the customer's new window, else the earlier promise), in the month of the
        arrival; a missed window is late, in the month the window ended."""
        self.counts["visits"] += 1
        deadline = deadline or window_end
        if arrived is None:
            self.counts["missed visits"] += 1
            self._add("repair_timeliness", region, window_end, False)
        else:
            self.counts["late visits"] += int(arrived > deadline)
            self._add("repair_timeliness", region, arrived, arrived <= deadline)

    def rating(self, region: str, at: dt.datetime, rating: int) -> None:
        """An acceptance rating (accepting or rejecting a repair)."""
        self._add("csat", region, at, rating >= 4, rating)

    def outcome(self, region: str, at: dt.datetime, *, first_time: bool, escalated: bool) -> None:
        """A work order's final outcome: accepted (first time or not) or escalated."""
        self.counts["escalated work orders" if escalated else "accepted work orders"] += 1
        self._add("first_time_fix", region, at, first_time and not escalated)

    def repair_time(self, region: str, reported: dt.datetime, accepted: dt.datetime) -> None:
        """Ticket reported -> repair accepted, in whole seconds, in the month of acceptance."""
        seconds = int((accepted - reported).total_seconds())
        self._add("mean_time_to_repair", region, accepted, True, seconds)

    def follow_up(self, region: str, at: dt.datetime, satisfaction: int) -> None:
        self.counts["follow-up calls"] += 1
        self._add("followup_satisfaction", region, at, satisfaction >= 4, satisfaction)

    def maintenance(self, region: str, due: dt.date, *, done: bool) -> None:
        """A maintenance visit due (plan adherence: done / due, in the month of the due date,
        a day of the region's calendar already)."""
        self.counts["maintenance visits done" if done else "maintenance visits skipped"] += 1
        self.measures[(due.strftime("%Y-%m"), region)]["maintenance_adherence"].add(done)

    def consultation_answered(self, region: str, at: dt.datetime, in_time: bool) -> None:
        """Answered by its response deadline or not, in the month of the answer."""
        self.counts["consultations answered"] += 1
        self._add("consultation_timeliness", region, at, in_time)

    def consultation_rated(self, region: str, at: dt.datetime, rating: int) -> None:
        self._add("csat_by_source.consultation", region, at, rating >= 4, rating)

    def complaint_closed(self, region: str, closed_at: dt.datetime, in_time: bool) -> None:
        self.counts["complaints closed"] += 1
        self._add("complaint_timeliness", region, closed_at, in_time)

    def complaint_feedback(
        self, region: str, at: dt.datetime, satisfied: bool, rating: int
    ) -> None:
        self._add("complaint_satisfaction", region, at, satisfied, rating)

    def scopes(self) -> list[Scope]:
        """Every region of every month the ledger touched (a region with nothing expected in
        such a month is compared too: kpi must have nothing there either)."""
        months = {month for month, _ in self.measures}
        return sorted((month, region) for month in months for region in self.zones)
