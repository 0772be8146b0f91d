"""The envelope, producers' payload catalogs and consumers' subscriptions (no I/O)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import marshmallow as ma
import pytest
from marshmallow import fields, validate

from shared.events import (
    Event,
    EventCatalog,
    EventContractError,
    InboundSchema,
    PayloadSchema,
    Subscriptions,
)

EVENT_ID = uuid.UUID("0b6f3c1e-5d7a-4c2b-9e1f-3a4b5c6d7e8f")
AT = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)
NAIVE = dt.datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
ENVELOPE_KEYS = "id type version occurred_at producer region correlation_id causation_id "
ENVELOPE_KEYS += "aggregate_id sequence data"


def envelope(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(EVENT_ID),
        "type": "thing.done",
        "version": 1,
        "occurred_at": "2026-03-04T05:06:07.890123Z",
        "producer": "things",
        "region": "east",
        "correlation_id": "corr-1",
        "causation_id": None,
        "data": {"thing_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10", "count": 2},
    }
    body.update(changes)
    return body


# -- envelope ----------------------------------------------------------------------------
def test_envelope_round_trips_through_json() -> None:
    plus8 = dt.timezone(dt.timedelta(hours=8))
    data = {"count": 3, "nested": {"a": [1, 2]}}
    event = Event(
        "thing.done",
        2,
        "east",
        "things",
        data,
        EVENT_ID,
        occurred_at=AT.replace(tzinfo=plus8),
        correlation_id="c",
        causation_id="d",
        aggregate_id="agg-1",
        sequence=7,
    )

    text = event.to_json()
    back = Event.from_json(text)

    assert back == event
    assert back.routing_key == "thing.done.east"
    raw = json.loads(text)
    assert raw["id"] == "0b6f3c1e-5d7a-4c2b-9e1f-3a4b5c6d7e8f"
    assert raw["occurred_at"] == "2026-03-03T21:06:07.890123Z"  # converted to UTC, with Z
    assert set(raw) == set(ENVELOPE_KEYS.split())


def test_envelope_from_bytes_keeps_every_field() -> None:
    event = Event.from_json(json.dumps(envelope()).encode())

    assert event.id == EVENT_ID
    assert event.occurred_at == AT
    assert head(event) == "thing.done v1 by things in east"
    assert (event.correlation_id, event.causation_id) == ("corr-1", None)
    assert (event.aggregate_id, event.sequence) == (None, None)  # optional, defaulted


def head(event: Event) -> str:
    return f"{event.type} v{event.version} by {event.producer} in {event.region}"


def _drop(key: str) -> dict[str, Any]:
    body = envelope()
    del body[key]
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_drop("id"), "id"),
        (_drop("data"), "data"),
        (_drop("correlation_id"), "correlation_id"),
        (envelope(id="not-a-uuid"), "id"),
        (envelope(occurred_at="2026-03-04T05:06:07"), "occurred_at"),  # naive
        (envelope(type="Thing.done"), "type"),
        (envelope(type="thing"), "type"),
        (envelope(type="thing.done.*"), "type"),
        (envelope(version=0), "version"),
        (envelope(version="1"), "version"),
        (envelope(version=True), "version"),
        (envelope(region=""), "region"),
        (envelope(data=[1, 2]), "data"),
    ],
)
def test_invalid_envelope_is_a_contract_error_naming_the_field(
    body: dict[str, Any], field: str
) -> None:
    with pytest.raises(EventContractError) as caught:
        Event.from_json(json.dumps(body))
    assert list(caught.value.errors) == [field]


@pytest.mark.parametrize("body", [b"[1, 2]", b"null", b"42", b'"text"', b"{not json", b"\xff"])
def test_body_that_is_not_a_json_object_is_a_contract_error(body: bytes) -> None:
    with pytest.raises(EventContractError):
        Event.from_json(body)


# -- producer catalog ----------------------------------------------------------------------
class ThingDoneV1(PayloadSchema):
    thing_id = fields.UUID(required=True)
    count = fields.Integer(required=True, validate=validate.Range(min=0))
    colour = fields.String(load_default=None, validate=validate.OneOf(["red", "blue"]))


class ThingDoneV2(ThingDoneV1):
    done_at = fields.AwareDateTime(required=True, format="iso")


SAMPLE_V1: dict[str, Any] = {"thing_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10", "count": 1}
SAMPLE_V2: dict[str, Any] = {**SAMPLE_V1, "done_at": "2026-01-01T00:00:00+00:00"}


def catalog() -> EventCatalog:
    cat = EventCatalog("things")
    cat.declare("thing.done", 1, ThingDoneV1, sample=SAMPLE_V1)
    cat.declare("thing.done", 2, ThingDoneV2, sample=SAMPLE_V2)
    return cat


def test_build_wraps_a_valid_payload_in_the_latest_version() -> None:
    thing = uuid.UUID(SAMPLE_V1["thing_id"])
    event = catalog().build(
        "thing.done",
        {"thing_id": thing, "count": 4, "done_at": AT},
        region="south",
        occurred_at=AT,
        correlation_id="c",
        sequence=3,
    )

    assert head(event) == "thing.done v2 by things in south"
    assert event.data == {
        "thing_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
        "count": 4,
        "done_at": "2026-03-04T05:06:07.890123+00:00",
    }
    assert (event.correlation_id, event.sequence, event.occurred_at) == ("c", 3, AT)


def test_build_an_older_version_on_request() -> None:
    data = {"thing_id": uuid.uuid4(), "count": 0}
    event = catalog().build("thing.done", data, region="east", occurred_at=AT, version=1)
    assert event.version == 1
    assert "done_at" not in event.data


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"count": 1, "done_at": AT}, {"thing_id": ["Missing data for required field."]}),
        ({"thing_id": uuid.uuid4(), "count": -1, "done_at": AT}, {"count"}),
        ({"thing_id": uuid.uuid4(), "count": 1, "colour": "green", "done_at": AT}, {"colour"}),
        ({"thing_id": uuid.uuid4(), "count": 1, "done_at": NAIVE}, {"done_at"}),
    ],
)
def test_build_refuses_an_invalid_payload_with_field_errors(
    data: dict[str, Any], errors: Any
) -> None:
    with pytest.raises(EventContractError) as caught:
        catalog().build("thing.done", data, region="east", occurred_at=AT)
    if isinstance(errors, dict):
        assert caught.value.errors == errors
    else:
        assert set(caught.value.errors) == errors


def test_build_refuses_an_undeclared_type_or_version() -> None:
    with pytest.raises(EventContractError):
        catalog().build("thing.lost", {}, region="east", occurred_at=AT)
    with pytest.raises(EventContractError):
        catalog().build("thing.done", SAMPLE_V1, region="east", occurred_at=AT, version=3)


def test_sample_that_fails_its_own_schema_is_refused_at_declare_time() -> None:
    cat = EventCatalog("things")
    with pytest.raises(ma.ValidationError):
        cat.declare("thing.done", 1, ThingDoneV1, sample={"thing_id": "nope", "count": 1})
    with pytest.raises(ma.ValidationError):  # payload schemas are strict about stray fields
        cat.declare("thing.done", 1, ThingDoneV1, sample={**SAMPLE_V1, "stray": 1})
    assert cat.declarations() == []


def test_duplicate_declaration_is_refused() -> None:
    cat = catalog()
    with pytest.raises(ValueError, match="declared twice"):
        cat.declare("thing.done", 1, ThingDoneV1, sample=SAMPLE_V1)
    assert [d.version for d in cat.declarations()] == [1, 2]


# -- consumer subscriptions ----------------------------------------------------------------
class ThingIn(InboundSchema):
    thing_id = fields.UUID(required=True)


def _event(type_: str = "thing.done", version: int = 1, **data: Any) -> Event:
    payload = {"thing_id": SAMPLE_V1["thing_id"], "count": 5, "extra": "x", **data}
    return Event(type=type_, version=version, region="east", producer="things", data=payload)


def subscriptions(*, catch_all: bool = False) -> tuple[Subscriptions, list[str]]:
    subs, seen = Subscriptions("reader"), []
    subs.on("thing.done", versions=(1, 2), schema=ThingIn)(lambda d, u: seen.append("done"))
    subs.on("other.thing", schema=ThingIn)(lambda d, u: seen.append("other"))
    if catch_all:
        subs.on_any(lambda d, u: seen.append("any"))
    return subs, seen


def test_resolve_loads_only_the_fields_the_consumer_reads() -> None:
    subs, seen = subscriptions()
    event = _event(version=2)

    [(handler, delivery)] = subs.resolve(event)

    assert delivery.payload == {"thing_id": uuid.UUID(SAMPLE_V1["thing_id"])}  # extras ignored
    assert delivery.event is event
    handler(delivery, None)
    assert seen == ["done"]


def test_resolve_refuses_an_unaccepted_version() -> None:
    subs, _ = subscriptions()
    with pytest.raises(EventContractError, match=r"does not accept thing\.done v3"):
        subs.resolve(_event(version=3))


def test_resolve_refuses_a_payload_missing_a_field_the_consumer_reads() -> None:
    subs, _ = subscriptions()
    event = Event(type="thing.done", version=1, region="east", producer="p", data={"count": 1})
    with pytest.raises(EventContractError) as caught:
        subs.resolve(event)
    assert caught.value.errors == {"thing_id": ["Missing data for required field."]}


def test_unknown_type_is_refused_unless_the_consumer_sees_everything() -> None:
    subs, _ = subscriptions()
    with pytest.raises(EventContractError, match=r"does not handle thing\.lost"):
        subs.resolve(_event("thing.lost"))

    subs_all, seen = subscriptions(catch_all=True)
    [(handler, delivery)] = subs_all.resolve(_event("thing.lost"))
    handler(delivery, None)
    assert seen == ["any"]
    assert delivery.payload["extra"] == "x"  # the catch-all sees the whole payload


def test_known_type_runs_its_handler_then_the_catch_all() -> None:
    subs, seen = subscriptions(catch_all=True)
    for handler, delivery in subs.resolve(_event()):
        handler(delivery, None)
    assert seen == ["done", "any"]


def test_binding_keys() -> None:
    subs, _ = subscriptions()
    assert subs.binding_keys() == ["other.thing.*", "thing.done.*"]
    assert subscriptions(catch_all=True)[0].binding_keys() == ["#"]
    assert not Subscriptions("idle")
    assert subs


def test_a_type_cannot_be_subscribed_twice() -> None:
    subs, _ = subscriptions()
    with pytest.raises(ValueError, match=r"already handles thing\.done"):
        subs.on("thing.done", schema=ThingIn)(lambda d, u: None)
