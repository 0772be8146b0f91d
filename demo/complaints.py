"""Complaints at the simulated moments: filed, investigated, resolved in time or late, and the
complainant's feedback (an unsatisfied one reopens it; it is resolved again and closed).

Complaints takes every one of these times from the client when it is not in the future, so a
complaint lives wholly in the simulated month; its deadline is the one complaints told the
complainant at filing (``deadline_at``).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.client import Api, now
from demo.ledger import Ledger

CATEGORIES = ("repair_quality",)


def _at(moment: dt.datetime) -> str:
    return moment.isoformat()


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _resolve(api: Api, cid: str, at: dt.datetime) -> None:
    body = {
        "measures_taken": "seam stripped and recoated at no charge",
        "reasons": "the primer was skipped; the work is redone",
        "communicated_via": "phone",
        "resolved_at": _at(at),
    }
    api.post("complaints", f"/complaints/{cid}/resolution", body, "engineer")


def _feedback(api: Api, cid: str, at: dt.datetime, satisfied: bool, rating: int) -> Any:
    body: dict[str, Any] = {"satisfied": satisfied, "rating": rating, "given_at": _at(at)}
    if not satisfied:
        body["comment"] = "nobody apologised"
    return api.post("complaints", f"/complaints/{cid}/feedback", body, "agent")


def _file(api: Api, region: str, filed: dt.datetime, rng: random.Random) -> dict[str, Any]:
    body = {
        "channel": rng.choice(("hotline", "hotline", "email", "chat")),
        "category": rng.choice(CATEGORIES),
        "severity": rng.choice(("low", "medium", "medium", "high")),
        "subject": "the repainted pipe is blistering again",
        "description": "blisters along the weld seam after the repair",
        "region": region,
        "complainant": {"name": "Sim Complainant", "phone": "+86 138 0000 0000"},
        "filed_at": _at(filed),
    }
    created: dict[str, Any] = api.post("complaints", "/complaints", body, "agent")
    return created


def _resolution_time(rng: random.Random, filed: dt.datetime, deadline: dt.datetime) -> dt.datetime:
    """Mostly in time (somewhere before the deadline), sometimes hours past it."""
    if rng.random() < 0.15:
        return deadline + dt.timedelta(hours=rng.uniform(1, 30))
    return filed + (deadline - filed) * rng.uniform(0.1, 0.95)


def handle_complaint(
    api: Api, ledger: Ledger, region: str, filed: dt.datetime, rng: random.Random
) -> None:
    """One complaint's whole life, every step at a simulated moment no later than now."""
    complaint = _file(api, region, filed, rng)
    cid, deadline = complaint["id"], _parse(complaint["deadline_at"])
    limit = now() - dt.timedelta(minutes=10)
    resolved = min(_resolution_time(rng, filed, deadline), limit - dt.timedelta(hours=3))
    resolved = max(resolved, filed + dt.timedelta(minutes=30))
    investigation = {
        "findings": "primer skipped on the weld seam",
        "responsibility": "partner",
        "partner": "Sim Coatings Workshop",
        "root_cause": "technician skipped primer",
        "investigated_at": _at(filed + (resolved - filed) / 2),
    }
    api.post("complaints", f"/complaints/{cid}/investigation", investigation, "engineer")
    _resolve(api, cid, resolved)
    given = resolved + dt.timedelta(minutes=rng.randrange(10, 60))
    if rng.random() < 0.12:  # not satisfied: reopened, resolved again a little later
        rating = rng.choice((1, 2, 2, 3))
        _feedback(api, cid, given, False, rating)
        ledger.complaint_feedback(region, given, False, rating)
        resolved = given + dt.timedelta(minutes=rng.randrange(20, 60))
        _resolve(api, cid, resolved)
        given = resolved + dt.timedelta(minutes=rng.randrange(10, 30))
    rating = rng.choices((5, 4, 3), weights=(50, 35, 15))[0]
    closed = _feedback(api, cid, given, True, rating)
    ledger.complaint_feedback(region, given, True, rating)
    ledger.complaint_closed(region, given, resolved <= deadline)
    if closed.get("status") != "closed" or closed.get("within_deadline") != (resolved <= deadline):
        raise RuntimeError(f"complaint {cid} closed unlike the simulator expected: {closed}")
