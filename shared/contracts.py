"""Contract checks: every consumer's inbound schema against every producer's sample events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import marshmallow as ma

from shared.events import Event
from shared.service import ServiceDefinition


@dataclass(frozen=True)
class Breach:
    consumer: str
    producer: str | None
    event_type: str
    version: int | None
    reason: str

    def __str__(self) -> str:
        who = f"{self.producer}→{self.consumer}" if self.producer else self.consumer
        ver = f" v{self.version}" if self.version else ""
        return f"{who} {self.event_type}{ver}: {self.reason}"


def check_contracts(definitions: list[ServiceDefinition]) -> list[Breach]:
    """Every breach between what producers declare and what consumers read."""
    breaches: list[Breach] = []
    produced = [(d.name, decl) for d in definitions for decl in d.catalog.declarations()]
    for consumer in definitions:
        subs = consumer.subscriptions
        for sub in subs.subscriptions():
            sources = [(p, decl) for p, decl in produced if decl.type == sub.type]
            if not sources:
                breaches.append(Breach(consumer.name, None, sub.type, None, "no producer"))
            for producer, decl in sources:
                if decl.version not in sub.versions:
                    breaches.append(
                        Breach(
                            consumer.name,
                            producer,
                            decl.type,
                            decl.version,
                            f"version not accepted (accepts {sub.versions})",
                        )
                    )
                    continue
                try:
                    sub.schema().load(decl.sample)
                except ma.ValidationError as exc:
                    breaches.append(
                        Breach(
                            consumer.name,
                            producer,
                            decl.type,
                            decl.version,
                            f"sample rejected: {exc.normalized_messages()}",
                        )
                    )
        if subs.catch_all is not None:
            for producer, decl in produced:
                event = Event(
                    type=decl.type,
                    version=decl.version,
                    region="north",
                    producer=producer,
                    data=decl.sample,
                    occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )
                try:
                    Event.from_json(event.to_json())
                except ValueError as exc:
                    breaches.append(
                        Breach(
                            consumer.name,
                            producer,
                            decl.type,
                            decl.version,
                            f"envelope rejected: {exc}",
                        )
                    )
    return breaches
