"""Customer training sessions: what a session is, the steps its status admits, and the checks
on its attendee list and attendance, with the feedback summary ``training.held`` carries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.domain import require_status
from shared.errors import InvalidInput

KINDS = ("on_site", "training_centre", "online")
TOPICS = ("principles", "operation_demo", "troubleshooting", "maintenance")
# A customer asked for it (through an agent), or the service planned it.
ORIGINS = ("customer_request", "planned")
REQUESTED, SCHEDULED, HELD, CANCELLED = "requested", "scheduled", "held", "cancelled"
STATUSES = (REQUESTED, SCHEDULED, HELD, CANCELLED)
# The statuses each step may start from (a scheduled session may be rescheduled).
STEPS = {
    "schedule": (REQUESTED, SCHEDULED),
    "hold": (SCHEDULED,),
    "cancel": (REQUESTED, SCHEDULED),
}


def require_step(status: str, step: str) -> None:
    """409 naming the current status unless ``step`` may start from it."""
    require_status(status, STEPS[step], f"a {status} session cannot {step}")


def require_place(kind: str, *, place: str | None, link: str | None, prefix: str = "") -> None:
    """On site and at a training centre need a place (the site's or the centre's address);
    online needs a link. 422 naming the missing field."""
    if kind == "online" and not link:
        raise InvalidInput("an online session needs its link", errors={f"{prefix}link": [_NEED]})
    if kind != "online" and not place:
        raise InvalidInput(f"an {kind} session needs its place", errors={f"{prefix}place": [_NEED]})


_NEED = "required for this kind of session"


def duplicate_attendees(attendees: Sequence[Mapping[str, Any]], *, field: str) -> dict[str, Any]:
    """Field-level errors for every attendee listed more than once (by person id)."""
    seen: set[str] = set()
    errors: dict[str, list[str]] = {}
    for index, attendee in enumerate(attendees):
        person = str(attendee["person_id"]).strip().casefold()
        if person in seen:
            errors[f"{field}.{index}.person_id"] = ["listed twice"]
        seen.add(person)
    return errors


def attendance_errors(
    listed: Iterable[str], attendance: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """What is wrong with an attendance record: a person twice or not on the session's list,
    feedback from someone absent, and any listed attendee left out."""
    on_list = {p.strip().casefold(): p for p in listed}
    errors = duplicate_attendees(attendance, field="attendance")
    covered: set[str] = set()
    for index, entry in enumerate(attendance):
        person = str(entry["person_id"]).strip().casefold()
        covered.add(person)
        if person not in on_list:
            errors.setdefault(f"attendance.{index}.person_id", []).append(
                "not on the session's attendee list"
            )
        absent = not entry["attended"]
        for name in ("rating", "comment"):
            if absent and entry.get(name) is not None:
                errors[f"attendance.{index}.{name}"] = ["only an attendee who came gives feedback"]
    missing = sorted(on_list[p] for p in set(on_list) - covered)
    if missing:
        errors["attendance"] = [f"attendance not recorded for: {', '.join(missing)}"]
    return errors


def feedback_summary(ratings: Sequence[int]) -> dict[str, Any]:
    """The attendees' ratings: how many, the mean (2 places, half up; none without ratings)
    and how many of each score."""
    mean = None
    if ratings:
        exact = Decimal(sum(ratings)) / Decimal(len(ratings))
        mean = str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    distribution = {str(score): sum(1 for r in ratings if r == score) for score in range(1, 6)}
    return {"count": len(ratings), "mean": mean, "distribution": distribution}
