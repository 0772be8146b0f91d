"""``python -m demo`` (``make demo``): start the network (or use one running), simulate a month,
print the expected and reported KPIs side by side per region, exit 1 when they disagree."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
import zoneinfo
from pathlib import Path

from demo.client import Api, wait_for
from demo.ledger import Ledger
from demo.network import Network, existing, start
from demo.report import Row, settle, table
from demo.rhythm import REGIONS, load_calendars, previous_month
from demo.scenario import Options, Run, simulate

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOTE = (
    "Dated as they really happen, so compared in the month the run happens: visits, repair "
    "outcomes, acceptance ratings, follow-ups (dispatch books only windows that have not "
    "ended and takes no check-in before the booking) and maintenance due dates (maintenance "
    "refuses a first due date in the past). At their simulated moments in {month}: tickets, "
    "consultations and complaints (a complaint counts in the month of its closing). Mean "
    "time to repair is ticket reported in {month} to repair accepted now."
)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="demo", description=__doc__)
    p.add_argument("--month", help="YYYY-MM to simulate (default: the previous month)")
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--tickets-per-day", type=float, default=2.0, help="per region, working day")
    p.add_argument("--days", type=int, help="only the month's first DAYS days")
    p.add_argument("--regions", default=",".join(REGIONS))
    p.add_argument("--plans-per-region", type=int, default=1, help="maintenance plans due")
    p.add_argument(
        "--base-url",
        action="append",
        default=[],
        metavar="SERVICE=URL",
        help="use a running network (repeat per service; others: localhost 8001-8007)",
    )
    p.add_argument(
        "--jwt-secret-file",
        help="the running network's signing secret "
        "(default: AFTERCARE_JWT_SECRET, else var/jwt-secret)",
    )
    p.add_argument("--var-dir", default="var", help="where a started network keeps its files")
    p.add_argument("--settle-seconds", type=float, default=120)
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args(argv)


def _secret(args: argparse.Namespace) -> str:
    if os.environ.get("AFTERCARE_JWT_SECRET"):
        return os.environ["AFTERCARE_JWT_SECRET"]
    return Path(args.jwt_secret_file or "var/jwt-secret").read_text().strip()


def _network(args: argparse.Namespace) -> Network:
    if args.base_url:
        urls = dict(item.split("=", 1) for item in args.base_url)
        return existing(urls, _secret(args))
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    network = start(Path(args.var_dir))
    print(f"network: starting in {network.var_dir} (log: {network.log})", file=sys.stderr)
    return network


def simulate_and_compare(
    api: Api, options: Options, settle_seconds: float
) -> tuple[list[Row], Ledger, float]:
    """Simulate, then compare until kpi agrees or ``settle_seconds`` pass: the rows, the
    ledger and how long the simulation took."""
    wait_for(api.ready, timeout=120, what="every service ready")
    calendars = load_calendars()
    ledger = Ledger({r: calendars[r]["timezone"] for r in options.regions})
    started = time.monotonic()
    simulate(Run(api, ledger, calendars, options))
    simulated = time.monotonic() - started
    return settle(api, ledger, settle_seconds), ledger, simulated


def run(args: argparse.Namespace, network: Network) -> int:
    api = Api(network.urls, network.secret)
    month = args.month or previous_month(dt.datetime.now(SHANGHAI).date())
    regions = tuple(r for r in args.regions.split(",") if r)
    options = Options(
        month, args.seed, args.tickets_per_day, args.days, regions, not args.no_progress
    )
    options.plans_per_region = args.plans_per_region
    rows, ledger, simulated = simulate_and_compare(api, options, args.settle_seconds)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(ledger.counts.items()))
    days = f", {args.days} days" if args.days else ""
    print(
        f"simulated {month} (seed {args.seed}, {args.tickets_per_day} tickets/day/region{days})"
        f" in {simulated:.0f}s, {api.calls} requests; {counts}"
    )
    print(NOTE.format(month=month))
    print(table(rows))
    differ = [r for r in rows if not r.agrees]
    print(f"{len(rows) - len(differ)} of {len(rows)} agree" + (" - DIFFERENCES" if differ else ""))
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    network = _network(args)
    code = 1
    try:
        code = run(args, network)
        return code
    finally:
        network.stop()
        if network.var_dir is not None and code == 0:
            shutil.rmtree(network.var_dir, ignore_errors=True)  # kept when something failed


if __name__ == "__main__":
    sys.exit(main())
