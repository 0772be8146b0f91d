"""What kpi's handlers share: field kinds of the inbound schemas, and staging a rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import fields, validate

from services.kpi.domain.facts import RatingFacts
from services.kpi.repositories import KpiBatch
from shared.events import Handler, InboundSchema

RATING = validate.Range(min=1, max=5)
# An event type, the inbound schema kpi reads it with, and its handler.
Registration = tuple[str, type[InboundSchema], Handler]


def time_field(**kw: Any) -> fields.AwareDateTime:
    """An aware RFC 3339 timestamp, as every event carries them."""
    return fields.AwareDateTime(format="iso", **kw)


def optional_id(value: Any) -> str | None:
    """An id as text, or None."""
    return str(value) if value is not None else None


def stage_rating(
    batch: KpiBatch,
    key: str,
    region: str,
    score: int,
    rated_at: dt.datetime,
    technician: str | None = None,
    satisfied: bool | None = None,
) -> None:
    """A rating of a repair, a follow-up call or a complaint's resolution (one per key)."""
    batch.ratings.stage(
        key, region, RatingFacts.add_rating, region, score, rated_at, technician, satisfied
    )
