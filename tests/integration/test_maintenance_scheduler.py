"""The maintenance scheduler on SQLite and PostgreSQL: two replicas running at the same
moment announce each notice and each visit exactly once; a rerun announces nothing; the
operator command runs it once on the system clock."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from services.maintenance import SERVICE as MAINTENANCE
from services.maintenance.use_cases import run_scheduler
from shared.cli import main as aftercare
from shared.service import Runtime
from tests.helpers import utc
from tests.integration.maintenance_support import Maintenance, make_maintenance

PLANS = 24


@pytest.fixture
def m(database_url: str) -> Iterator[Maintenance]:
    service = make_maintenance(database_url)
    yield service
    service.rt.db.dispose()


def run_replicas_at_once(m: Maintenance, replicas: int = 2) -> list[int]:
    """Each replica its own runtime (engine, sessions) on the same database and clock."""
    runtimes = [Runtime(MAINTENANCE, m.rt.settings, clock=m.clock) for _ in range(replicas)]
    start = threading.Barrier(replicas)
    announced: list[int] = []
    failures: list[BaseException] = []

    def run(rt: Runtime) -> None:
        try:
            start.wait(timeout=30)
            announced.append(run_scheduler(rt.unit_of_work, batch_size=5))  # type: ignore[arg-type]
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(rt,)) for rt in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for rt in runtimes:
        rt.db.dispose()
    assert failures == []
    return announced


def test_two_schedulers_at_once_announce_each_occurrence_once(m: Maintenance) -> None:
    for n in range(PLANS):
        m.asset(serial_no=f"SN-{n:03d}")
        m.plan(f"SN-{n:03d}")  # monthly, due on the 15th, notice on the 10th

    m.clock.at = utc(2026, 1, 10, 2)
    first = run_replicas_at_once(m)
    m.clock.at = utc(2026, 1, 15, 2)
    second = run_replicas_at_once(m)
    rerun = run_replicas_at_once(m)

    assert sum(first) == sum(second) == PLANS and sum(rerun) == 0
    events = m.events()
    kinds = Counter((e["type"], e["data"]["plan_id"], e["data"]["due_date"]) for e in events)
    assert len(kinds) == 2 * PLANS and set(kinds.values()) == {1}
    assert {e["data"]["due_date"] for e in events} == {"2026-01-15"}
    assert Counter(e["type"] for e in events) == {
        "maintenance.due": PLANS,
        "maintenance.visit_due": PLANS,
    }


def test_the_operator_command_runs_the_scheduler_once(
    m: Maintenance, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    m.asset()
    m.plan(interval_months=120, notice_days=0, first_due_date="2026-01-05")
    monkeypatch.setenv("AFTERCARE_MAINTENANCE_DATABASE_URL", m.rt.settings.database_url)

    assert aftercare(["maintenance-schedule"]) == 0
    assert aftercare(["maintenance-schedule", "--quiet"]) == 0

    assert "1 notice(s) and visit(s) announced" in capsys.readouterr().out
    [visit] = m.events()
    assert visit["type"] == "maintenance.visit_due" and visit["data"]["due_date"] == "2026-01-05"
