"""A probe service for eventing tests: it publishes ``probe.happened`` and consumes it.

Its handler adds to a counter without any idempotence of its own, so only the inbox stands
between a redelivery and a double count. A module-level switch makes it fail on demand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import fields
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import PlumbingBase, increment, service_metadata
from shared.events import Delivery, EventCatalog, InboundSchema, PayloadSchema, Subscriptions
from shared.service import Runtime, ServiceDefinition
from shared.unit_of_work import SqlUnitOfWork


class Base(DeclarativeBase):
    metadata = service_metadata()


class Effect(Base):
    __tablename__ = "probe_effects"

    marker: Mapped[str] = mapped_column(String(100), primary_key=True)
    applied: Mapped[int] = mapped_column(Integer, default=0)


class HappenedV1(PayloadSchema):
    marker = fields.String(required=True)
    n = fields.Integer(required=True)


class HappenedIn(InboundSchema):
    marker = fields.String(required=True)
    n = fields.Integer(required=True)


CATALOG = EventCatalog("probe")
CATALOG.declare("probe.happened", 1, HappenedV1, sample={"marker": "m", "n": 1})
CATALOG.declare("probe.unbound", 1, HappenedV1, sample={"marker": "m", "n": 1})
SUBSCRIPTIONS = Subscriptions("probe")


@dataclass
class Switches:
    failing_markers: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=dict)
    # Markers whose handler takes this many seconds (simulated slow work, not a wait).
    slow_markers: dict[str, float] = field(default_factory=dict)
    # Markers whose handler writes its effect, then rolls its unit of work back.
    rollback_markers: set[str] = field(default_factory=set)


SWITCHES = Switches()


@SUBSCRIPTIONS.on("probe.happened", schema=HappenedIn)
def on_happened(delivery: Delivery, uow: SqlUnitOfWork) -> None:
    marker = delivery.payload["marker"]
    SWITCHES.calls[marker] = SWITCHES.calls.get(marker, 0) + 1
    if marker in SWITCHES.slow_markers:
        time.sleep(SWITCHES.slow_markers[marker])
    if marker in SWITCHES.failing_markers:
        raise RuntimeError(f"probe handler told to fail for {marker}")
    increment(uow.session, Effect.__table__, {"marker": marker}, {"applied": 1})
    if marker in SWITCHES.rollback_markers:
        uow.rollback()
    uow.commit()


PROBE = ServiceDefinition(
    name="probe",
    title="probe",
    port=0,
    metadata=Base.metadata,
    catalog=CATALOG,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
)


def create_tables(rt: Runtime) -> None:
    Base.metadata.create_all(rt.db.engine)
    PlumbingBase.metadata.create_all(rt.db.engine)


def emit(rt: Runtime, *markers: str, type_: str = "probe.happened") -> None:
    """Commit one event per marker through the outbox."""
    with rt.unit_of_work() as uow:
        for i, marker in enumerate(markers):
            uow.outbox.add(
                type_, {"marker": marker, "n": i}, region="east", occurred_at=rt.clock.now()
            )
        uow.commit()


def effects(rt: Runtime) -> dict[str, int]:
    with rt.db.session() as session:
        return {m: a for m, a in session.execute(select(Effect.marker, Effect.applied))}
