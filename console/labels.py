"""Display names of the services' codes (statuses, priorities, regions...), translatable;
a code without one is shown as it is."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from console.context import calendar
from console.sla import parse_time

LABELS: dict[str, Any] = {
    # ticket statuses
    "new": _l("new"),
    "assessed": _l("assessed"),
    "awaiting_reassessment": _l("awaiting reassessment"),
    "awaiting_repair": _l("awaiting repair"),
    "closed": _l("closed"),
    "escalated": _l("escalated"),
    # steps on a ticket's timeline (the other steps share a status's name)
    "reported": _l("reported"),
    "resolved": _l("resolved"),
    "solution_accepted": _l("solution accepted"),
    "solution_rejected": _l("solution rejected"),
    # priorities
    "low": _l("low"),
    "normal": _l("normal"),
    "high": _l("high"),
    "urgent": _l("urgent"),
    # channels
    "hotline": _l("hotline"),
    "email": _l("email"),
    "chat": _l("chat"),
    "web": _l("web"),
    "partner": _l("partner"),
    "maintenance": _l("maintenance"),
    # kinds
    "repair": _l("repair"),
    "consultation": _l("consultation"),
    "maintenance_issue": _l("maintenance issue"),
    # warranty
    "in_warranty": _l("in warranty"),
    "out_of_warranty": _l("out of warranty"),
    "unknown": _l("unknown"),
    # regions (the default list)
    "north": _l("north"),
    "northeast": _l("northeast"),
    "east": _l("east"),
    "central": _l("central"),
    "south": _l("south"),
    "southwest": _l("southwest"),
    "northwest": _l("northwest"),
    # how a window was agreed with the customer; who asked to move a visit
    "phone": _l("phone"),
    "sms": _l("SMS"),
    "in_person": _l("in person"),
    "portal": _l("portal"),
    "customer": _l("the customer"),
    "company": _l("the company"),
}


def label(code: str | None) -> str:
    """The code's display name in the user's language."""
    if code is None:
        return ""
    return str(LABELS.get(code, code))


def local_time(text: str | None, region: str) -> str:
    """A service's UTC time as the region's wall-clock time, to the minute."""
    moment = parse_time(text)
    if moment is None:
        return ""
    return moment.astimezone(calendar(region).tz).strftime("%Y-%m-%d %H:%M")
