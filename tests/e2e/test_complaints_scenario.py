"""A complaint's whole life over the real broker: complaints and kpi as their own gunicorn and
worker processes on PostgreSQL and RabbitMQ, driven through complaints' REST API only.

Complaint A is filed by the hotline, routed, investigated with verified evidence, resolved,
rated 2 and not satisfied (reopened, escalated), resolved again and closed satisfied with a
4, all before its deadline. Complaint B was filed ten days ago as critical (8 business hours)
and is resolved now, long after its deadline, and closed satisfied with a 5. kpi's complaint
KPIs for the month of the closings, in east, by hand: timeliness 1 of 2 closed complaints in
time = 0.5; satisfaction 2 satisfied of 3 feedbacks = 0.6667, mean rating (2 + 4 + 5) / 3.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zoneinfo
from typing import Any

import requests

from tests.e2e.conftest import Network
from tests.helpers import auth, metric_value, wait_until

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def post(url: str, body: dict[str, Any], role: str, status: int = 200) -> dict[str, Any]:
    response = requests.post(url, json=body, headers=auth(role), timeout=10)
    assert response.status_code == status, (url, response.status_code, response.text)
    return response.json()  # type: ignore[no-any-return]


def complaint(base: str, **changes: Any) -> str:
    body: dict[str, Any] = {
        "channel": "hotline",
        "category": "repair_quality",
        "severity": "medium",
        "subject": "the repainted pipe is blistering again",
        "description": "blisters along the weld seam two weeks after the repair",
        "region": "east",
        "complainant": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
    }
    return str(post(f"{base}/complaints", body | changes, "agent", 201)["id"])


def investigate_and_resolve(base: str, cid: str) -> None:
    findings = {
        "findings": "primer skipped on the weld seam",
        "responsibility": "partner",
        "partner": "Hangzhou Coatings Workshop",
        "root_cause": "technician skipped primer",
    }
    post(f"{base}/complaints/{cid}/investigation", findings, "engineer")
    resolve(base, cid)


def resolve(base: str, cid: str) -> dict[str, Any]:
    resolution = {
        "measures_taken": "seam stripped and recoated at no charge",
        "reasons": "the primer was skipped; the partner redoes the work",
        "communicated_via": "phone",
    }
    return post(f"{base}/complaints/{cid}/resolution", resolution, "engineer")


def feedback(base: str, cid: str, rating: int, satisfied: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"satisfied": satisfied, "rating": rating}
    if not satisfied:
        body["comment"] = "nobody apologised"
    return post(f"{base}/complaints/{cid}/feedback", body, "agent")


def test_complaints_reach_kpi_timeliness_and_satisfaction(network: Network) -> None:
    complaints = network.web("complaints")
    kpi = network.web("kpi")
    network.worker("complaints")
    network.worker("kpi")
    network.wait_consumer_queue("kpi")

    a = complaint(complaints)
    photo = b"\x89PNG seam photo"
    evidence = {
        "kind": "photo",
        "reference": "IMG_0042.png",
        "sha256": hashlib.sha256(photo).hexdigest(),
        "content": base64.b64encode(photo).decode(),
    }
    assert post(f"{complaints}/complaints/{a}/evidence", evidence, "engineer", 201)["verified"]
    investigate_and_resolve(complaints, a)
    reopened = feedback(complaints, a, 2, satisfied=False)
    assert reopened["status"] == "reopened" and reopened["owner"]["escalation_level"] == 1
    resolve(complaints, a)
    closed = feedback(complaints, a, 4, satisfied=True)
    assert closed["status"] == "closed" and closed["within_deadline"] is True

    ten_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    b = complaint(complaints, severity="critical", filed_at=ten_days_ago.isoformat())
    investigate_and_resolve(complaints, b)
    assert feedback(complaints, b, 5, satisfied=True)["within_deadline"] is False

    month = dt.datetime.now(SHANGHAI).strftime("%Y-%m")

    def complaint_kpis() -> dict[str, Any] | None:
        response = requests.get(
            f"{kpi}/kpis?month={month}&region=east", headers=auth("manager"), timeout=5
        )
        kpis = response.json()["kpis"]
        feedbacks = kpis["complaint_satisfaction"]
        done = kpis["complaint_timeliness"] and feedbacks and feedbacks["denominator"] == 3
        return kpis if done and kpis["complaint_timeliness"]["denominator"] == 2 else None

    kpis = wait_until(complaint_kpis, timeout=20, what="kpi to judge both complaints")
    timeliness, satisfaction = kpis["complaint_timeliness"], kpis["complaint_satisfaction"]
    assert (timeliness["numerator"], timeliness["denominator"]) == (1, 2)
    assert timeliness["ratio"] == 0.5 and timeliness["open_past_deadline"] == 0
    assert (satisfaction["numerator"], satisfaction["denominator"]) == (2, 3)
    assert round(satisfaction["ratio"], 4) == 0.6667
    assert round(satisfaction["mean_rating"], 4) == round(11 / 3, 4)

    text = requests.get(f"{kpi}/metrics", timeout=5).text
    east = {"region": "east"}
    assert metric_value(text, "aftercare_kpi_complaint_timeliness_ratio", **east) == 0.5
    ratio = metric_value(text, "aftercare_kpi_complaint_satisfaction_ratio", **east)
    assert ratio is not None and round(ratio, 4) == 0.6667
    for within, count in (("true", 1), ("false", 1)):
        closed_total = metric_value(
            text, "aftercare_complaints_closed_total", region="east", within_deadline=within
        )
        assert closed_total == count
    for score in ("2", "4", "5"):
        labels = {"region": "east", "source": "complaint", "score": score}
        assert metric_value(text, "aftercare_ratings_total", **labels) == 1
