"""Complaints' rules as plain Python: the complaint's status machine, the resolution deadline
in business hours (waiting on the customer added back), routing to an owner and escalation,
the evidence checksum, the complainant's pseudonymous key, and the analysis of a period.

A complaint is ``open`` once filed and routed; an investigation makes it ``investigated``; a
resolution (measures communicated with the reasons) makes it ``resolved`` until the
complainant answers: satisfied closes it (``closed``), not satisfied reopens it
(``reopened``) with the next owner of its escalation chain. While the company waits on the
complainant (``waiting``) the deadline's clock is paused; the time is added back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shared.calendar import BusinessCalendar, Interval, add_business_time
from shared.domain import require_status
from shared.errors import InvalidInput

CHANNELS = ("hotline", "email", "chat")
SEVERITIES = ("low", "medium", "high", "critical")
RESPONSIBILITIES = ("company", "partner", "customer", "third_party")
EVIDENCE_KINDS = ("photo", "repair_record", "test_report")
LANGUAGES = ("zh", "en")

OPEN = "open"
WAITING = "waiting"
INVESTIGATED = "investigated"
RESOLVED = "resolved"
REOPENED = "reopened"
CLOSED = "closed"
STATUSES = (OPEN, WAITING, INVESTIGATED, RESOLVED, REOPENED, CLOSED)
# Work on the complaint (findings, evidence, waiting on the customer) happens in these.
IN_HANDS = (OPEN, INVESTIGATED, REOPENED)
RESOLVABLE = (INVESTIGATED, REOPENED)
ANSWERABLE = (RESOLVED,)
NOT_CLOSED = (OPEN, WAITING, INVESTIGATED, RESOLVED, REOPENED)

# A SHA-256 checksum as lowercase hex.
SHA256 = re.compile(r"^[0-9a-f]{64}\Z")


def require_step(complaint_id: object, status: str, allowed: Sequence[str], step: str) -> None:
    """409 naming the current status unless it admits ``step``."""
    detail = f"complaint {complaint_id} is {status}: {step} needs status {' or '.join(allowed)}"
    require_status(status, allowed, detail)


def step_time(
    given: dt.datetime | None, *, now: dt.datetime, floor: dt.datetime, field: str
) -> dt.datetime:
    """When a step happened: the client's time (not before the complaint's previous step),
    or now (never before that step either)."""
    if given is None:
        return max(now, floor)
    if given < floor:
        raise InvalidInput(
            f"{field} is before the complaint's previous step",
            errors={field: [f"must not be before {floor.isoformat()}, the previous step"]},
        )
    return given


# -- the deadline ------------------------------------------------------------------------------
def resolution_deadline(
    calendar: BusinessCalendar,
    *,
    filed_at: dt.datetime,
    hours: float,
    pauses: Iterable[Interval] = (),
) -> dt.datetime:
    """The severity's business hours from filing on the region's calendar, every stretch
    spent waiting on the complainant added back."""
    return add_business_time(calendar, filed_at, dt.timedelta(hours=hours), pauses)


def within_deadline(resolved_at: dt.datetime, deadline_at: dt.datetime) -> bool:
    """Resolved in time means at or before the deadline."""
    return resolved_at <= deadline_at


NOTICES = {
    "zh": (
        "您的投诉已受理（编号 {ref}），我们将在 {hours} 个工作小时内、"  # noqa: RUF001
        "即 {due} 前处理完毕并答复您。"
    ),
    "en": (
        "Your complaint {ref} has been received. We will resolve it within {hours} business "
        "hours, by {due}."
    ),
}


def handling_notice(
    *, language: str, reference: str, hours: float, deadline_at: dt.datetime, tz: dt.tzinfo
) -> str:
    """What the complainant is told of the expected handling time, in their language and
    their region's local time."""
    due = deadline_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    shown = f"{hours:g}"
    return NOTICES.get(language, NOTICES["en"]).format(ref=reference, hours=shown, due=due)


# -- the complainant ---------------------------------------------------------------------------
def normalised_contact(phone: str | None, email: str | None) -> str:
    """The contact a complainant is recognised by: the phone's digits (without China's
    country code), else the email in lower case."""
    if phone:
        digits = re.sub(r"\D", "", phone)
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        return f"tel:{digits}"
    if email:
        return f"mailto:{email.strip().lower()}"
    raise ValueError("a complainant has a phone number or an email")


def complainant_key(contact: str, secret: str) -> str:
    """A stable pseudonymous key of a contact (keyed HMAC-SHA-256: a phone number cannot
    be recovered by hashing every number), the same for every complaint of one person."""
    digest = hmac.new(secret.encode(), contact.encode(), hashlib.sha256).hexdigest()
    return f"c-{digest[:24]}"


# -- evidence ----------------------------------------------------------------------------------
def verify_checksum(content: bytes | None, declared: str) -> bool:
    """Whether the uploaded content is the one declared: 422 naming ``sha256`` when its
    SHA-256 differs; False when only a reference was given (nothing to verify yet)."""
    if content is None:
        return False
    actual = hashlib.sha256(content).hexdigest()
    if not hmac.compare_digest(actual, declared.lower()):
        raise InvalidInput(
            "the evidence's content does not match its declared SHA-256",
            errors={"sha256": [f"does not match the content (its SHA-256 is {actual})"]},
        )
    return True


# -- routing -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Owner:
    """Who is responsible for a complaint: a department and a person in it."""

    department: str
    person: str


@dataclass(frozen=True)
class Rule:
    """Complaints of a category in a region (``*``: any) go to the first owner of the
    chain; each reopening escalates to the next."""

    category: str
    region: str
    owners: tuple[Owner, ...]

    def matches(self, category: str, region: str) -> bool:
        return self.category in ("*", category) and self.region in ("*", region)


@dataclass(frozen=True)
class Routing:
    """The routing rules and the deadline per severity operations maintain."""

    categories: tuple[str, ...]
    deadline_hours: Mapping[str, float]
    rules: tuple[Rule, ...]

    def __hash__(self) -> int:
        return hash((self.categories, tuple(sorted(self.deadline_hours.items())), self.rules))

    def chain(self, category: str, region: str) -> tuple[Owner, ...]:
        """The escalation chain of the first rule that matches."""
        for rule in self.rules:
            if rule.matches(category, region):
                return rule.owners
        raise InvalidInput(
            f"no routing rule for category {category} in region {region}",
            errors={"category": ["no owner is configured for this category and region"]},
        )

    def require_category(self, category: str) -> None:
        """422 naming ``category`` unless operations configured it."""
        if category not in self.categories:
            known = ", ".join(self.categories)
            raise InvalidInput(
                f"unknown category {category}",
                errors={"category": [f"must be one of: {known}"]},
            )

    def hours(self, severity: str) -> float:
        return float(self.deadline_hours[severity])


def escalation(chain: Sequence[Owner], level: int) -> tuple[Owner, int]:
    """The owner one level up the chain (the last one keeps it when there is none)."""
    level = min(level + 1, len(chain) - 1)
    return chain[level], level
