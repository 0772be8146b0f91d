"""A month of operations, day by day: every region's calls (repairs and complaints) at their
simulated moments, then a round of visits for every open work order."""

from __future__ import annotations

import datetime as dt
import functools
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from demo.billing import publish_fee_schedule, settle_invoices
from demo.client import Api, now
from demo.complaints import handle_complaint
from demo.consultations import consult
from demo.ledger import Ledger
from demo.maintenance import Plan, register, serve
from demo.repairs import SKILL, WorkOrder, open_ticket, run_round, work_order_for
from demo.returns import refund, replace
from demo.rhythm import call_times, day_factor, month_days

TECHNICIANS_PER_REGION = 3
COMPLAINT_SHARE = 0.3  # complaints per repair call
MAX_TAIL_ROUNDS = 30
ASK_SHARE = 0.5  # consultations per repair call
REFUND_CHANCE = 0.15  # per region and working day


@dataclass
class Options:
    month: str
    seed: int
    tickets_per_day: float
    days: int | None
    regions: tuple[str, ...]
    progress: bool = True
    billing: bool = True
    returns: bool = True
    plans_per_region: int = 1


@dataclass
class Run:
    api: Api
    ledger: Ledger
    calendars: dict[str, dict[str, Any]]
    options: Options
    technicians: dict[str, dict[str, str]] = field(default_factory=dict)
    by_region: dict[str, list[str]] = field(default_factory=dict)
    orders: list[WorkOrder] = field(default_factory=list)
    finished: list[WorkOrder] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)


def hire(run: Run) -> None:
    """A few technicians per region, under subjects the simulator signs check-ins with."""
    for region in run.options.regions:
        for _ in range(TECHNICIANS_PER_REGION):
            hire_one(run, region)


def hire_one(run: Run, region: str) -> str:
    """One more technician in ``region`` (also when every one of them is booked); its id."""
    crew = run.by_region.setdefault(region, [])
    i = len(crew)
    sub = f"sim-tech-{region}-{i}-{run.options.seed}-{int(time.time())}"
    body = {
        "name": f"Sim Technician {region} {i}",
        "kind": "employee",
        "region": region,
        "skills": [SKILL],
        "user_sub": sub,
    }
    tech = run.api.post("dispatch", "/technicians", body, "manager")
    run.technicians[tech["id"]] = {"sub": sub, "work_id": tech["work_id"]}
    crew.append(tech["id"])
    return str(tech["id"])


def simulate_day(run: Run, day: dt.date) -> None:
    """The day's calls in every region, then one round of visits."""
    latest = now() - dt.timedelta(hours=4)  # leave room for every step after the call
    tickets: list[tuple[str, dict[str, Any], str]] = []
    for region in run.options.regions:
        rng = random.Random(f"{run.options.seed}/{region}/{day}")
        calendar = run.calendars[region]
        for n, moment in enumerate(call_times(rng, calendar, day, run.options.tickets_per_day)):
            if moment < latest:
                ticket = open_ticket(run.api, region, moment, rng)
                tickets.append((region, ticket, f"{run.options.seed}/{region}/{day}/{n}"))
        if run.options.returns and rng.random() < REFUND_CHANCE * day_factor(calendar, day):
            refund(run.api, run.ledger, region, rng)
        for moment in call_times(rng, calendar, day, run.options.tickets_per_day * ASK_SHARE):
            if moment < latest:
                consult(run.api, run.ledger, region, moment, rng)
        mean = run.options.tickets_per_day * COMPLAINT_SHARE
        for moment in call_times(rng, calendar, day, mean):
            if moment < latest:
                handle_complaint(run.api, run.ledger, region, moment, rng)
    for region, ticket, seed in tickets:
        order = work_order_for(run.api, ticket, region, seed)
        order.technicians = run.by_region[region]  # the region's crew, as it grows
        order.hire = functools.partial(hire_one, run, region)
        run.orders.append(order)
    next_round(run)


def next_round(run: Run) -> None:
    run_round(run.api, run.ledger, run.orders, run.technicians)
    run.finished += [o for o in run.orders if o.done]
    run.orders = [o for o in run.orders if not o.done]


def finish(run: Run) -> None:
    """Rounds until every work order has its outcome."""
    for _ in range(MAX_TAIL_ROUNDS):
        if not run.orders:
            return
        next_round(run)
    raise RuntimeError(f"{len(run.orders)} work orders still open after {MAX_TAIL_ROUNDS} rounds")


def progress(done: int, total: int, started: float, note: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.monotonic() - started
    bar = "#" * filled + "." * (width - filled)
    sys.stderr.write(f"\r[{bar}] {done}/{total} days {elapsed:5.0f}s {note:<40}")
    sys.stderr.flush()


def simulate(run: Run) -> None:
    days = month_days(run.options.month)[: run.options.days]
    started = time.monotonic()
    hire(run)
    for region in run.options.regions:
        rng = random.Random(f"{run.options.seed}/{region}/plans")
        for _ in range(run.options.plans_per_region):
            zone = run.calendars[region]["timezone"]
            run.plans.append(register(run.api, region, zone, rng))
    if run.options.billing:
        first = dt.datetime.combine(days[0], dt.time(), dt.UTC) - dt.timedelta(days=1)
        publish_fee_schedule(run.api, run.options.regions, first)
    for i, day in enumerate(days):
        if run.options.progress:
            progress(i, len(days), started, f"{day} ({run.api.calls} requests)")
        simulate_day(run, day)
    if run.options.progress:
        progress(len(days), len(days), started, f"finishing ({run.api.calls} requests)")
    finish(run)
    for i, plan in enumerate(run.plans):
        techs = run.by_region[plan.region]
        tech_id = techs[i % len(techs)]
        serve(run.api, run.ledger, plan, (tech_id, run.technicians[tech_id]))
    if run.options.billing:
        settle_invoices(run.api, run.ledger, run.finished, run.options.seed)
    if run.options.returns:
        for order in run.finished:
            if order.escalated and not order.chargeable:
                replace(run.api, run.ledger, order)
    if run.options.progress:
        sys.stderr.write("\n")
