"""Maintenance plan adherence: what kpi keeps of each occurrence of a maintenance plan (a
visit due on a date) and how it is judged. Self-contained (facts and definition), merged by
order-free rules like the other facts.

maintenance_adherence (v1): visits done / visits due, per region, in the month of the due
date (the plan's date, already a day of the region's calendar). An occurrence counts once
maintenance announced it (``maintenance.visit_due``); it is done once a record answers it
(``maintenance.completed`` naming that due date), in whichever order the two arrive. Of the
visits done, those made no later than ``ON_TIME_DAYS`` after the due date are on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAINTENANCE = "maintenance"
ON_TIME_DAYS = 7


def occurrence_key(plan_id: str, due_date: dt.date) -> str:
    return f"{plan_id}/{due_date.isoformat()}"


@dataclass
class MaintenanceFacts:
    """One occurrence of a plan: announced as due, and the visit that answered it."""

    occurrence_key: str
    region: str
    due_date: dt.date | None = None
    announced: bool = False
    visited_on: dt.date | None = None
    applied: str = "[]"

    def add_due(self, region: str, due_date: dt.date) -> None:
        self.region = min(self.region, region)
        self.due_date, self.announced = due_date, True

    def add_visit(self, region: str, due_date: dt.date, visited_on: dt.date) -> None:
        """A record for the occurrence (the earliest visit counts, should there be two)."""
        self.region = min(self.region, region)
        self.due_date = due_date
        if self.visited_on is None or visited_on < self.visited_on:
            self.visited_on = visited_on


Amounts = dict[tuple[str, ...], tuple[int, int, int]]


def judge_occurrence(facts: MaintenanceFacts) -> Amounts:
    """maintenance_adherence v1: (1 due, done?, on time?) in the month of the due date."""
    if not facts.announced or facts.due_date is None:
        return {}
    done = facts.visited_on is not None
    on_time = done and facts.visited_on <= facts.due_date + dt.timedelta(days=ON_TIME_DAYS)  # type: ignore[operator]
    key = ("m", facts.due_date.strftime("%Y-%m"), facts.region, "", MAINTENANCE)
    return {key: (1, int(done), int(on_time))}
