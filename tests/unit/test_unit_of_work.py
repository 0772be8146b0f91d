"""The domain kit on its own: aggregates record events with their sequence, the unit of work
writes them at commit (in recording order, validated against the producer's schemas) and
drops them on rollback; the guards name what they refuse."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from marshmallow import fields

from shared.auth import Principal
from shared.clock import FixedClock
from shared.domain import Aggregate, require_region, require_status, require_visible
from shared.errors import Conflict, Forbidden, NotFound
from shared.events import EventCatalog, EventContractError, PayloadSchema
from shared.unit_of_work import FakeRepository, FakeUnitOfWork

AT = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


class MovedV1(PayloadSchema):
    thing_id = fields.UUID(required=True)
    to = fields.String(required=True)


CATALOG = EventCatalog("things")
CATALOG.declare("thing.moved", 1, MovedV1, sample={"thing_id": str(uuid.uuid4()), "to": "a"})


class Thing(Aggregate):
    def __init__(self, region: str = "east") -> None:
        self.id, self.region, self.version = uuid.uuid4(), region, 0

    def event_identity(self) -> dict[str, Any]:
        return {"thing_id": self.id}

    def move(self, to: Any) -> None:
        self.record("thing.moved", {"to": to})


class ThingsUnitOfWork(FakeUnitOfWork):
    def _open_repositories(self) -> None:
        self.things: FakeRepository[Thing] = FakeRepository(self)


def test_events_carry_the_aggregates_sequence_and_identity() -> None:
    uow = ThingsUnitOfWork(CATALOG, clock=FixedClock(AT))
    thing = uow.things.add(Thing())
    thing.move("a")
    thing.move("b")
    uow.commit()
    assert [(e.data["to"], e.sequence) for e in uow.published()] == [("a", 1), ("b", 2)]
    first = uow.published()[0]
    assert first.data["thing_id"] == str(thing.id) and first.aggregate_id == str(thing.id)
    assert (first.region, first.occurred_at, first.producer) == ("east", AT, "things")
    assert thing.version == 2 and uow.commits == 1


def test_events_of_several_aggregates_keep_the_order_they_happened_in() -> None:
    uow = ThingsUnitOfWork(CATALOG, clock=FixedClock(AT))
    one, two = uow.things.add(Thing()), uow.things.add(Thing("north"))
    one.move("1a")
    two.move("2a")
    one.move("1b")
    uow.commit()
    assert [e.data["to"] for e in uow.published()] == ["1a", "2a", "1b"]
    assert [e.region for e in uow.published()] == ["east", "north", "east"]


def test_only_aggregates_the_unit_of_work_saw_are_written_and_each_event_once() -> None:
    uow = ThingsUnitOfWork(CATALOG, clock=FixedClock(AT))
    stray = Thing()
    stray.move("nowhere")
    seen = uow.things.add(Thing())
    seen.move("here")
    uow.commit()
    uow.commit()
    assert [e.data["to"] for e in uow.published()] == ["here"]


def test_a_rollback_drops_the_recorded_events() -> None:
    uow = ThingsUnitOfWork(CATALOG, clock=FixedClock(AT))
    thing = uow.things.add(Thing())
    thing.move("a")
    uow.rollback()
    uow.commit()
    assert uow.published() == [] and uow.rollbacks == 1


def test_an_event_that_breaks_its_contract_is_refused_at_commit() -> None:
    uow = ThingsUnitOfWork(CATALOG, clock=FixedClock(AT))
    uow.things.add(Thing()).move(None)
    with pytest.raises(EventContractError):
        uow.commit()
    assert uow.published() == []


def test_the_unit_of_work_has_settings_and_calendars_always() -> None:
    uow = ThingsUnitOfWork(CATALOG, clock=FixedClock(AT))
    assert uow.settings.service == "things"
    assert str(uow.calendar("east").tz) == "Asia/Shanghai"
    assert uow.option("anything", "fallback") == "fallback"


def test_guards() -> None:
    east = Principal("u", frozenset({"agent"}), region="east")
    require_region(east, "east")
    with pytest.raises(Forbidden) as refused:
        require_region(east, "north")
    assert refused.value.errors == {"region": ["outside the caller's region"]}
    with pytest.raises(NotFound):
        require_visible(east, "north", "no such thing")
    require_visible(Principal("u", frozenset({"agent"})), "north", "no such thing")
    with pytest.raises(Conflict) as conflict:
        require_status("closed", ("new",), "cannot")
    assert conflict.value.errors == {"status": ["is closed"]}
