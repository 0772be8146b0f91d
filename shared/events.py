"""The event envelope, producers' versioned payload schemas and consumers' inbound schemas.

The shared library holds the envelope only. Each producing service declares its payloads in an
``EventCatalog`` (validated before they reach the outbox); each consuming service declares the
fields it reads in ``Subscriptions`` and ignores the rest, so producers can add fields freely.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import marshmallow as ma
from marshmallow import fields, validate

from shared.clock import rfc3339

EVENT_TYPE_PATTERN = r"^[a-z_]+(\.[a-z_]+)+\Z"
# A region is one routing-key word: no dots, no wildcards.
REGION_PATTERN = r"^[a-z0-9_-]+\Z"


class EventContractError(ValueError):
    """An event that does not match its declared schema: never published, parked on receipt."""

    def __init__(self, message: str, errors: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


class EnvelopeSchema(ma.Schema):
    """SPEC section 1: the JSON envelope of every event."""

    class Meta:
        unknown = ma.EXCLUDE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(EVENT_TYPE_PATTERN))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, format="iso")
    producer = fields.String(required=True, validate=validate.Length(min=1, max=50))
    region = fields.String(
        required=True, validate=[validate.Length(max=50), validate.Regexp(REGION_PATTERN)]
    )
    correlation_id = fields.String(required=True, allow_none=True)
    causation_id = fields.String(required=True, allow_none=True)
    aggregate_id = fields.String(load_default=None, allow_none=True)
    sequence = fields.Integer(load_default=None, allow_none=True)
    data = fields.Dict(required=True)


_ENVELOPE = EnvelopeSchema()  # load() keeps no state between calls: one instance serves all


@dataclass(frozen=True)
class Event:
    """An event as it travels: the envelope with its payload."""

    type: str
    version: int
    region: str
    producer: str
    data: dict[str, Any]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    correlation_id: str | None = None
    causation_id: str | None = None
    aggregate_id: str | None = None
    sequence: int | None = None

    @property
    def routing_key(self) -> str:
        """``<type>.<region>``, so a region can be consumed on its own."""
        return f"{self.type}.{self.region}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "version": self.version,
            "occurred_at": rfc3339(self.occurred_at),
            "producer": self.producer,
            "region": self.region,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "aggregate_id": self.aggregate_id,
            "sequence": self.sequence,
            "data": self.data,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, body: bytes | str) -> Event:
        """Parse and validate an envelope; raises EventContractError."""
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EventContractError(f"not JSON: {exc}") from exc
        if not isinstance(raw, dict):
            raise EventContractError("envelope is not a JSON object")
        try:
            loaded = _ENVELOPE.load(raw)
        except ma.ValidationError as exc:
            raise EventContractError("invalid envelope", exc.normalized_messages()) from exc
        return cls(**loaded)


class PayloadSchema(ma.Schema):
    """Base of a producer's payload schema: strict, so a producer cannot leak stray fields."""

    class Meta:
        unknown = ma.RAISE


class InboundSchema(ma.Schema):
    """Base of a consumer's view of a payload: only the fields it reads, the rest ignored."""

    class Meta:
        unknown = ma.EXCLUDE


@dataclass(frozen=True)
class EventDeclaration:
    type: str
    version: int
    schema: builtins.type[PayloadSchema]
    sample: dict[str, Any]
    description: str = ""


class EventCatalog:
    """What one service publishes: each event type and version with its schema and a sample."""

    def __init__(self, producer: str) -> None:
        self.producer = producer
        self._declarations: dict[tuple[str, int], EventDeclaration] = {}
        # dump/validate keep no state between calls: one instance per schema, not per event
        self._schemas: dict[type[PayloadSchema], PayloadSchema] = {}

    def declare(
        self,
        type_: str,
        version: int,
        schema: type[PayloadSchema],
        *,
        sample: dict[str, Any],
        description: str = "",
    ) -> None:
        """Register a versioned payload schema with a sample event for contract tests."""
        key = (type_, version)
        if key in self._declarations:
            raise ValueError(f"{type_} v{version} declared twice")
        schema().load(sample)  # a sample that fails its own schema is a bug at start-up
        self._declarations[key] = EventDeclaration(type_, version, schema, sample, description)

    def declarations(self) -> list[EventDeclaration]:
        return list(self._declarations.values())

    def latest(self, type_: str) -> EventDeclaration:
        versions = [d for (t, _), d in self._declarations.items() if t == type_]
        if not versions:
            raise EventContractError(f"{self.producer} does not publish {type_}")
        return max(versions, key=lambda d: d.version)

    def build(
        self,
        type_: str,
        data: Mapping[str, Any],
        *,
        region: str,
        occurred_at: dt.datetime,
        version: int | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        aggregate_id: str | None = None,
        sequence: int | None = None,
    ) -> Event:
        """Validate a payload against its declared schema and wrap it in an envelope."""
        decl = self.latest(type_) if version is None else self._declarations.get((type_, version))
        if decl is None:
            raise EventContractError(f"{self.producer} does not publish {type_} v{version}")
        if not re.match(REGION_PATTERN, region):
            raise EventContractError(f"region {region!r} is not one routing-key word")
        schema = self._schemas.get(decl.schema)
        if schema is None:
            schema = self._schemas[decl.schema] = decl.schema()
        stray = set(data) - set(schema.fields)
        if stray:
            raise EventContractError(f"{type_} v{decl.version} has no fields {sorted(stray)}")
        try:
            payload = schema.dump(data)
        except (TypeError, ValueError, AttributeError) as exc:
            raise EventContractError(
                f"{type_} v{decl.version} payload not dumpable: {exc}"
            ) from exc
        errors = schema.validate(payload)
        if errors:
            raise EventContractError(f"{type_} v{decl.version} payload invalid", errors)
        return Event(
            type=type_,
            version=decl.version,
            region=region,
            producer=self.producer,
            data=payload,
            occurred_at=occurred_at,
            correlation_id=correlation_id,
            causation_id=causation_id,
            aggregate_id=aggregate_id,
            sequence=sequence,
        )


Handler = Callable[..., None]


class BatchScope(Protocol):
    """Per-transaction state of a consumer that applies a batch's effects together."""

    def flush(self) -> None:
        """Write what the batch's handlers staged; called once, just before the commit."""


@dataclass(frozen=True)
class Subscription:
    type: str
    versions: tuple[int, ...]
    schema: builtins.type[InboundSchema]
    handler: Handler


@dataclass(frozen=True)
class Delivery:
    """What a handler receives: the envelope and the payload as its inbound schema loaded it."""

    event: Event
    payload: dict[str, Any]


class Subscriptions:
    """What one service consumes: event type → accepted versions, inbound schema, handler.

    With ``batch`` (a factory called with the unit of work of each batch transaction), the
    handlers receive that batch object instead of a unit of work: they stage their effects
    on it, and the processor calls its ``flush()`` once before the commit, so a batch of
    events costs one set of statements rather than one per event (kpi does this).
    """

    def __init__(self, consumer: str, *, batch: Callable[[Any], BatchScope] | None = None) -> None:
        self.consumer = consumer
        self.batch = batch
        self._by_type: dict[str, Subscription] = {}
        # One loader per inbound schema: load() keeps no state between calls.
        self._loaders: dict[str, ma.Schema] = {}
        self.catch_all: Handler | None = None

    def on(
        self, type_: str, *, versions: Iterable[int] = (1,), schema: type[InboundSchema]
    ) -> Callable[[Handler], Handler]:
        """Decorator: handle ``type_`` events of these versions, reading ``schema``'s fields."""

        def register(handler: Handler) -> Handler:
            if type_ in self._by_type:
                raise ValueError(f"{self.consumer} already handles {type_}")
            self._by_type[type_] = Subscription(type_, tuple(versions), schema, handler)
            self._loaders[type_] = schema()
            return handler

        return register

    def on_any(self, handler: Handler) -> Handler:
        """Decorator: also see every event that arrives (kpi counts them all)."""
        self.catch_all = handler
        return handler

    def subscriptions(self) -> list[Subscription]:
        return list(self._by_type.values())

    def binding_keys(self) -> list[str]:
        """Routing-key patterns for this consumer's queue: ``#`` when it sees everything."""
        if self.catch_all is not None:
            return ["#"]
        return sorted(f"{t}.*" for t in self._by_type)

    def __bool__(self) -> bool:
        return bool(self._by_type) or self.catch_all is not None

    def resolve(self, event: Event) -> list[tuple[Handler, Delivery]]:
        """The handlers to run for an event, with their parsed payloads.

        Raises EventContractError for an unknown type or version or a payload that does not
        satisfy the inbound schema: such a message is parked at once, never retried.
        """
        calls: list[tuple[Handler, Delivery]] = []
        sub = self._by_type.get(event.type)
        if sub is not None:
            if event.version not in sub.versions:
                raise EventContractError(
                    f"{self.consumer} does not accept {event.type} v{event.version}"
                )
            try:
                payload = self._loaders[event.type].load(event.data)
            except ma.ValidationError as exc:
                raise EventContractError(
                    f"{event.type} v{event.version} payload invalid for {self.consumer}",
                    exc.normalized_messages(),
                ) from exc
            calls.append((sub.handler, Delivery(event, payload)))
        elif self.catch_all is None:
            raise EventContractError(f"{self.consumer} does not handle {event.type}")
        if self.catch_all is not None:
            calls.append((self.catch_all, Delivery(event, dict(event.data))))
        return calls
