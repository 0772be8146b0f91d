"""Repairs through intake and dispatch: a call, its assessment and the agreed solution (at the
simulated moments), then visits booked, checked in, completed and answered by the customer.

Dispatch books only windows that have not ended and takes no check-in before the booking, so
the visits happen in real time: a late visit gets a window ending a second or two from now
and is checked in after it; a missed one is never checked in (the next booking marks it
missed). Their KPIs land in the month they really happen, which the ledger records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from demo.client import Api, ApiError, now, wait_for
from demo.ledger import Ledger

MODEL = "CP-400"
SKILL = "coating"
ESCALATE_AFTER = 3  # failed visits on a product defect before escalation (SPEC: default 3)
SHORT_WINDOW = dt.timedelta(seconds=1.5)
LONG_WINDOW = dt.timedelta(hours=3)
FATES = ("on_time", "late", "missed", "moved_by_customer", "moved_by_company")
FATE_WEIGHTS = (78, 10, 6, 3, 3)
FOLLOW_UP_SHARE = 0.4
NATURES = ("product_defect", "installation", "usage", "wear", "environment", "other")


@dataclass
class WorkOrder:
    """One repair in flight, with its own random stream (so the order of work is irrelevant)."""

    id: str
    region: str
    nature: str
    rng: random.Random
    reported: dt.datetime
    chargeable: bool = False  # out of warranty: billing drafts an invoice per visit
    failed: int = 0
    repaired_visits: int = 0
    plan: str = ""
    window_end: dt.datetime | None = None
    first_end: dt.datetime | None = None  # the end first promised
    deadline: dt.datetime | None = None  # the end the arrival is judged by
    technician_id: str = ""
    done: bool = False
    escalated: bool = False
    technicians: list[str] = field(default_factory=list)
    # registers one more technician in the region (when all of them are booked) -> its id
    hire: Callable[[], str] | None = None


def _at(moment: dt.datetime) -> str:
    return moment.isoformat()


def _capped(moment: dt.datetime) -> dt.datetime:
    return min(moment, now() - dt.timedelta(seconds=1))


def _call(region: str, reported: dt.datetime, rng: random.Random, oow: bool) -> dict[str, Any]:
    return {
        "channel": rng.choice(("hotline", "hotline", "hotline", "email", "web", "chat")),
        "kind": "repair",
        "region": region,
        "priority": rng.choice(("low", "normal", "normal", "high")),
        "customer": {"name": "Sim Customer", "phone": "+86 138 0000 0000"},
        "product": {
            "model": MODEL,
            "serial_no": f"SIM-{rng.getrandbits(48):012x}",
            "purchase_date": "2022-06-01" if oow else "2025-03-01",
        },
        "symptom": "coating blistering near the weld seam",
        "reported_at": _at(reported),
    }


def open_ticket(api: Api, region: str, reported: dt.datetime, rng: random.Random) -> dict[str, Any]:
    """A call at ``reported``, assessed within hours and the solution agreed (past times).
    Three products in ten are out of warranty (bought 2022-06; the warranty is 24 months)."""
    out_of_warranty = rng.random() < 0.3
    body = _call(region, reported, rng, out_of_warranty)
    ticket = api.post("intake", "/tickets", body, "agent")
    assessed = _capped(reported + dt.timedelta(minutes=rng.randrange(20, 240)))
    nature = rng.choices(NATURES, weights=(35, 15, 15, 20, 10, 5))[0]
    assessment = {
        "nature": nature,
        "severity": rng.choice(("low", "medium", "high")),
        "diagnosis": "coating failure",
        "proposed_solution": "strip and recoat the seam",
        "visit_needed": True,
        "required_skill": SKILL,
        "estimated_hours": "2.00",
        "assessed_at": _at(assessed),
    }
    path = f"/tickets/{ticket['id']}"
    api.post("intake", f"{path}/assessment", assessment, "engineer")
    answered = _capped(assessed + dt.timedelta(minutes=rng.randrange(5, 120)))
    api.post(
        "intake",
        f"{path}/solution-response",
        {"accepted": True, "answered_at": _at(answered)},
        "agent",
    )
    return {"id": ticket["id"], "nature": nature, "reported": reported, "oow": out_of_warranty}


def work_order_for(api: Api, ticket: dict[str, Any], region: str, seed: str) -> WorkOrder:
    """The work order dispatch opened from the accepted solution (an event away)."""
    found = wait_for(
        lambda: api.get("dispatch", f"/work-orders?ticket_id={ticket['id']}", "agent"),
        timeout=60,
        what=f"the work order of ticket {ticket['id']}",
    )
    rng = random.Random(seed)
    order = WorkOrder(found[0]["id"], region, ticket["nature"], rng, ticket["reported"])
    order.chargeable = ticket["oow"]
    return order


def _schedule(
    api: Api, order: WorkOrder, window: tuple[dt.datetime, dt.datetime], move: dict[str, str]
) -> dict[str, Any]:
    """Book with one of the simulator's own technicians (another network's may be there too)
    who is free then: dispatch refuses a technician booked twice at once (409 naming
    ``technician_id``), so the next is tried, and when the whole crew is out the region
    takes on one more (``order.hire``)."""
    body = {"window_start": _at(window[0]), "window_end": _at(window[1]), "agreed_via": "phone"}
    path = f"/work-orders/{order.id}/schedule"
    crew = order.rng.sample(order.technicians, len(order.technicians))
    for technician_id in [*crew, None]:
        if technician_id is None and order.hire is not None:
            technician_id = order.hire()
        try:
            booked: dict[str, Any] = api.post(
                "dispatch", path, body | move | {"technician_id": technician_id}, "agent"
            )
            return booked
        except ApiError as refused:
            if refused.status != 409 or technician_id is None:
                raise
    raise AssertionError("unreachable: the last try raises or returns")


def book(api: Api, order: WorkOrder) -> None:
    """Book the next visit, its fate drawn now. A moved visit is booked in a window about to
    end and moved at once to a later one: moved by the customer, it is judged by the new
    window (on time); moved by the company, by the earlier promise (late: the technician
    arrives after it)."""
    order.plan = order.rng.choices(FATES, weights=FATE_WEIGHTS)[0]
    start = now()
    first_end = start + (LONG_WINDOW if order.plan == "on_time" else SHORT_WINDOW)
    booked = _schedule(api, order, (start, first_end), {})
    order.window_end = order.deadline = order.first_end = first_end
    if order.plan.startswith("moved_by_"):
        by = order.plan.removeprefix("moved_by_")
        end = now() + LONG_WINDOW
        move = {"requested_by": by, "reason": f"asked by the {by}"}
        booked = _schedule(api, order, (start, end), move)
        order.window_end = end
        order.deadline = end if by == "customer" else min(first_end, end)
    latest = max(booked["visits"], key=lambda v: v["number"])
    order.technician_id = latest["technician_id"]


def _check_in(
    api: Api, order: WorkOrder, technicians: dict[str, dict[str, str]]
) -> dt.datetime | None:
    """Check in now; None when dispatch had already marked the window missed (its sweep)."""
    tech = technicians[order.technician_id]
    arrived = now()
    body = {
        "arrived_at": _at(arrived),
        "identity_verified": True,
        "work_id_shown": tech["work_id"],
        "product_model": MODEL,
        "symptom_check": {"confirmed": True, "observed": "blistering along the seam"},
    }
    try:
        api.post("dispatch", f"/work-orders/{order.id}/check-in", body, "technician", tech["sub"])
    except ApiError as error:
        if error.status == 409:
            return None
        raise
    return arrived


def _repair(api: Api, order: WorkOrder, arrived: dt.datetime, sub: str) -> bool:
    """Complete the repair; whether it was fixed."""
    fixed = order.rng.random() < (0.8 if order.repaired_visits == 0 else 0.7)
    record: dict[str, Any] = {
        "work_performed": "stripped and recoated the seam",
        "labour_hours": "1.50",
        "result": "fixed" if fixed else "not_fixed",
        "parts": [],
        "started_at": _at(arrived),
        "finished_at": _at(now()),
        "customer_signature": "Sim Customer",
    }
    api.post("dispatch", f"/work-orders/{order.id}/completion", record, "technician", sub)
    order.repaired_visits += 1
    return fixed


def _answer(api: Api, ledger: Ledger, order: WorkOrder, fixed: bool) -> None:
    """The customer accepts a fixed repair or rejects one that is not, and rates it."""
    if fixed:
        rating = order.rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 9, 4, 2))[0]
    else:
        rating = order.rng.choices((1, 2, 3, 4), weights=(30, 40, 25, 5))[0]
    answered = now()
    body: dict[str, Any] = {"accepted": fixed, "rating": rating, "responded_at": _at(answered)}
    if not fixed:
        body["reason"] = "still blistering"
    result = api.post("dispatch", f"/work-orders/{order.id}/acceptance", body, "agent")
    ledger.rating(order.region, answered, rating)
    if fixed:
        first = order.repaired_visits == 1
        ledger.outcome(order.region, answered, first_time=first, escalated=False)
        ledger.repair_time(order.region, order.reported, answered)
        order.done = True
        if order.rng.random() < FOLLOW_UP_SHARE:
            follow_up(api, ledger, order, rating)
        return
    order.failed += 1
    if order.nature == "product_defect" and order.failed >= ESCALATE_AFTER:
        ledger.outcome(order.region, answered, first_time=False, escalated=True)
        order.done = order.escalated = True
        if result.get("status") != "escalated":
            raise RuntimeError(f"work order {order.id} was expected to escalate: {result}")


def follow_up(api: Api, ledger: Ledger, order: WorkOrder, rating: int) -> None:
    """A follow-up call after an accepted repair. Dispatch dates it now (no client time), so
    the ledger dates it by the clock just before the call."""
    satisfaction = max(1, min(5, rating + order.rng.choice((-1, 0, 0, 0, 1))))
    at = now()
    body = {"satisfaction": satisfaction, "remarks": "checked a week later"}
    api.post("dispatch", f"/work-orders/{order.id}/follow-up", body, "agent")
    ledger.follow_up(order.region, at, satisfaction)


def visit(
    api: Api, ledger: Ledger, order: WorkOrder, technicians: dict[str, dict[str, str]]
) -> None:
    """The booked visit happens (or not), as planned when it was booked."""
    assert order.window_end is not None
    if order.plan.startswith("moved_by_"):
        ledger.counts["visits " + order.plan.replace("_", " ")] += 1
    arrived = None if order.plan == "missed" else _check_in(api, order, technicians)
    ledger.visit(
        order.region, window_end=order.window_end, arrived=arrived, deadline=order.deadline
    )
    if arrived is None:
        return  # the next booking marks the window missed
    fixed = _repair(api, order, arrived, technicians[order.technician_id]["sub"])
    _answer(api, ledger, order, fixed)


def run_round(
    api: Api, ledger: Ledger, orders: list[WorkOrder], technicians: dict[str, dict[str, str]]
) -> None:
    """Book a visit for every open work order, let the short windows end, then visit."""
    active = [o for o in orders if not o.done]
    for order in active:
        book(api, order)
    short = [o.first_end for o in active if o.plan != "on_time" and o.first_end]
    if short:
        last = max(short)
        wait_for(lambda: now() > last, timeout=30, what="the short windows to end")
    for order in active:
        visit(api, ledger, order, technicians)
