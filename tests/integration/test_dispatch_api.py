"""dispatch's API on SQLite and PostgreSQL: technicians, work orders opened by real intake and
maintenance events, automatic assignment, check-in punctuality, the repair record, the
customer's answer, escalation, repeats, follow-ups; and every refusal (409, 422, 401/403,
region) leaving nothing written."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared.messaging.processing import Outcome
from tests.helpers import auth
from tests.integration.dispatch_support import (
    COVERED_ANODE,
    HOUR,
    START,
    Dispatch,
    completion_body,
    iso,
    make_dispatch,
)

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    d = make_dispatch(database_url)
    yield d
    d.rt.db.dispose()


def technician_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Wang Fang",
        "kind": "partner_workshop",
        "region": "east",
        "skills": ["Coating", " welding ", "coating"],
        "phone": "+86 139 0000 0000",
        "user_sub": "tech-wang",
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


# -- technicians -------------------------------------------------------------------------------
def test_register_read_list_and_change_technicians(dispatch: Dispatch) -> None:
    d = dispatch
    created = d.post("/technicians", technician_body(), "manager")
    d.technician("Zhao", region="north", skills=("welding",))
    d.technician("Chen", active=False)

    body = created.get_json()
    assert created.status_code == 201
    assert created.headers["Location"] == f"/technicians/{body['id']}"
    assert body["skills"] == ["coating", "welding"]
    assert body["active"] is True and body["kind"] == "partner_workshop"
    assert body["created_at"] == "2026-11-02T08:00:00Z"
    assert d.get(f"/technicians/{body['id']}", "agent").get_json()["user_sub"] == "tech-wang"

    def names(query: str) -> list[str]:
        response = d.get(f"/technicians{query}", "agent")
        assert response.status_code == 200
        return [t["name"] for t in response.get_json()]

    assert names("?region=east") == ["Chen", "Wang Fang"]
    assert names("?status=active&skill=WELDING") == ["Wang Fang", "Zhao"]
    assert names("?kind=employee") == ["Chen", "Zhao"]
    page = d.get("/technicians?page=2&page_size=2", "admin")
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    assert [t["name"] for t in page.get_json()] == ["Zhao"]

    changed = d.client.patch(
        f"/technicians/{body['id']}",
        json={"active": False, "skills": ["cathodic_protection"]},
        headers=auth("admin"),
    )
    assert changed.status_code == 200
    assert changed.get_json()["skills"] == ["cathodic_protection"]
    assert names("?status=inactive") == ["Chen", "Wang Fang"]


def test_a_login_belongs_to_one_technician(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    before = d.counts()
    response = d.post("/technicians", technician_body(user_sub="tech-Dong"), "admin")
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"user_sub": ["already linked to another technician"]}
    assert d.counts() == before


BAD_TECHNICIANS = [
    ("missing name", {"name": None}, "name"),
    ("unknown kind", {"kind": "freelancer"}, "kind"),
    ("unknown region", {"region": "atlantis"}, "region"),
    ("no skills", {"skills": []}, "skills"),
    ("skills not a list", {"skills": "coating"}, "skills"),
    ("empty skill", {"skills": [""]}, "skills.0"),
    ("bad phone", {"phone": "call me"}, "phone"),
    ("active not boolean", {"active": "maybe"}, "active"),
    ("unknown field", {"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(
    ("case", "changes", "field"), BAD_TECHNICIANS, ids=[c[0] for c in BAD_TECHNICIANS]
)
def test_bad_technician_is_a_problem_naming_the_field(
    dispatch: Dispatch, case: str, changes: dict[str, Any], field: str
) -> None:
    response = dispatch.post("/technicians", technician_body(**changes), "admin")
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert dispatch.counts() == (0, 0, 0, 0)


def test_empty_technician_change_is_refused(dispatch: Dispatch) -> None:
    tech = dispatch.technician("Dong")
    response = dispatch.client.patch(f"/technicians/{tech}", json={}, headers=auth("admin"))
    assert response.status_code == 422
    assert "body" in response.get_json()["errors"]


# -- work orders from events -------------------------------------------------------------------
def test_accepted_solution_opens_one_repair_work_order(dispatch: Dispatch) -> None:
    d = dispatch
    ticket_id = uuid.uuid4()
    event = d.solution_accepted(
        "south",
        ticket_id=ticket_id,
        nature="installation",
        required_skill=" Coating",
        serial_no="SN-77",
    )

    first, again = d.deliver(event), d.deliver(event)
    same_ticket = d.deliver(d.solution_accepted("south", ticket_id=ticket_id))
    no_visit = d.deliver(d.solution_accepted(visit_needed=False))

    assert [s.outcome for s in first] == [Outcome.APPLIED]
    assert [s.outcome for s in again] == [Outcome.DUPLICATE]
    assert [s.outcome for s in same_ticket + no_visit] == [Outcome.APPLIED, Outcome.APPLIED]
    [work_order] = d.get("/work-orders", "agent").get_json()
    assert work_order["kind"] == "repair" and work_order["status"] == "unscheduled"
    assert work_order["region"] == "south" and work_order["ticket_id"] == str(ticket_id)
    assert work_order["nature"] == "installation" and work_order["required_skill"] == "coating"
    assert work_order["serial_no"] == "SN-77" and work_order["product_model"] == "CP-400"
    assert work_order["estimated_hours"] == "2.50"
    assert work_order["warranty"] == {
        "status": "in_warranty",
        "parts_covered": True,
        "labour_covered": True,
    }
    assert work_order["customer_name"] == "Li Wei" and work_order["visit_count"] == 0
    assert work_order["repeat_of"] is None and work_order["opened_at"] == "2026-11-02T08:00:00Z"
    assert d.events() == []


def test_maintenance_visit_due_opens_one_maintenance_work_order(dispatch: Dispatch) -> None:
    d = dispatch
    event = d.visit_due("north", serial_no="SN-9")
    assert [s.outcome for s in d.deliver(event) + d.deliver(event)] == [
        Outcome.APPLIED,
        Outcome.DUPLICATE,
    ]
    [work_order] = d.get("/work-orders?kind=maintenance", "agent").get_json()
    assert work_order["region"] == "north" and work_order["serial_no"] == "SN-9"
    assert work_order["tasks"] == ["cleaning", "anode_check"]
    assert work_order["due_date"] == "2026-12-01"
    assert work_order["required_skill"] == "cathodic_protection"
    assert work_order["plan_id"] == str(event.data["plan_id"])
    assert work_order["warranty"]["status"] == "unknown" and work_order["ticket_id"] is None


# -- scheduling --------------------------------------------------------------------------------
def test_automatic_assignment_same_region_needed_skill_least_open_work(dispatch: Dispatch) -> None:
    d = dispatch
    bai, dong = d.technician("Bai"), d.technician("Dong")
    d.technician("Ai", region="north")  # wrong region
    d.technician("An", skills=("welding",))  # wrong skill
    d.technician("Ao", active=False)  # off the roster
    assert d.schedule(d.open_repair(), technician_id=bai).status_code == 200  # Bai: 1 open

    # back-to-back windows (09-11, 11-13, 13-15): nobody is ever busy at the hour asked
    chosen = [
        d.schedule(d.open_repair(), starts_in=(1 + 2 * i) * HOUR).get_json() for i in range(3)
    ]

    # Dong has less open work; then both have one and Bai wins on name; then Dong again.
    assert [c["technician_id"] for c in chosen] == [dong, bai, dong]
    assert all(c["visits"][0]["auto_assigned"] for c in chosen)
    event = d.events("repair.scheduled")[1]
    assert event["data"]["technician_id"] == dong and event["data"]["auto_assigned"] is True
    assert event["data"]["technician_kind"] == "employee" and event["data"]["visit_number"] == 1
    assert event["data"]["window_start"] == "2026-11-02T09:00:00+00:00"
    assert event["data"]["window_end"] == "2026-11-02T11:00:00+00:00"
    assert event["region"] == "east" and event["aggregate_id"] == chosen[0]["id"]


def test_same_name_and_load_is_decided_by_id(dispatch: Dispatch) -> None:
    d = dispatch
    ids = [d.post("/technicians", technician_body(user_sub=None, region="central"), "admin")]
    ids.append(d.post("/technicians", technician_body(user_sub=None, region="central"), "admin"))
    expected = min(r.get_json()["id"] for r in ids)
    work_order = d.open_repair("central", required_skill="welding")
    assert d.schedule(work_order).get_json()["technician_id"] == expected


def test_nobody_fits_is_a_409_and_writes_nothing(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")  # east; the work is in the south
    d.technician("Sun", region="south", skills=("welding",))
    work_order = d.open_repair("south", required_skill="coating")
    before = d.counts()

    response = d.schedule(work_order)

    assert response.status_code == 409
    assert (
        "no active technician in region south with the skill coating"
        in (response.get_json()["detail"])
    )
    assert d.counts() == before
    assert d.work_order(work_order)["status"] == "unscheduled"


def test_named_technician_is_booked_as_named(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Bai")
    dong = d.technician("Dong")
    work_order = d.open_repair()
    response = d.schedule(work_order, technician_id=dong)
    assert response.status_code == 200
    visit = response.get_json()["visits"][0]
    assert visit["technician_id"] == dong and visit["auto_assigned"] is False
    assert d.events("repair.scheduled")[0]["data"]["auto_assigned"] is False


@pytest.mark.parametrize(
    ("region", "skills", "active", "message"),
    [
        ("north", ("coating",), True, "technician does not work in this work order's region"),
        ("east", ("welding",), True, "technician lacks the skill coating"),
        ("east", ("coating",), False, "technician is not active"),
    ],
    ids=["other region", "lacks skill", "inactive"],
)
def test_named_technician_who_does_not_fit_is_refused(
    dispatch: Dispatch, region: str, skills: tuple[str, ...], active: bool, message: str
) -> None:
    d = dispatch
    tech = d.technician("Zhou", region=region, skills=skills, active=active)
    work_order = d.open_repair(required_skill="coating")
    before = d.counts()
    response = d.schedule(work_order, technician_id=tech)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"technician_id": [message]}
    assert d.counts() == before


def test_retried_schedule_with_idempotency_key_books_once(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    work_order = d.open_repair()
    body = {
        "window_start": iso(START + HOUR),
        "window_end": iso(START + 3 * HOUR),
        "agreed_via": "sms",
    }
    headers = {**auth("agent", sub="agent-1"), "Idempotency-Key": "book-0001"}
    path = f"/work-orders/{work_order}/schedule"

    first = d.client.post(path, json=body, headers=headers)
    again = d.client.post(path, json=body, headers=headers)

    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert len(d.events("repair.scheduled")) == 1


# -- check-in ----------------------------------------------------------------------------------
def test_arrival_at_the_window_end_is_on_time_one_second_later_is_late(dispatch: Dispatch) -> None:
    d = dispatch
    dong, bai = d.technician("Dong"), d.technician("Bai")  # one visit each: same window
    punctual, late = d.open_repair(), d.open_repair()
    d.schedule(punctual, technician_id=dong)
    d.schedule(late, technician_id=bai)
    end = START + 3 * HOUR
    d.clock.at = end + dt.timedelta(minutes=5)

    on_time = d.check_in(punctual, "Dong", end.astimezone(CST))
    too_late = d.check_in(late, "Bai", end + dt.timedelta(seconds=1))

    assert on_time.status_code == too_late.status_code == 200
    visit = on_time.get_json()["visits"][0]
    assert visit["arrived_at"] == "2026-11-02T11:00:00Z" and visit["on_time"] is True
    assert visit["status"] == "arrived" and on_time.get_json()["status"] == "in_progress"
    assert too_late.get_json()["visits"][0]["on_time"] is False
    arrived = [e["data"] for e in d.events("technician.arrived")]
    assert [(a["work_order_id"], a["on_time"]) for a in arrived] == [
        (punctual, True),
        (late, False),
    ]
    assert arrived[1]["arrived_at"] == "2026-11-02T11:00:01+00:00"
    assert arrived[1]["deadline"] == arrived[1]["window_end"] == "2026-11-02T11:00:00+00:00"
    assert arrived[0]["identity_verified"] is arrived[0]["product_verified"] is True


def test_product_model_found_on_site_is_verified_against_the_work_order(
    dispatch: Dispatch,
) -> None:
    d = dispatch
    dong, bai = d.technician("Dong"), d.technician("Bai")  # one visit each: same window
    matching, other = d.open_repair(), d.open_repair()
    d.schedule(matching, technician_id=dong)
    d.schedule(other, technician_id=bai)
    d.clock.advance(hours=2)
    for work_order, model, identity, name in (
        (matching, " cp-400 ", True, "Dong"),
        (other, "TX-9", False, "Bai"),
    ):
        body = CHECK_IN | {
            "identity_verified": identity,
            "product_model": model,
            "work_id_shown": f"W-{name.upper()}",
        }
        path = f"/work-orders/{work_order}/check-in"
        assert d.post(path, body, "technician", sub=f"tech-{name}").status_code == 200
    arrived = [e["data"] for e in d.events("technician.arrived")]
    assert [(a["identity_verified"], a["product_verified"]) for a in arrived] == [
        (True, True),
        (False, False),
    ]
    assert arrived[0]["arrived_at"] == "2026-11-02T10:00:00+00:00"  # default: now
    # The failed checks stopped the other visit there: back to scheduling, nothing to record.
    [stopped] = [e["data"] for e in d.events("visit.stopped")]
    assert stopped["work_order_id"] == other and stopped["failed_checks"] == ["identity", "product"]
    assert d.work_order(other)["status"] == "unscheduled"
    assert d.work_order(other)["visits"][0]["status"] == "stopped"
    refused = d.complete(other, "Bai")  # his visit stopped: nothing to record
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"status": ["is unscheduled"]}


def test_window_the_customer_moved_is_the_one_arrival_is_judged_by(dispatch: Dispatch) -> None:
    d = dispatch
    dong, bai = d.technician("Dong"), d.technician("Bai")  # one visit each: same windows
    asked, moved = d.open_repair(), d.open_repair()
    for work_order, by_customer, tech in ((asked, True, dong), (moved, False, bai)):
        d.schedule(work_order, technician_id=tech)  # 09:00-11:00
        response = d.schedule(work_order, starts_in=5 * HOUR, by_customer=by_customer)
        assert response.status_code == 200  # 13:00-15:00, still visit 1
        assert response.get_json()["visit_count"] == 1
    d.clock.at = START + dt.timedelta(hours=6, minutes=30)  # 14:30

    judged = [
        d.check_in(w, name, d.clock.now()).get_json()["visits"][0]
        for w, name in ((asked, "Dong"), (moved, "Bai"))
    ]

    assert [v["window_end"] for v in judged] == ["2026-11-02T15:00:00Z"] * 2
    assert [v["deadline"] for v in judged] == ["2026-11-02T15:00:00Z", "2026-11-02T11:00:00Z"]
    assert [v["on_time"] for v in judged] == [True, False]
    scheduled = [e["data"] for e in d.events("repair.scheduled")]
    assert [(s["visit_number"], s["rescheduled_by_customer"]) for s in scheduled] == [
        (1, False),
        (1, True),
        (1, False),
        (1, False),
    ]


# -- repair record, answer, escalation, repeats, follow-up -------------------------------------
def test_not_fixed_rejected_then_second_visit_fixed_and_accepted(dispatch: Dispatch) -> None:
    d = dispatch
    dong = d.technician("Dong")
    work_order = d.open_repair(nature="product_defect", serial_no="SN-5")
    d.visit(work_order, "Dong", "not_fixed")

    rejected = d.answer(work_order, accepted=False, rating=2)
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "unscheduled"
    d.visit(work_order, "Dong", "fixed")
    accepted = d.answer(work_order, accepted=True, rating=5)
    follow_up = d.post(
        f"/work-orders/{work_order}/follow-up",
        {"satisfaction": 4, "remarks": "works well"},
        "agent",
    )

    body = accepted.get_json()
    assert body["status"] == "accepted" and body["visit_count"] == 2
    assert body["accepted_at"] == d.clock.now().isoformat().replace("+00:00", "Z")
    first, second = body["visits"]
    assert (first["status"], second["status"]) == ("rejected", "accepted")
    assert first["acceptance"] == {
        "accepted": False,
        "rating": 2,
        "reason": "still leaking at the flange",
        "responded_at": "2026-11-02T11:00:00Z",
        "confirmed_by": "agent_call",  # the agent recorded the customer's call
        "recorded_by": "tester",
    }
    assert second["repair"]["result"] == "fixed" and second["repair"]["labour_hours"] == "1.50"
    assert second["repair"]["parts"][0]["reason"] == "anode consumed"
    events = d.events()
    assert [(e["type"], e["data"].get("visit_number")) for e in events] == [
        ("repair.scheduled", 1),
        ("technician.arrived", 1),
        ("repair.completed", 1),
        ("repair.rejected", 1),
        ("repair.scheduled", 2),
        ("technician.arrived", 2),
        ("repair.completed", 2),
        ("repair.accepted", 2),
        ("followup.recorded", None),
    ]
    assert [e["sequence"] for e in events] == list(range(1, 10))
    assert {e["aggregate_id"] for e in events} == {work_order}
    completed = events[2]["data"]
    assert completed["result"] == "not_fixed" and completed["labour_hours"] == "1.50"
    part = completed["parts"][0]
    assert (part["part_no"], part["quantity"], part["genuine"]) == ("CP-400-ANODE", 1, True)
    assert part["covered_by_warranty"] is True and part["unit_price"] is None
    assert completed["warranty"] == {
        "status": "in_warranty",
        "parts_covered": True,
        "labour_covered": True,
    }
    assert completed["serial_no"] == "SN-5" and completed["technician_id"] == dong
    assert events[3]["data"]["rating"] == 2
    assert events[7]["data"]["rating"] == 5 and events[7]["data"]["first_time_fix"] is False
    assert follow_up.status_code == 200
    assert follow_up.get_json()["follow_ups"][0]["satisfaction"] == 4
    assert events[8]["data"]["technician_id"] == dong and events[8]["data"]["satisfaction"] == 4


WARRANTIES = {
    "in_warranty": {"status": "in_warranty", "parts_covered": True, "labour_covered": True},
    "out_of_warranty": {
        "status": "out_of_warranty",
        "parts_covered": False,
        "labour_covered": False,
    },
}


@pytest.mark.parametrize(
    ("warranty", "target"), [("in_warranty", "replacement"), ("out_of_warranty", "return")]
)
def test_third_failed_visit_on_a_product_defect_escalates(
    dispatch: Dispatch, warranty: str, target: str
) -> None:
    d = dispatch
    d.technician("Dong")
    work_order = d.open_repair(
        nature="product_defect", warranty=WARRANTIES[warranty] | {"reason": "policy"}
    )
    for result in ("not_fixed", "not_fixed"):
        d.visit(work_order, "Dong", result, parts=[])
        assert d.answer(work_order, accepted=False).get_json()["status"] == "unscheduled"
    d.visit(work_order, "Dong", "fixed", parts=[])  # fixed on paper, still rejected

    third = d.answer(work_order, accepted=False, rating=1)

    assert third.get_json()["status"] == "escalated"
    assert third.get_json()["escalated_to"] == target
    rejected, escalated = d.events()[-2:]
    assert rejected["type"] == "repair.rejected" and rejected["data"]["visit_number"] == 3
    assert escalated["type"] == "repair.escalated"
    assert escalated["data"]["escalated_to"] == target
    assert escalated["data"]["failed_visits"] == 3 and escalated["data"]["visit_number"] == 3
    assert escalated["data"]["nature"] == "product_defect"
    assert escalated["data"]["warranty"] == WARRANTIES[warranty]
    assert d.schedule(work_order).status_code == 409


def test_escalation_threshold_is_an_option_and_only_product_defects_escalate(
    database_url: str,
) -> None:
    d = make_dispatch(database_url, failed_visits_before_escalation="2")
    try:
        d.technician("Dong")
        defect, wear = d.open_repair(nature="product_defect"), d.open_repair(nature="wear")
        for _ in range(2):
            for work_order in (defect, wear):
                d.visit(work_order, "Dong", "not_fixed")
                d.answer(work_order, accepted=False)
        assert d.work_order(defect)["status"] == "escalated"
        assert d.work_order(wear)["status"] == "unscheduled"
        escalated = d.events("repair.escalated")
        assert [e["data"]["work_order_id"] for e in escalated] == [defect]
        assert escalated[0]["data"]["failed_visits"] == 2
    finally:
        d.rt.db.dispose()


def test_new_repair_on_the_same_serial_within_30_days_is_a_repeat(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    original = d.open_repair(serial_no="SN-R")
    d.visit(original, "Dong", "fixed")
    d.answer(original, accepted=True, rating=5)
    accepted_at = d.clock.now()
    [accepted] = d.events("repair.accepted")
    assert accepted["data"]["first_time_fix"] is True and accepted["data"]["repeat_of"] is None

    d.clock.at = accepted_at + dt.timedelta(days=30)
    repeat = d.open_repair(serial_no="SN-R")
    other_serial = d.open_repair(serial_no="SN-X")
    d.clock.advance(seconds=1)
    after_30_days = d.open_repair(serial_no="SN-R")

    assert d.work_order(repeat)["repeat_of"] == original
    assert d.work_order(other_serial)["repeat_of"] is None
    assert d.work_order(after_30_days)["repeat_of"] is None
    d.visit(repeat, "Dong", "fixed")
    d.answer(repeat, accepted=True)
    assert d.events("repair.scheduled")[-1]["data"]["repeat_of"] == original
    assert d.events("repair.accepted")[-1]["data"]["repeat_of"] == original


# -- refusals ----------------------------------------------------------------------------------
def test_transitions_the_state_forbids_are_409_and_write_nothing(dispatch: Dispatch) -> None:
    """409 for what the status forbids; 403 for a technician acting on a visit that is not
    theirs, told before the status (they learn nothing of another's work order)."""
    d = dispatch
    dong = d.technician("Dong")
    d.technician("Bai")
    work_order = d.open_repair()
    follow_up = {"satisfaction": 3, "remarks": "ok"}
    not_theirs = "not assigned to you"

    def refused(response: Any, detail: str = "", status: int = 409) -> None:
        before = d.counts(), d.work_order(work_order)
        assert response.status_code == status, response.get_json()
        assert response.content_type == "application/problem+json"
        assert detail in response.get_json()["detail"]
        assert (d.counts(), d.work_order(work_order)) == before

    now = d.clock.now()
    refused(d.complete(work_order, "Dong"), not_theirs, 403)
    refused(d.check_in(work_order, "Dong", now), not_theirs, 403)
    refused(d.answer(work_order, accepted=True))
    refused(d.post(f"/work-orders/{work_order}/follow-up", follow_up, "agent"))
    d.schedule(work_order, technician_id=dong)
    refused(d.check_in(work_order, "Bai", now), not_theirs, 403)
    refused(d.complete(work_order, "Dong"), "is scheduled")
    d.clock.advance(hours=2)
    assert d.check_in(work_order, "Dong", d.clock.now()).status_code == 200
    refused(d.check_in(work_order, "Dong", d.clock.now()))
    refused(d.schedule(work_order), "is in_progress")
    refused(d.complete(work_order, "Bai"), not_theirs, 403)
    d.clock.advance(hours=1)
    assert d.complete(work_order, "Dong", "not_fixed").status_code == 200
    refused(d.answer(work_order, accepted=True), "not fixed")
    refused(d.complete(work_order, "Dong"))
    path = f"/work-orders/{work_order}/acceptance"
    refused(
        d.post(path, {"accepted": False, "rating": 1, "reason": "x"}, "technician", sub="x"),
        not_theirs,
        403,
    )
    unsigned = {"accepted": False, "rating": 2, "reason": "no"}
    alone = d.post(path, unsigned, "technician", sub="tech-Dong")
    assert alone.status_code == 422 and "confirmation" in alone.get_json()["errors"]
    signature = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="
    signed = unsigned | {
        "confirmation": {"method": "customer_signature", "customer_signature": signature}
    }
    mine = d.post(path, signed, "technician", sub="tech-Dong")
    assert mine.status_code == 200
    refused(d.answer(work_order, accepted=False))
    d.visit(work_order, "Dong", "fixed")
    assert d.answer(work_order, accepted=True).status_code == 200
    refused(d.answer(work_order, accepted=True), "is accepted")
    refused(d.schedule(work_order), "is accepted")


def _at_stage(d: Dispatch, stage: str) -> str:
    """A work order brought to ``stage`` by technician Dong."""
    d.technician("Dong")
    work_order = d.open_repair()
    if stage == "unscheduled":
        return work_order
    d.schedule(work_order)
    if stage == "scheduled":
        return work_order
    d.clock.advance(hours=2)
    d.check_in(work_order, "Dong", d.clock.now())
    if stage == "in_progress":
        return work_order
    d.clock.advance(hours=1)
    d.complete(work_order, "Dong")
    if stage == "awaiting_acceptance":
        return work_order
    d.answer(work_order, accepted=True)
    return work_order


def _completion(**changes: Any) -> Any:
    def make(d: Dispatch) -> dict[str, Any]:
        now = d.clock.now()
        return completion_body(started_at=now - HOUR, finished_at=now) | changes

    return make


def _window(**changes: Any) -> Any:
    def make(d: Dispatch) -> dict[str, Any]:
        start = d.clock.now() + HOUR
        window = {"window_start": iso(start), "window_end": iso(start + 2 * HOUR)}
        return window | {"agreed_via": "phone"} | changes

    return make


def _part(**changes: Any) -> Any:
    return _completion(parts=[COVERED_ANODE | {"part_no": "P-1"} | changes])


CHECK_IN = {
    "identity_verified": True,
    "work_id_shown": "W-DONG",
    "product_model": "CP-400",
    "symptom_check": {"confirmed": True, "observed": "blistering"},
}
ANSWER = {"accepted": True, "rating": 4}
NOT_FIXED = {"result": "maybe"}
# (case, stage, action, role, body factory, field)
BAD_INPUTS: list[tuple[str, str, str, str, Any, str]] = [
    ("no window end", "unscheduled", "schedule", "agent", _window(window_end=None), "window_end"),
    (
        "end before start",
        "unscheduled",
        "schedule",
        "agent",
        _window(window_end="2026-11-02T08:30:00+00:00"),
        "window_end",
    ),
    (
        "window already over",
        "unscheduled",
        "schedule",
        "agent",
        lambda d: {
            "window_start": iso(START - 3 * HOUR),
            "window_end": iso(START - HOUR),
            "agreed_via": "phone",
        },
        "window_end",
    ),
    (
        "naive start",
        "unscheduled",
        "schedule",
        "agent",
        _window(window_start="2026-11-02T09:00:00"),
        "window_start",
    ),
    (
        "bad technician id",
        "unscheduled",
        "schedule",
        "agent",
        _window(technician_id="7"),
        "technician_id",
    ),
    (
        "unknown technician",
        "unscheduled",
        "schedule",
        "agent",
        _window(technician_id=str(uuid.uuid4())),
        "technician_id",
    ),
    (
        "customer flag not boolean",
        "unscheduled",
        "schedule",
        "agent",
        _window(rescheduled_by_customer="perhaps"),
        "rescheduled_by_customer",
    ),
    ("unknown field", "unscheduled", "schedule", "agent", _window(colour="red"), "colour"),
    (
        "not said how agreed",
        "unscheduled",
        "schedule",
        "agent",
        _window(agreed_via=None),
        "agreed_via",
    ),
    (
        "agreed by pigeon",
        "unscheduled",
        "schedule",
        "agent",
        _window(agreed_via="pigeon"),
        "agreed_via",
    ),
    ("move not said by whom", "scheduled", "schedule", "agent", _window(), "requested_by"),
    (
        "move without a reason",
        "scheduled",
        "schedule",
        "agent",
        _window(requested_by="customer"),
        "reason",
    ),
    (
        "move asked by a stranger",
        "scheduled",
        "schedule",
        "agent",
        _window(requested_by="neighbour", reason="x"),
        "requested_by",
    ),
    (
        "work ID not said",
        "scheduled",
        "check-in",
        "technician",
        lambda d: CHECK_IN | {"work_id_shown": None},
        "work_id_shown",
    ),
    (
        "symptom not re-checked",
        "scheduled",
        "check-in",
        "technician",
        lambda d: CHECK_IN | {"symptom_check": None},
        "symptom_check",
    ),
    (
        "symptom observed blank",
        "scheduled",
        "check-in",
        "technician",
        lambda d: CHECK_IN | {"symptom_check": {"confirmed": False, "observed": ""}},
        "symptom_check.observed",
    ),
    (
        "part without a reason",
        "in_progress",
        "completion",
        "technician",
        _part(reason=None),
        "parts.0.reason",
    ),
    (
        "part without who pays",
        "in_progress",
        "completion",
        "technician",
        _part(covered_by_warranty=None),
        "parts.0.covered_by_warranty",
    ),
    (
        "part with no price",
        "in_progress",
        "completion",
        "technician",
        _part(covered_by_warranty=False),
        "parts.0.part_no",
    ),
    (
        "non-genuine without approval",
        "in_progress",
        "completion",
        "technician",
        _part(genuine=False),
        "parts.0.genuine",
    ),
    ("body not an object", "unscheduled", "schedule", "agent", lambda d: [1], "body"),
    (
        "identity not said",
        "scheduled",
        "check-in",
        "technician",
        lambda d: {"product_model": "CP-400"},
        "identity_verified",
    ),
    (
        "arrival in the future",
        "scheduled",
        "check-in",
        "technician",
        lambda d: CHECK_IN | {"arrived_at": iso(d.clock.now() + HOUR)},
        "arrived_at",
    ),
    (
        "arrival before scheduling",
        "scheduled",
        "check-in",
        "technician",
        lambda d: CHECK_IN | {"arrived_at": iso(START - HOUR)},
        "arrived_at",
    ),
    (
        "no model",
        "scheduled",
        "check-in",
        "technician",
        lambda d: CHECK_IN | {"product_model": ""},
        "product_model",
    ),
    (
        "hours not a number",
        "in_progress",
        "completion",
        "technician",
        _completion(labour_hours="two"),
        "labour_hours",
    ),
    (
        "hours to three places",
        "in_progress",
        "completion",
        "technician",
        _completion(labour_hours="1.555"),
        "labour_hours",
    ),
    (
        "negative hours",
        "in_progress",
        "completion",
        "technician",
        _completion(labour_hours="-1"),
        "labour_hours",
    ),
    (
        "zero quantity",
        "in_progress",
        "completion",
        "technician",
        _part(quantity=0),
        "parts.0.quantity",
    ),
    (
        "genuine not said",
        "in_progress",
        "completion",
        "technician",
        _completion(parts=[{"part_no": "P-1", "quantity": 1}]),
        "parts.0.genuine",
    ),
    (
        "unknown result",
        "in_progress",
        "completion",
        "technician",
        _completion(**NOT_FIXED),
        "result",
    ),
    (
        "finished before started",
        "in_progress",
        "completion",
        "technician",
        _completion(
            started_at="2026-11-02T09:59:00+00:00", finished_at="2026-11-02T09:58:00+00:00"
        ),
        "finished_at",
    ),
    (
        "started before arrival",
        "in_progress",
        "completion",
        "technician",
        _completion(started_at="2026-11-02T09:00:00+00:00"),
        "started_at",
    ),
    (
        "no signature",
        "in_progress",
        "completion",
        "technician",
        _completion(customer_signature=None),
        "customer_signature",
    ),
    (
        "rating out of range",
        "awaiting_acceptance",
        "acceptance",
        "agent",
        lambda d: ANSWER | {"rating": 6},
        "rating",
    ),
    (
        "rating as text",
        "awaiting_acceptance",
        "acceptance",
        "agent",
        lambda d: ANSWER | {"rating": "5"},
        "rating",
    ),
    (
        "rejected without reason",
        "awaiting_acceptance",
        "acceptance",
        "agent",
        lambda d: {"accepted": False, "rating": 2},
        "reason",
    ),
    (
        "answer not given",
        "awaiting_acceptance",
        "acceptance",
        "agent",
        lambda d: {"rating": 2},
        "accepted",
    ),
    (
        "answer in the future",
        "awaiting_acceptance",
        "acceptance",
        "agent",
        lambda d: ANSWER | {"responded_at": iso(d.clock.now() + HOUR)},
        "responded_at",
    ),
    (
        "satisfaction zero",
        "accepted",
        "follow-up",
        "agent",
        lambda d: {"satisfaction": 0, "remarks": "meh"},
        "satisfaction",
    ),
    ("no remarks", "accepted", "follow-up", "agent", lambda d: {"satisfaction": 4}, "remarks"),
]


@pytest.mark.parametrize(
    ("case", "stage", "action", "role", "make_body", "field"),
    BAD_INPUTS,
    ids=[c[0] for c in BAD_INPUTS],
)
def test_bad_input_on_every_endpoint_names_the_field_and_writes_nothing(
    dispatch: Dispatch, case: str, stage: str, action: str, role: str, make_body: Any, field: str
) -> None:
    d = dispatch
    work_order = _at_stage(d, stage)
    body = make_body(d)
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if v is not None}
    before = d.counts(), d.work_order(work_order)

    response = d.post(f"/work-orders/{work_order}/{action}", body, role, sub="tech-Dong")

    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
    assert (d.counts(), d.work_order(work_order)) == before


WORK_ORDER_ACTIONS = {
    "schedule": ("agent", "manager", "admin"),
    "check-in": ("technician",),
    "completion": ("technician",),
    "acceptance": ("agent", "technician", "manager", "admin"),
    "follow-up": ("agent", "manager", "admin"),
}
ROLES = ("agent", "technician", "engineer", "finance", "manager", "admin")


@pytest.mark.parametrize("action", list(WORK_ORDER_ACTIONS))
def test_each_action_admits_only_its_roles(dispatch: Dispatch, action: str) -> None:
    d = dispatch
    work_order = d.open_repair()
    path = f"/work-orders/{work_order}/{action}"
    before = d.counts()

    statuses = {
        role: d.post(path, {}, role).status_code
        for role in ROLES
        if role not in WORK_ORDER_ACTIONS[action]
    }
    anonymous = d.client.post(path, json={})

    assert set(statuses.values()) == {403}, statuses
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    # The admitted roles get past auth to validation of the empty body.
    assert {d.post(path, {}, role).status_code for role in WORK_ORDER_ACTIONS[action]} == {422}
    assert d.counts() == before


def test_reads_admit_only_their_roles(dispatch: Dispatch) -> None:
    d = dispatch
    tech = d.technician("Dong")
    work_order = d.open_repair()
    reads = {
        "/technicians": ("agent", "manager", "admin"),
        f"/technicians/{tech}": ("agent", "manager", "admin"),
        "/work-orders": ("agent", "technician", "engineer", "manager", "admin"),
        f"/work-orders/{work_order}": ("agent", "engineer", "manager", "admin"),
    }
    for path, admitted in reads.items():
        for role in ROLES:
            expected = 200 if role in admitted else 403
            if path == f"/work-orders/{work_order}" and role == "technician":
                expected = 404  # admitted, but not their work order
            assert d.get(path, role).status_code == expected, (path, role)
    assert d.client.get("/work-orders").status_code == 401
    refused = d.post("/technicians", technician_body(user_sub="x"), "agent")
    assert refused.status_code == 403 and d.counts()[0] == 1


def test_a_technician_sees_only_their_own_work_orders(dispatch: Dispatch) -> None:
    d = dispatch
    dong, bai = d.technician("Dong"), d.technician("Bai")
    mine, theirs = d.open_repair(), d.open_repair()
    d.schedule(mine, technician_id=dong)
    d.schedule(theirs, technician_id=bai)

    listed = d.get("/work-orders", "technician", sub="tech-Dong").get_json()

    assert [w["id"] for w in listed] == [mine]
    assert d.get(f"/work-orders/{mine}", "technician", sub="tech-Dong").status_code == 200
    assert d.get(f"/work-orders/{theirs}", "technician", sub="tech-Dong").status_code == 404
    assert d.get("/work-orders", "technician", sub="nobody").get_json() == []


def test_a_region_limited_token_neither_sees_nor_changes_another_region(
    dispatch: Dispatch,
) -> None:
    d = dispatch
    north_tech = d.technician("Bei", region="north")
    d.technician("Dong")
    north = d.open_repair("north")
    east = d.open_repair("east")
    window = {
        "window_start": iso(START + HOUR),
        "window_end": iso(START + 3 * HOUR),
        "agreed_via": "phone",
    }
    before = d.counts()

    hidden = d.get(f"/work-orders/{north}", "agent", region="east")
    listed = d.get("/work-orders", "manager", region="east").get_json()
    changed = d.post(f"/work-orders/{north}/schedule", window, "agent", region="east")
    answered = d.post(f"/work-orders/{north}/acceptance", ANSWER, "admin", region="east")
    technician = d.get(f"/technicians/{north_tech}", "manager", region="east")
    roster = d.get("/technicians", "manager", region="east").get_json()
    registered = d.post("/technicians", technician_body(region="north"), "manager", region="east")

    assert hidden.status_code == changed.status_code == answered.status_code == 404
    assert [w["id"] for w in listed] == [east]
    assert technician.status_code == 404 and [t["name"] for t in roster] == ["Dong"]
    assert registered.status_code == 403
    assert registered.get_json()["errors"] == {"region": ["outside the caller's region"]}
    assert d.counts() == before
    assert (
        d.post(f"/work-orders/{north}/schedule", window, "agent", region="north").status_code == 200
    )


def test_openapi_documents_the_dispatch_endpoints(dispatch: Dispatch) -> None:
    paths = dispatch.client.get("/openapi.json").get_json()["paths"]
    assert {
        "/technicians",
        "/technicians/{technician_id}",
        "/work-orders",
        "/work-orders/{work_order_id}",
        "/work-orders/{work_order_id}/schedule",
        "/work-orders/{work_order_id}/check-in",
        "/work-orders/{work_order_id}/completion",
        "/work-orders/{work_order_id}/acceptance",
        "/work-orders/{work_order_id}/follow-up",
    } <= set(paths)
