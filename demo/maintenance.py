"""Maintenance plans coming due: assets registered with a plan due today (maintenance refuses
a first due date in the past, so plan adherence lands in the month the run happens), the
scheduler announces each visit, dispatch opens a maintenance work order, the simulator books,
checks in, completes it and files the maintenance record."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from typing import Any

from demo.client import Api, now, wait_for
from demo.ledger import Ledger

PRODUCT = "CT-200 coating"
ENVIRONMENTS = ("marine", "buried", "industrial", "humid")


@dataclass
class Plan:
    id: str
    serial_no: str
    region: str
    due: dt.date
    tasks: list[str]


def register(api: Api, region: str, zone: str, rng: random.Random) -> Plan:
    """An installed asset and its plan, first due today in the region's time zone."""
    serial = f"SIM-M-{rng.getrandbits(48):012x}"
    asset = {
        "serial_no": serial,
        "region": region,
        "product_model": PRODUCT,
        "product_type": "coating",
        "customer_name": "Sim Port Co.",
        "customer_phone": "+86 574 0000 0000",
        "site_address": "Berth 4",
        "environment": rng.choice(ENVIRONMENTS),
        "installed_on": "2024-03-01",
    }
    api.post("maintenance", "/assets", asset, "agent")
    today = now().astimezone(zoneinfo.ZoneInfo(zone)).date()
    body = {"serial_no": serial, "first_due_date": today.isoformat(), "notice_days": 0}
    plan = api.post("maintenance", "/plans", body, "manager")
    return Plan(plan["id"], serial, region, today, list(plan["tasks"]))


def _work_order(api: Api, plan: Plan) -> dict[str, Any]:
    def opened() -> dict[str, Any] | None:
        path = f"/work-orders?kind=maintenance&serial_no={plan.serial_no}"
        found = api.get("dispatch", path, "agent")
        return found[0] if found else None

    return wait_for(opened, timeout=120, what=f"the maintenance work order of {plan.serial_no}")


def serve(api: Api, ledger: Ledger, plan: Plan, technician: tuple[str, dict[str, str]]) -> None:
    """Book the announced visit with ``technician`` (id, its sub and work ID), arrive on time,
    complete it and file the record that answers the due date."""
    order = _work_order(api, plan)
    tech_id, tech = technician
    path = f"/work-orders/{order['id']}"
    start = now()
    end = start + dt.timedelta(hours=2)
    window = {
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "agreed_via": "email",
        "technician_id": tech_id,
    }
    api.post("dispatch", f"{path}/schedule", window, "agent")
    arrived = now()
    check_in = {
        "arrived_at": arrived.isoformat(),
        "identity_verified": True,
        "work_id_shown": tech["work_id"],
        "product_model": PRODUCT,
    }
    api.post("dispatch", f"{path}/check-in", check_in, "technician", tech["sub"])
    ledger.visit(plan.region, window_end=end, arrived=arrived)
    record = {
        "work_performed": "washed, inspected and touched up the coating",
        "parts": [],
        "labour_hours": "2.00",
        "started_at": arrived.isoformat(),
        "finished_at": now().isoformat(),
        "result": "fixed",
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
    }
    api.post("dispatch", f"{path}/completion", record, "technician", tech["sub"])
    _file_record(api, plan, order["id"], tech["sub"])
    ledger.maintenance(plan.region, plan.due, done=True)


def _file_record(api: Api, plan: Plan, work_order_id: str, sub: str) -> None:
    """The maintenance record answering the plan's due date, every task done."""
    filed = {
        "work_order_id": work_order_id,
        "tasks": [{"task": t, "done": True, "note": ""} for t in plan.tasks],
        "findings": "coating sound",
        "problems": [],
        "attachments": [],
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
        "signed_by": "Sim",
    }
    api.post("maintenance", f"/plans/{plan.id}/records", filed, "technician", sub)
