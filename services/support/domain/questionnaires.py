"""Satisfaction questionnaires: the short form a customer answers about a completed job
through a one-time link, and who may answer it, when."""

from __future__ import annotations

import datetime as dt
import hmac

from shared.errors import Conflict, Forbidden, Gone

OPEN, ANSWERED = "open", "answered"
QUESTIONNAIRE_STATUSES = (OPEN, ANSWERED)
# Created on dispatch's repair.accepted, or by an agent.
QUESTIONNAIRE_SOURCES = ("repair_accepted", "agent")
DEFAULT_VALID_DAYS = 14
QUESTIONS = (
    {
        "id": "rating",
        "text": "How satisfied are you with the work done? (1 = not at all, 5 = fully)",
        "kind": "rating",
        "required": True,
    },
    {
        "id": "remarks",
        "text": "Anything you would like to tell us?",
        "kind": "text",
        "required": False,
    },
)


def require_unanswered(status: str) -> None:
    """409: a questionnaire is answered once."""
    if status == ANSWERED:
        raise Conflict(
            "this questionnaire has been answered already",
            errors={"token": ["the link has been used"]},
        )


def require_answerable(status: str, expires_at: dt.datetime, now: dt.datetime) -> None:
    """The link may be used: not used before (409), not expired (410)."""
    require_unanswered(status)
    if now >= expires_at:
        raise Gone("this link has expired", errors={"token": ["expired"]})


def _normal(reference: str) -> str:
    return " ".join(reference.split()).casefold()


def require_customer(expected: str, given: str) -> None:
    """403 naming the field unless the link is used with the reference it was sent to
    (compared in constant time, ignoring case and surrounding spaces)."""
    if not hmac.compare_digest(_normal(expected).encode(), _normal(given).encode()):
        raise Forbidden(
            "this link was sent to another customer",
            errors={"customer_ref": ["does not match the customer the link was sent to"]},
        )
