"""Rebuilding kpi's facts from its event archive on SQLite and PostgreSQL: the operator
command, KPI definition versions, a changed definition recomputed over the past, and two
workers applying at once."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.kpi import SERVICE as KPI
from services.kpi.commands import main as rebuild_main
from services.kpi.commands import rebuild
from services.kpi.domain import definitions
from services.kpi.domain.facts import VisitFacts
from shared.db import Database
from shared.events import Event
from shared.messaging.processing import EventProcessor, Incoming, Outcome
from tests.helpers import auth, create_pg_database, drop_pg_database
from tests.integration.test_kpi_facts import (
    Kpi,
    every_event,
    kpi_service,
    late_by_one_second,
    share,
    snapshot,
)


@pytest.fixture
def kpi(database_url: str) -> Iterator[Kpi]:
    service = kpi_service(database_url)
    yield service
    service.client.application.extensions["aftercare"].db.dispose()
    service.rt.db.dispose()


def test_rebuild_command(
    kpi: Kpi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events = every_event()
    kpi.deliver(events)
    live = snapshot(kpi)
    monkeypatch.setenv("AFTERCARE_KPI_DATABASE_URL", kpi.rt.settings.database_url)

    assert rebuild_main(["--chunk-size", "5"]) == 0

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (report["replayed"], report["skipped"]) == (len(events), 0)
    assert report["definitions"] == definitions.KPI_DEFINITIONS
    assert snapshot(kpi) == live


def test_a_changed_definition_is_reported_then_recomputed_over_the_past(
    kpi: Kpi, monkeypatch: pytest.MonkeyPatch
) -> None:
    kpi.deliver(late_by_one_second().events)
    assert share(kpi.kpis(region="east"), "repair_timeliness") == (0, 1)

    # Version 2 of repair timeliness (for this test): five minutes' grace after the window.
    def with_grace(visit: VisitFacts, month_of: definitions.MonthOf) -> definitions.Contributions:
        if visit.arrival_deadline is not None:
            visit = VisitFacts(
                **{
                    **vars(visit),
                    "arrival_deadline": visit.arrival_deadline + dt.timedelta(minutes=5),
                }
            )
        return original(visit, month_of)

    original = definitions.judge_visit
    monkeypatch.setattr(definitions, "judge_visit", with_grace)
    monkeypatch.setitem(definitions.KPI_DEFINITIONS, "repair_timeliness", 2)

    body = kpi.client.get("/kpis?month=2026-11&region=east", headers=auth("manager")).get_json()
    assert body["rebuild_needed"] is True
    assert (
        body["definitions"]["repair_timeliness"],
        body["facts_built_with"]["repair_timeliness"],
    ) == (2, 1)
    assert body["kpis"]["repair_timeliness"]["numerator"] == 0  # the past, until rebuilt

    rebuild(kpi.rt)

    body = kpi.client.get("/kpis?month=2026-11&region=east", headers=auth("manager")).get_json()
    assert body["rebuild_needed"] is False
    assert body["facts_built_with"]["repair_timeliness"] == 2
    assert body["kpis"]["repair_timeliness"]["version"] == 2
    assert share(body["kpis"], "repair_timeliness") == (1, 1)


@pytest.fixture
def reference_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database of the same kind."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'reference.db'}"
        return
    url = create_pg_database()
    yield url
    drop_pg_database(url)


def test_two_workers_applying_at_once_give_the_numbers_of_one(kpi: Kpi, reference_url: str) -> None:
    events = every_event()
    reference = kpi_service(reference_url)
    reference.deliver(events)
    expected = snapshot(reference)
    reference.client.application.extensions["aftercare"].db.dispose()
    reference.rt.db.dispose()

    # Each worker has its own engine, as two processes would; both take every other batch
    # of the same stream, so they keep merging the same entities at the same time.
    batches = [events[i : i + 5] for i in range(0, len(events), 5)]
    outcomes: list[Outcome] = []
    failures: list[BaseException] = []

    def worker(share_of: list[list[Event]]) -> None:
        db = Database(kpi.rt.settings.database_url)
        processor = EventProcessor(
            service="kpi",
            subscriptions=KPI.subscriptions,
            catalog=KPI.catalog,
            db=db,
            clock=kpi.rt.clock,
            max_retries=3,
            settings=kpi.rt.settings,
            calendars=kpi.rt.calendars,
        )
        try:
            for batch in share_of:
                settled = processor.process([Incoming(e.to_json().encode()) for e in batch])
                outcomes.extend(s.outcome for s in settled)
        except BaseException as exc:
            failures.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker, args=(batches[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not failures, failures
    assert outcomes.count(Outcome.APPLIED) == len(events)
    assert snapshot(kpi) == expected
