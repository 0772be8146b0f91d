"""Sent outbox rows are kept for the retention period (for replay), then pruned."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.messaging.relay import Pruner
from shared.service import Runtime
from tests.helpers import settings_for
from tests.integration import probe
from tests.integration.probe import PROBE, emit

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def test_only_sent_rows_older_than_the_retention_are_pruned(database_url: str) -> None:
    clock = FixedClock(NOW)
    rt = Runtime(PROBE, settings_for(PROBE, database_url), clock=clock)
    probe.create_tables(rt)
    emit(rt, "old-sent", "recent-sent", "never-sent")
    sent_at = {"old-sent": NOW - dt.timedelta(days=8), "recent-sent": NOW - dt.timedelta(days=6)}
    with rt.db.session() as session:
        for row in session.scalars(select(OutboxMessage)):
            row.sent_at = next((at for m, at in sent_at.items() if f'"{m}"' in row.body), None)
        session.commit()

    Pruner(service="probe", db=rt.db, clock=clock, retention=dt.timedelta(days=7)).maybe_prune()

    with rt.db.session() as session:
        left = sorted(
            body.split('"marker":"')[1].split('"')[0]
            for body in session.scalars(select(OutboxMessage.body))
        )
    assert left == ["never-sent", "recent-sent"]
    rt.db.dispose()
