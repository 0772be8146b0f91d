"""A maintenance from plan to service file: maintenance, dispatch and intake as their own
gunicorn and worker processes over the real RabbitMQ, driven only through their REST APIs.

asset registered → plan due today → the worker's scheduler announces the visit → dispatch
opens a maintenance work order → scheduled, checked in, completed → the technician's record
shows a coating defect (a hazard) → intake opens a high-priority ticket → the asset's
service file shows it all in time order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import requests

from tests.e2e.conftest import Network
from tests.helpers import auth, wait_until

SERIAL = "SN-E2E-0001"
TASKS = ["cleaning", "coating_inspection", "coating_touch_up"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def post(url: str, body: dict[str, Any], *roles: str, sub: str = "tester") -> dict[str, Any]:
    response = requests.post(url, json=body, headers=auth(*roles, sub=sub), timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return response.json()  # type: ignore[no-any-return]


def get(url: str, *roles: str) -> Any:
    response = requests.get(url, headers=auth(*roles or ("admin",)), timeout=10)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response.json()


def test_a_due_plan_to_a_repair_ticket_and_the_service_file(network: Network) -> None:
    maintenance, dispatch, intake = (network.web(n) for n in ("maintenance", "dispatch", "intake"))
    network.worker("maintenance", AFTERCARE_MAINTENANCE_SCHEDULER_SECONDS="0.5")
    network.worker("dispatch", AFTERCARE_DISPATCH_MISSED_GRACE_SECONDS="600")
    network.worker("intake")
    for name in ("maintenance", "dispatch", "intake"):
        network.wait_consumer_queue(name)
    post(
        f"{dispatch}/technicians",
        {
            "name": "Hu Jun",
            "kind": "employee",
            "region": "east",
            "skills": ["coating"],
            "user_sub": "tech-hu",
            "work_id": "HU-0731",
        },
        "manager",
    )
    asset = {
        "serial_no": SERIAL,
        "region": "east",
        "product_model": "CT-200 coating",
        "product_type": "coating",
        "customer_name": "Ningbo Port Co.",
        "customer_phone": "+86 574 0000 0000",
        "site_address": "Berth 4, Ningbo port",
        "environment": "marine",
        "installed_on": "2024-03-01",
    }
    post(f"{maintenance}/assets", asset, "agent")
    today = now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    plan = post(
        f"{maintenance}/plans",
        {"serial_no": SERIAL, "first_due_date": today.isoformat(), "notice_days": 0},
        "manager",
    )
    assert plan["tasks"] == TASKS and plan["required_skill"] == "coating"

    # The worker's scheduler announces the visit; dispatch opens a maintenance work order.
    def work_order() -> dict[str, Any] | None:
        found = get(f"{dispatch}/work-orders?kind=maintenance&serial_no={SERIAL}", "agent")
        return found[0] if found else None

    order = wait_until(work_order, timeout=20, what="maintenance work order")
    assert order["plan_id"] == plan["id"] and order["due_date"] == today.isoformat()
    assert order["tasks"] == TASKS and order["customer_name"] == "Ningbo Port Co."
    orders = f"{dispatch}/work-orders/{order['id']}"
    start = now()
    window = {
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(hours=2)).isoformat(),
        "agreed_via": "email",
    }
    post(f"{orders}/schedule", window, "agent")
    post(
        f"{orders}/check-in",
        {"identity_verified": True, "work_id_shown": "HU-0731", "product_model": "CT-200 coating"},
        "technician",
        sub="tech-hu",
    )
    started = now()
    post(
        f"{orders}/completion",
        {
            "work_performed": "washed, inspected and touched up the coating",
            "parts": [],
            "labour_hours": "2.00",
            "started_at": started.isoformat(),
            "finished_at": now().isoformat(),
            "result": "fixed",
            "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
        },
        "technician",
        sub="tech-hu",
    )

    # The technician's record: a coating defect that is a hazard.
    record = post(
        f"{maintenance}/plans/{plan['id']}/records",
        {
            "work_order_id": order["id"],
            "tasks": [{"task": t, "done": t != "coating_touch_up", "note": ""} for t in TASKS],
            "findings": "coating blistered over 0.5 m2 at the splash zone",
            "problems": [
                {
                    "description": "coating defect: blistering and rust at the splash zone",
                    "hazard": True,
                }
            ],
            "attachments": [{"kind": "photo", "reference": "s3://ph/e2e.jpg", "sha256": "cd" * 32}],
            "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
            "signed_by": "Wang Jun",
        },
        "technician",
        sub="tech-hu",
    )
    assert record["due_date"] == today.isoformat()

    def ticket() -> dict[str, Any] | None:
        found = get(f"{intake}/tickets?kind=maintenance_issue", "agent")
        return found[0] if found else None

    opened = wait_until(ticket, timeout=20, what="ticket from maintenance.issue_found")
    assert opened["product"]["serial_no"] == SERIAL and opened["channel"] == "maintenance"
    assert opened["symptom"] == "coating defect: blistering and rust at the splash zone"

    def file_complete() -> list[str] | None:
        entries = get(f"{maintenance}/assets/{SERIAL}/history", "agent")["entries"]
        types = [e["type"] for e in entries]
        return types if "ticket.created" in types and "repair.completed" in types else None

    types = wait_until(file_complete, timeout=20, what="the service file")
    assert types == [
        "maintenance.visit_due",
        "repair.completed",
        "maintenance.completed",
        "maintenance.issue_found",
        "ticket.created",
    ]
    sheet = requests.get(
        f"{maintenance}/plans/{plan['id']}/records/{record['id']}/sheet.pdf",
        headers=auth("agent"),
        timeout=10,
    )
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF-")
