"""The analysis of a period's complaints: counts by category, root cause, responsibility,
region, partner and repeat complainant, each with the share resolved on time.

A complaint counts once, however often it was reopened. It is judged on time when its
standing resolution came by its deadline; late when that resolution came after it, or when it
is still open (not waiting on the complainant) past it; not judged yet otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from services.complaints.domain import CLOSED, RESOLVED, WAITING

NOT_INVESTIGATED = "(not investigated)"
DIMENSIONS = ("category", "root_cause", "responsibility", "region", "partner", "complainant")


@dataclass(frozen=True)
class Filed:
    """A complaint as the analysis sees it."""

    category: str
    region: str
    status: str
    complainant_key: str
    deadline_at: dt.datetime
    resolved_at: dt.datetime | None = None
    root_cause: str | None = None
    responsibility: str | None = None
    partner: str | None = None

    def on_time(self, now: dt.datetime) -> bool | None:
        """True or False once judged, None while it may still be resolved in time."""
        if self.status in (RESOLVED, CLOSED) and self.resolved_at is not None:
            return self.resolved_at <= self.deadline_at
        if self.status != WAITING and now > self.deadline_at:
            return False
        return None


@dataclass(frozen=True)
class Group:
    """One key of a dimension: complaints, those judged, those on time among them."""

    key: str
    count: int
    judged: int
    on_time: int

    @property
    def on_time_share(self) -> float | None:
        return round(self.on_time / self.judged, 4) if self.judged else None


def _group(key: str, members: Sequence[Filed], now: dt.datetime) -> Group:
    verdicts = [f.on_time(now) for f in members]
    judged = [v for v in verdicts if v is not None]
    return Group(key, len(members), len(judged), sum(1 for v in judged if v))


def _keys(dimension: str) -> Callable[[Filed], str | None]:
    return {
        "category": lambda f: f.category,
        "root_cause": lambda f: f.root_cause or NOT_INVESTIGATED,
        "responsibility": lambda f: f.responsibility or NOT_INVESTIGATED,
        "region": lambda f: f.region,
        "partner": lambda f: f.partner,
        "complainant": lambda f: f.complainant_key,
    }[dimension]


def breakdown(filed: Sequence[Filed], dimension: str, now: dt.datetime) -> list[Group]:
    """The groups of one dimension, largest first (a complainant only when they repeat)."""
    key_of = _keys(dimension)
    members: dict[str, list[Filed]] = {}
    for complaint in filed:
        key = key_of(complaint)
        if key is not None:
            members.setdefault(key, []).append(complaint)
    if dimension == "complainant":
        members = {k: v for k, v in members.items() if len(v) > 1}
    groups = [_group(key, found, now) for key, found in members.items()]
    return sorted(groups, key=lambda g: (-g.count, g.key))


@dataclass(frozen=True)
class Analysis:
    total: Group
    by: dict[str, list[Group]]

    @property
    def repeat_complainants(self) -> int:
        return len(self.by["complainant"])


def analyse(filed: Iterable[Filed], now: dt.datetime) -> Analysis:
    """Every dimension's breakdown of a period's complaints, and the overall figures."""
    complaints = list(filed)
    by = {dimension: breakdown(complaints, dimension, now) for dimension in DIMENSIONS}
    return Analysis(total=_group("all", complaints, now), by=by)


def count_by_root_cause(root_causes: Iterable[str | None]) -> list[dict[str, object]]:
    """Measures completed per root cause of their complaint (the improvement report)."""
    counted = Counter(cause or NOT_INVESTIGATED for cause in root_causes)
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [{"key": key, "count": n} for key, n in ordered]
