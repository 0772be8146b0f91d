"""A service's app for fuzzing: built in-process on a migrated SQLite database with the
in-process transport and a fixed clock, seeded with every producer's sample events (so lists,
KPIs and work orders have rows to serialise), and remembering the ids its responses name so
that generated paths reach existing resources as well as unknown ones."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from shared.clock import FixedClock
from shared.messaging.processing import Incoming
from shared.migrations import upgrade
from shared.service import Runtime, ServiceDefinition, all_definitions
from shared.web import build_app
from shared.worker import event_processor
from tests.helpers import auth, settings_for

# Monday 30 November 2026, 10:00 in Asia/Shanghai: "not in the future" is decided the same
# way on every run.
NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


@dataclass
class FuzzedService:
    """One service's app and what the fuzzer learnt of its resources."""

    app: Flask
    rt: Runtime
    known_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def remember(self, path: str, body: Any, location: str | None) -> None:
        """Note the ids a response names, under the path's first segment."""
        collection = path.strip("/").split("/")[0]
        items = body if isinstance(body, list) else [body]
        found = [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id")]
        if location:
            found.append(location.rstrip("/").rsplit("/", 1)[-1])
        ids = self.known_ids[collection]
        ids.extend(i for i in found if i not in ids)
        del ids[:-20]  # the latest few are enough, and keep draws cheap

    def ids_for(self, path: str) -> list[str]:
        return list(self.known_ids.get(path.strip("/").split("/")[0], []))


def build_fuzzed(definition: ServiceDefinition, tmp: Path) -> FuzzedService:
    """The service's app on a fresh SQLite database, seeded through its own consumer."""
    url = f"sqlite:///{tmp / f'{definition.name}.db'}"
    upgrade(definition, url)
    settings = settings_for(definition, url, transport="inprocess")
    app = build_app(definition, settings, clock=FixedClock(NOW))
    service = FuzzedService(app, app.extensions["aftercare"])
    _seed_with_samples(service.rt)
    _learn_ids(service)
    return service


def _seed_with_samples(rt: Runtime) -> None:
    """Every declared sample event, in each of two regions, handed to the consumer (those it
    does not subscribe to are ignored; one its rules refuse is simply not applied)."""
    processor = event_processor(rt)
    for producer in all_definitions():
        for decl in producer.catalog.declarations():
            for region in rt.settings.regions[:2]:
                data = decl.schema().load(decl.sample)
                data = {k: uuid.uuid4() if isinstance(v, uuid.UUID) else v for k, v in data.items()}
                event = producer.catalog.build(decl.type, data, region=region, occurred_at=NOW)
                processor.process([Incoming(body=event.to_json().encode())])


def _learn_ids(service: FuzzedService) -> None:
    """Ids of what the seeding made, from every list the service serves."""
    client = service.app.test_client()
    paths = client.get("/openapi.json").get_json().get("paths", {})
    for path, item in paths.items():
        if "get" in item and "{" not in path:
            response = client.get(path, headers=auth("admin"))
            if response.is_json:
                service.remember(path, response.get_json(), None)
