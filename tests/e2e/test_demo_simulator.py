"""The simulator (demo/, issue 15) for two simulated days against every service it drives, as
gunicorn and worker processes over the real RabbitMQ and PostgreSQL: every KPI it compares, as
its own ledger expects it, equals what kpi reports."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from demo.__main__ import simulate_and_compare
from demo.client import Api
from demo.report import table
from demo.rhythm import REGIONS, previous_month
from demo.scenario import Options
from tests.e2e.conftest import Network
from tests.helpers import JWT_SECRET, free_port, gunicorn_proc, wait_http

DRIVEN = ("intake", "dispatch", "maintenance", "returns", "complaints", "billing", "kpi")
ENV = {
    # Late check-ins come a second or two after their window: keep the sweep off them.
    "dispatch": {"AFTERCARE_DISPATCH_MISSED_GRACE_SECONDS": "300"},
    # The plans registered at the start come due today: announce them promptly.
    "maintenance": {"AFTERCARE_MAINTENANCE_SCHEDULER_SECONDS": "1"},
}


def test_two_simulated_days_agree_with_kpi(network: Network) -> None:
    # Every web (one gunicorn worker) and worker started at once, then awaited.
    urls = {}
    for name in DRIVEN:
        port = network.ports.setdefault(name, free_port())
        web = gunicorn_proc(name, port, network.env(name), network.log_dir, workers=1)
        network.procs.append(web.start())
        network.worker(name, **ENV.get(name, {}))
        urls[name] = f"http://127.0.0.1:{port}"
    for base in urls.values():
        wait_http(f"{base}/healthz")
    for name in (n for n in DRIVEN if n != "complaints"):  # complaints consumes nothing
        network.wait_consumer_queue(name)
    month = previous_month(dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date())
    options = Options(month, 7, 1.0, 2, REGIONS, progress=False)

    rows, ledger, _ = simulate_and_compare(Api(urls, JWT_SECRET), options, settle_seconds=45)

    assert [r for r in rows if not r.agrees] == [], table(rows)
    assert ledger.counts["visits"] > 0 and ledger.counts["complaints closed"] > 0
    compared = {r.kpi for r in rows if r.expected[1]}
    must = {"repair_timeliness", "first_time_fix", "csat", "complaint_timeliness"}
    assert must | {"maintenance_adherence", "consultation_timeliness"} <= compared
