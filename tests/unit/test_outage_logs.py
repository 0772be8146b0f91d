"""A dependency that keeps failing is logged as state changes (issue 8, finding 10): once
with its traceback, then at most one line a minute, then once when it recovers."""

from __future__ import annotations

import logging
import threading

import pytest

from shared.clock import SystemClock
from shared.db import Database
from shared.logs import Outage
from shared.messaging.relay import PollingRelay
from tests.helpers import free_port, wait_until


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_is_three_lines_not_a_line_per_attempt(caplog: pytest.LogCaptureFixture) -> None:
    ticks, logger = Ticks(), logging.getLogger("test.outage")
    outage = Outage(logger, "the database", repeat_seconds=60, clock=ticks)
    with caplog.at_level(logging.INFO, logger="test.outage"):
        for second in range(0, 150):  # an attempt a second for two and a half minutes
            ticks.now = float(second)
            outage.failed(ConnectionError("refused"))
        ticks.now = 150.0
        outage.recovered()
        outage.recovered()  # already up: nothing more to say
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == ["ERROR", "WARNING", "WARNING", "INFO"]
    assert caplog.records[0].exc_info is not None  # the first one carries the traceback
    # attempts at 1..60 s, then at 61..120 s; the 29 after that wait for the next minute
    assert lines[1][1].startswith("the database still failing: 60 more attempts in 60 s")
    assert lines[2][1].startswith("the database still failing: 60 more attempts in 60 s")
    assert lines[3][1] == "the database recovered after 150.0 s"


def test_a_relay_whose_database_is_down_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    db = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere")
    attempts: list[int] = []
    relay = PollingRelay(
        service="probe", db=db, publish=lambda _rows: None, clock=SystemClock(), poll_seconds=0
    )
    original = relay.run_once

    def counted() -> int:
        attempts.append(1)
        return original()

    relay.run_once = counted  # type: ignore[method-assign]
    stop = threading.Event()
    with caplog.at_level(logging.INFO, logger="shared.messaging.relay"):
        thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
        thread.start()
        wait_until(lambda: len(attempts) >= 4, timeout=20, what="several failed attempts")
        stop.set()
        thread.join(10)
    errors = [r for r in caplog.records if r.name == "shared.messaging.relay"]
    assert len(attempts) >= 4 and len(errors) == 1, [r.getMessage() for r in errors]
    db.dispose()
