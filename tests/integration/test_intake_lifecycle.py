"""intake's repair lifecycle through its API, on SQLite and PostgreSQL: assessment rounds,
the customer's answers, resolution, the 409s of impossible steps, the timeline, and the
events written to the outbox in order with their payloads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, update

from services.intake.models import Ticket, TimelineEntry
from tests.helpers import auth
from tests.integration.intake_api import IntakeApi, running_intake

CP400_WARRANTY = {
    # ticket_body: CP-400 bought 2025-03-01; warranty.yaml gives CP-400 36 months of parts
    # and 24 of labour; reported 2026-11-30 (Shanghai).
    "status": "in_warranty",
    "parts_covered": True,
    "labour_covered": True,
    "reason": "purchased 2025-03-01, reported 2026-11-30; model CP-400: parts until "
    "2028-03-01, labour until 2027-03-01",
}


@pytest.fixture
def api(database_url: str) -> Iterator[IntakeApi]:
    with running_intake(database_url) as running:
        yield running


def test_reject_reassess_accept_goes_to_repair_with_every_event_in_order(api: IntakeApi) -> None:
    created = api.create(priority="high")
    tid = created["id"]
    # high: 4 business hours from Mon 10:00 → 12:00 (2h) + 13:30-15:30 (2h) = 07:30Z.
    assert created["first_response_due_at"] == "2026-11-30T07:30:00Z"
    assert created["warranty"] == CP400_WARRANTY

    api.clock.advance(minutes=30)
    first = api.assess(tid)
    api.clock.advance(hours=1)
    rejected = api.respond(tid, {"accepted": False, "objection": "not during the season"})
    api.clock.advance(hours=1, minutes=30)  # 05:00Z
    second = api.assess(
        tid,
        assessed_at="2026-11-30T12:00:00+08:00",  # 04:00Z, entered an hour later
        proposed_solution="replace the anode after the season",
        estimated_hours=3,
        parts_likely=[],
    )
    accepted = api.respond(tid, {"accepted": True})

    assert first.status_code == 201
    assert first.headers["Location"] == f"/tickets/{tid}"
    assert first.get_json()["status"] == "assessed"
    assert first.get_json()["first_response_met"] is True
    assert rejected.status_code == 200
    assert rejected.get_json()["status"] == "awaiting_reassessment"
    assert second.status_code == 201 and second.get_json()["status"] == "assessed"
    assert accepted.status_code == 200
    ticket = accepted.get_json()
    assert ticket["status"] == "awaiting_repair"
    assert ticket["first_responded_at"] == "2026-11-30T02:30:00Z"
    assert ticket["closed_at"] is None
    rounds = ticket["assessments"]
    assert [(r["round"], r["accepted"], r["objection"]) for r in rounds] == [
        (1, False, "not during the season"),
        (2, True, None),
    ]
    assert rounds[0]["answered_at"] == "2026-11-30T03:30:00Z"
    assert rounds[1]["assessed_at"] == "2026-11-30T04:00:00Z"
    assert rounds[1]["answered_at"] == "2026-11-30T05:00:00Z"
    assert rounds[1]["estimated_hours"] == "3.00"
    assert [(s["kind"], s["at"]) for s in ticket["timeline"]] == [
        ("reported", "2026-11-30T02:00:00Z"),
        ("assessed", "2026-11-30T02:30:00Z"),
        ("solution_rejected", "2026-11-30T03:30:00Z"),
        ("assessed", "2026-11-30T04:00:00Z"),
        ("solution_accepted", "2026-11-30T05:00:00Z"),
    ]

    events = api.events(tid)
    assert [(e["type"], e["sequence"], e["aggregate_id"]) for e in events] == [
        ("ticket.created", 1, tid),
        ("ticket.assessed", 2, tid),
        ("ticket.solution_rejected", 3, tid),
        ("ticket.assessed", 4, tid),
        ("ticket.solution_accepted", 5, tid),
    ]
    assert {e["region"] for e in events} == {"east"}
    assert events[1]["data"] == {
        "ticket_id": tid,
        "round": 1,
        "nature": "product_defect",
        "severity": "high",
        "visit_needed": True,
        "required_skill": "cathodic_protection",
        "estimated_hours": "2.50",
        "parts_likely": ["CP-400-ANODE"],
        "tools": [],
        "assessed_by": "eng-1",
        "assessed_at": "2026-11-30T02:30:00+00:00",
        "first_response_due_at": "2026-11-30T07:30:00+00:00",
        "first_response": True,
    }
    assert events[2]["data"] == {
        "ticket_id": tid,
        "round": 1,
        "objection": "not during the season",
        "rejected_at": "2026-11-30T03:30:00+00:00",
    }
    assert (events[3]["data"]["round"], events[3]["data"]["first_response"]) == (2, False)
    assert events[4]["data"] == {
        "ticket_id": tid,
        "round": 2,
        "kind": "repair",
        "priority": "high",
        "nature": "product_defect",
        "severity": "high",
        "visit_needed": True,
        "required_skill": "cathodic_protection",
        "estimated_hours": "3.00",
        "parts_likely": [],
        "product_model": "CP-400",
        "serial_no": created["product"]["serial_no"],
        "warranty": CP400_WARRANTY,
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
        "customer_email": None,
        "customer_language": "zh-CN",  # the default: the ticket named none
        "ticket_created_at": "2026-11-30T02:00:00+00:00",
        "accepted_at": "2026-11-30T05:00:00+00:00",
        "tools": [],
        "symptom": "coating blistering near the weld seam",
        "usage_environment": None,
        "site": None,
        "preferred_time": None,
    }


def test_accepting_a_solution_without_a_visit_resolves_and_closes(api: IntakeApi) -> None:
    tid = api.create()["id"]
    api.assess(tid, visit_needed=False, proposed_solution="flush the drain valve monthly")
    api.clock.advance(hours=2)

    response = api.respond(tid, {"accepted": True, "answered_at": "2026-11-30T11:30:00+08:00"})

    assert response.status_code == 200
    ticket = response.get_json()
    assert (ticket["status"], ticket["close_reason"]) == ("closed", "resolved")
    assert ticket["resolution"] == "flush the drain valve monthly"
    assert ticket["resolved_at"] == ticket["closed_at"] == "2026-11-30T03:30:00Z"
    assert [s["kind"] for s in ticket["timeline"]] == [
        "reported",
        "assessed",
        "solution_accepted",
        "resolved",
        "closed",
    ]
    events = api.events(tid)
    # No ticket.solution_accepted: there is nothing for dispatch to do.
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("ticket.created", 1),
        ("ticket.assessed", 2),
        ("ticket.resolved", 3),
        ("ticket.closed", 4),
    ]
    assert events[2]["data"] == {
        "ticket_id": tid,
        "resolution": "flush the drain valve monthly",
        "resolved_at": "2026-11-30T03:30:00+00:00",
        "ticket_created_at": "2026-11-30T02:00:00+00:00",
        "first_response": False,
        "first_response_due_at": "2026-11-30T07:30:00+00:00",
    }
    assert events[3]["data"] == {
        "ticket_id": tid,
        "reason": "resolved",
        "work_order_id": None,
        "closed_at": "2026-11-30T03:30:00+00:00",
        "ticket_created_at": "2026-11-30T02:00:00+00:00",
    }


def test_resolving_a_consultation_is_its_first_response_and_closes_it(api: IntakeApi) -> None:
    tid = api.create(kind="consultation", priority="normal")["id"]
    api.clock.advance(hours=1)

    response = api.resolve(tid, {"resolution": "recoat every 5 years in marine air"})

    assert response.status_code == 200
    ticket = response.get_json()
    assert (ticket["status"], ticket["close_reason"]) == ("closed", "resolved")
    assert ticket["first_responded_at"] == "2026-11-30T03:00:00Z"
    assert ticket["first_response_met"] is True
    # Resolving a consultation is answering it: kpi counts its response time either way.
    kinds = [s["kind"] for s in ticket["timeline"]]
    assert kinds == ["reported", "consultation_answered", "resolved", "closed"]
    events = api.events(tid)
    assert [e["type"] for e in events] == [
        "ticket.created",
        "consultation.answered",
        "ticket.resolved",
        "ticket.closed",
    ]
    assert events[1]["data"]["answered_by"] == "ag-1"
    assert events[1]["data"]["within_deadline"] is True
    # normal: 8 business hours from Mon 10:00 → 12:00 (2h) + 13:30-17:30 (4h) + Tue
    # 08:30-10:30 (2h) = Tue 10:30 in Shanghai.
    assert events[2]["data"]["first_response"] is True
    assert events[2]["data"]["first_response_due_at"] == "2026-12-01T02:30:00+00:00"


def test_a_repair_with_a_no_visit_solution_can_be_resolved(api: IntakeApi) -> None:
    tid = api.create()["id"]
    api.assess(tid, visit_needed=False)

    response = api.resolve(tid, {"resolution": "customer fixed it following our advice"})

    assert response.status_code == 200
    assert response.get_json()["status"] == "closed"
    assert [e["type"] for e in api.events(tid)][-2:] == ["ticket.resolved", "ticket.closed"]


def _step(api: IntakeApi, action: str, tid: str) -> Any:
    if action == "assess":
        return api.assess(tid)
    if action == "respond":
        return api.respond(tid, {"accepted": True})
    return api.resolve(tid, {"resolution": "done"})


IMPOSSIBLE = [
    ("new", "repair", "respond"),
    ("new", "repair", "resolve"),
    ("assessed", "repair", "assess"),
    ("assessed", "repair", "resolve"),  # its solution needs a visit
    ("awaiting_reassessment", "repair", "respond"),
    ("awaiting_reassessment", "repair", "resolve"),
    ("awaiting_repair", "repair", "assess"),
    ("awaiting_repair", "repair", "respond"),
    ("awaiting_repair", "repair", "resolve"),
    ("closed", "consultation", "assess"),
    ("closed", "consultation", "respond"),
    ("closed", "consultation", "resolve"),
]


@pytest.mark.parametrize(
    ("status", "kind", "action"), IMPOSSIBLE, ids=[f"{s}-{a}" for s, _, a in IMPOSSIBLE]
)
def test_an_impossible_step_is_a_409_naming_the_status_and_writes_nothing(
    api: IntakeApi, status: str, kind: str, action: str
) -> None:
    tid = api.ticket_in(status, kind=kind)
    before, version = api.counts(), len(api.events(tid))

    response = _step(api, action, tid)

    assert response.status_code == 409, response.get_json()
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert f"is {status}" in problem["detail"]
    assert problem["errors"] == {"status": [f"is {status}"]}
    assert api.counts() == before
    assert len(api.events(tid)) == version
    assert api.ticket(tid)["status"] == status


def test_timeline_endpoint_lists_steps_oldest_first_in_pages(api: IntakeApi) -> None:
    tid = api.ticket_in("awaiting_reassessment")
    api.assess(tid)

    everything = api.client.get(f"/tickets/{tid}/timeline", headers=auth("engineer"))
    page = api.client.get(f"/tickets/{tid}/timeline?page=2&page_size=3", headers=auth("agent"))

    assert everything.status_code == 200
    assert [s["kind"] for s in everything.get_json()] == [
        "reported",
        "assessed",
        "solution_rejected",
        "assessed",
    ]
    assert everything.get_json()[2]["actor"] == "ag-1"
    assert everything.get_json()[2]["details"] == {"round": 1, "objection": "too dear"}
    assert [s["kind"] for s in page.get_json()] == ["assessed"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 4


def test_list_filters_by_new_statuses_and_overdue_first_response(api: IntakeApi) -> None:
    answered = api.ticket_in("awaiting_repair", priority="high")  # due 07:30Z
    waiting = api.create(priority="high")["id"]  # due 07:30Z
    urgent = api.create(priority="urgent")["id"]  # 2 business hours: due 12:00 local = 04:00Z

    def listed(query: str) -> set[str]:
        response = api.client.get(f"/tickets?{query}", headers=auth("manager"))
        assert response.status_code == 200, response.get_json()
        return {t["id"] for t in response.get_json()}

    api.clock.advance(hours=3)  # 05:00Z
    assert listed("status=awaiting_repair") == {answered}
    assert listed("status=new") == {waiting, urgent}
    assert listed("overdue_first_response=true") == {urgent}
    assert listed("overdue_first_response=false") == {answered, waiting}
    assert api.ticket(urgent)["first_response_met"] is False
    assert api.ticket(waiting)["first_response_met"] is None
    api.clock.advance(hours=3)  # 08:00Z
    assert listed("overdue_first_response=true") == {waiting, urgent}
    assert listed("overdue_first_response=true&status=awaiting_repair") == set()
    listing = api.client.get("/tickets", headers=auth("manager")).get_json()
    assert "timeline" not in listing[0] and "warranty" in listing[0]

    bad = api.client.get("/tickets?status=lost", headers=auth("manager"))
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]


def test_warranty_is_decided_on_the_local_day_of_the_report(api: IntakeApi) -> None:
    api.clock.advance(days=1, hours=1)
    # GEN-1 follows the default 24 months: bought 2024-11-30, covered to 2026-11-30.
    product = {"model": "GEN-1", "purchase_date": "2024-11-30"}
    last_day = api.create(product=product, reported_at="2026-11-30T15:59:00Z")  # 23:59 local
    day_after = api.create(product=product, reported_at="2026-11-30T16:00:00Z")  # 00:00 local

    assert last_day["warranty"]["status"] == "in_warranty"
    assert day_after["warranty"] == {
        "status": "out_of_warranty",
        "parts_covered": False,
        "labour_covered": False,
        "reason": "purchased 2024-11-30, reported 2026-12-01; default policy: parts until "
        "2026-11-30, labour until 2026-11-30",
    }


def test_assessment_honours_idempotency_key(api: IntakeApi) -> None:
    tid = api.create()["id"]
    headers = {**auth("engineer", sub="eng-1"), "Idempotency-Key": "assess-0001"}
    url = f"/tickets/{tid}/assessment"
    body = {
        "nature": "wear",
        "severity": "low",
        "diagnosis": "worn seal",
        "proposed_solution": "replace the seal",
        "visit_needed": True,
        "estimated_hours": "1",
    }

    first = api.client.post(url, json=body, headers=headers)
    again = api.client.post(url, json=body, headers=headers)
    other = api.client.post(url, json={**body, "severity": "high"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    assert len(api.ticket(tid)["assessments"]) == 1
    assert [e["type"] for e in api.events(tid)] == ["ticket.created", "ticket.assessed"]


def test_a_ticket_registered_before_intake_kept_warranty_and_deadline_gets_them(
    api: IntakeApi,
) -> None:
    tid = api.create(priority="high")["id"]
    with api.rt.db.session() as session:  # as intake_0002 leaves a ticket of intake_0001
        session.execute(delete(TimelineEntry))
        session.execute(
            update(Ticket).values(
                warranty_status=None,
                warranty_parts_covered=None,
                warranty_labour_covered=None,
                warranty_reason=None,
                first_response_due_at=None,
            )
        )
        session.commit()
    assert api.ticket(tid)["warranty"] is None

    response = api.assess(tid)

    assert response.status_code == 201
    assert response.get_json()["warranty"] == CP400_WARRANTY
    assert response.get_json()["first_response_due_at"] == "2026-11-30T07:30:00Z"
    assessed = api.events(tid)[-1]
    assert assessed["data"]["first_response_due_at"] == "2026-11-30T07:30:00+00:00"
