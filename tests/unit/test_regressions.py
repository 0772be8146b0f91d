"""Edge cases found in review, kept so they stay fixed."""

from __future__ import annotations

import datetime as dt
import json

import jwt
import pytest

from services.intake.events import PUBLISHES
from shared.auth import TokenVerifier, Unauthorized
from shared.config import Settings
from shared.errors import flatten_errors
from shared.events import Event, EventContractError

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def test_body_fields_named_like_request_locations_keep_their_names() -> None:
    messages = {"json": {"query": {"text": ["Too long."]}, "files": ["Not a list."]}}
    assert flatten_errors(messages) == {"query.text": ["Too long."], "files": ["Not a list."]}


def _envelope(**changes: object) -> str:
    base = {
        "id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
        "type": "a.b",
        "version": 1,
        "occurred_at": "2026-11-28T09:00:00Z",
        "producer": "p",
        "region": "east",
        "correlation_id": None,
        "causation_id": None,
        "data": {},
    }
    base.update(changes)
    return json.dumps(base)


@pytest.mark.parametrize(
    "changes", [{"type": "a.b\n"}, {"region": "a.b"}, {"region": "#"}, {"region": "east\n"}]
)
def test_envelope_refuses_types_and_regions_that_break_routing_keys(changes: dict) -> None:
    with pytest.raises(EventContractError):
        Event.from_json(_envelope(**changes))


def test_building_an_event_refuses_stray_fields_and_undumpable_values() -> None:
    sample = dict(PUBLISHES.latest("ticket.created").sample)
    with pytest.raises(EventContractError, match="no fields"):
        PUBLISHES.build(
            "ticket.created", {**sample, "colour": "red"}, region="east", occurred_at=NOW
        )
    with pytest.raises(EventContractError):
        PUBLISHES.build("ticket.created", sample, region="east", occurred_at=NOW)
    with pytest.raises(EventContractError, match="routing-key word"):
        PUBLISHES.build("ticket.created", {}, region="east.x", occurred_at=NOW)


@pytest.mark.parametrize(
    "claims", [{"roles": ""}, {"roles": False}, {"roles": {}}, {"sub": ""}, {"sub": 42}]
)
def test_tokens_with_malformed_roles_or_subject_are_refused(claims: dict) -> None:
    settings = Settings(service="intake", database_url="sqlite://", jwt_secret="k" * 32)
    payload = {
        "sub": "a",
        "roles": ["agent"],
        "iss": "aftercare",
        "aud": ["aftercare.intake"],
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        **claims,
    }
    token = jwt.encode(payload, "k" * 32, algorithm="HS256")
    with pytest.raises(Unauthorized):
        TokenVerifier(settings).verify(token)
