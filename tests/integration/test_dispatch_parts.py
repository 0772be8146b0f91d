"""The visit in the field (issue 9) through dispatch's API, on SQLite and PostgreSQL: the
appointment as agreed and who moved it, the work ID shown on arrival, parts priced from the
fee schedule billing published, agreed by the customer before use, non-genuine only with a
manager's approval; every refusal names the field and writes nothing; a region-limited token
neither sees nor acts on another region's work orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from services.billing.events import PUBLISHES as BILLING_EVENTS
from services.dispatch import SERVICE as DISPATCH
from shared.messaging.processing import Outcome
from shared.migrations import upgrade
from tests.integration.dispatch_support import (
    COVERED_ANODE,
    HOUR,
    START,
    Dispatch,
    check_in_body,
    event_of,
    make_dispatch,
)

SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE="
SIGNED = {"method": "customer_signature", "customer_signature": SIGNATURE}
SEALANT = {"part_no": "SEALANT-7", "quantity": 2, "genuine": False, "reason": "flange resealed"}
GASKET = {"part_no": "GASKET-9", "quantity": 1, "genuine": True, "reason": "gasket perished"}
OUT_OF_WARRANTY = {
    "status": "out_of_warranty",
    "parts_covered": False,
    "labour_covered": False,
    "reason": "bought in 2019",
}


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    api = make_dispatch(database_url)
    yield api
    api.rt.db.dispose()


def publish_fee_schedule(d: Dispatch, version: int, parts: dict[str, str], **changes: Any) -> None:
    """billing's fee_schedule.published, in force since yesterday unless told otherwise."""
    event = event_of(
        BILLING_EVENTS,
        "fee_schedule.published",
        "national",
        d.clock.now(),
        schedule_version=version,
        effective_from=START - dt.timedelta(days=1),
        parts=[{"part_no": p, "description": "", "price": price} for p, price in parts.items()],
        **changes,
    )
    [settled] = d.deliver(event)
    assert settled.outcome is Outcome.APPLIED, settled.error


def on_site(d: Dispatch, tech: str = "Dong", **opened: Any) -> str:
    """A repair work order with ``tech`` (registered already) checked in on it (now)."""
    work_order = d.open_repair(**opened)
    assert d.schedule(work_order, technician_id=d.technician_id(tech)).status_code == 200
    d.clock.advance(hours=2)
    assert d.check_in(work_order, tech, d.clock.now()).status_code == 200
    return work_order


def propose(d: Dispatch, work_order: str, *parts: dict[str, Any], sub: str = "tech-Dong") -> Any:
    body = {"parts": list(parts)}
    return d.post(f"/work-orders/{work_order}/parts-proposals", body, "technician", sub=sub)


def agree(d: Dispatch, work_order: str, proposal_id: str, *roles: str, **kw: Any) -> Any:
    body = {"proposal_id": proposal_id, "confirmation": kw.pop("confirmation", SIGNED)}
    return d.post(f"/work-orders/{work_order}/parts-agreement", body, *roles, **kw)


def approve(d: Dispatch, work_order: str, part_no: str, **kw: Any) -> Any:
    body = {"part_no": part_no, "reason": "genuine sealant out of stock for weeks"}
    return d.post(f"/work-orders/{work_order}/non-genuine-approvals", body, "manager", **kw)


def chargeable(part: dict[str, Any]) -> dict[str, Any]:
    return part | {"covered_by_warranty": False}


# -- the happy paths -------------------------------------------------------------------------
def test_a_chargeable_part_agreed_then_used_and_a_warranty_part(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    publish_fee_schedule(d, 3, {"SEALANT-7": "12.50", "CP-400-ANODE": "85.50"})
    work_order = on_site(d)
    assert approve(d, work_order, "SEALANT-7", sub="boss-east").status_code == 200

    proposed = propose(d, work_order, SEALANT)
    assert proposed.status_code == 201, proposed.get_json()
    proposal = proposed.get_json()
    assert proposal["status"] == "proposed" and proposal["total"] == "25.00"
    assert proposal["lines"] == [
        SEALANT | {"unit_price": "12.50", "currency": "CNY", "schedule_version": 3}
    ]
    # Billing publishes a dearer schedule after the customer saw the price: the agreed holds.
    publish_fee_schedule(d, 4, {"SEALANT-7": "14.00"})
    dearer = propose(d, work_order, SEALANT | {"quantity": 1}).get_json()
    assert (dearer["total"], dearer["lines"][0]["schedule_version"]) == ("14.00", 4)
    agreed = agree(d, work_order, proposal["id"], "technician", sub="tech-Dong")
    assert agreed.status_code == 200, agreed.get_json()
    kept, unanswered = agreed.get_json()["part_agreements"]
    assert (kept["status"], kept["confirmed_by"]) == ("agreed", "customer_signature")
    assert (unanswered["id"], unanswered["status"]) == (dearer["id"], "proposed")

    d.clock.advance(hours=1)
    parts = [COVERED_ANODE, chargeable(SEALANT)]
    done = d.complete(work_order, "Dong", parts=parts)

    assert done.status_code == 200, done.get_json()
    [event] = d.events("repair.completed")
    anode, sealant = event["data"]["parts"]
    assert anode == COVERED_ANODE | {
        "unit_price": None,
        "currency": None,
        "schedule_version": None,
        "agreement": None,
        "non_genuine_approval": None,
    }
    assert sealant["unit_price"] == "12.50" and sealant["schedule_version"] == 3
    assert sealant["covered_by_warranty"] is False and sealant["reason"] == "flange resealed"
    assert sealant["agreement"]["agreement_id"] == proposal["id"]
    assert sealant["agreement"]["confirmed_by"] == "customer_signature"
    assert sealant["non_genuine_approval"]["approved_by"] == "boss-east"
    assert sealant["non_genuine_approval"]["reason"] == "genuine sealant out of stock for weeks"
    record = done.get_json()["visits"][0]["repair"]["parts"]
    assert record[1]["unit_price"] == "12.50" and record[1]["agreement"]["agreement_id"]


def test_an_agent_records_the_customers_agreement_from_a_call(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    publish_fee_schedule(d, 1, {"GASKET-9": "30.00"})
    work_order = on_site(d, warranty=OUT_OF_WARRANTY)
    proposal = propose(d, work_order, GASKET).get_json()

    called = agree(d, work_order, proposal["id"], "agent", confirmation={"method": "agent_call"})

    assert called.status_code == 200, called.get_json()
    assert called.get_json()["part_agreements"][0]["confirmed_by"] == "agent_call"
    d.clock.advance(hours=1)
    assert d.complete(work_order, "Dong", parts=[chargeable(GASKET)]).status_code == 200


# -- refusals ---------------------------------------------------------------------------------
def refused(d: Dispatch, work_order: str, response: Any, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()


def test_parts_that_break_the_rules_are_refused_and_nothing_is_written(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    publish_fee_schedule(d, 1, {"GASKET-9": "30.00", "SEALANT-7": "12.50"})
    work_order = on_site(d, warranty=OUT_OF_WARRANTY)
    before = d.counts(), d.work_order(work_order)

    refused(
        d, work_order, propose(d, work_order, GASKET | {"part_no": "NOPE-1"}), "parts.0.part_no"
    )
    refused(d, work_order, propose(d, work_order, SEALANT), "parts.0.genuine")
    d.clock.advance(hours=1)
    cases = [
        ([chargeable(GASKET)], "parts.0.part_no"),  # priced, but never agreed
        ([chargeable(GASKET | {"part_no": "NOPE-1"})], "parts.0.part_no"),  # no price at all
        ([COVERED_ANODE], "parts.0.covered_by_warranty"),  # this warranty covers no parts
        ([chargeable(SEALANT)], "parts.0.genuine"),  # non-genuine, no manager allowed it
    ]
    for parts, field in cases:
        refused(d, work_order, d.complete(work_order, "Dong", parts=parts), field)
    unpriced = d.complete(work_order, "Dong", parts=cases[1][0]).get_json()["errors"]
    assert unpriced["parts.0.part_no"] == ["NOPE-1: no price in the fee schedule in force"]
    unagreed = d.complete(work_order, "Dong", parts=cases[0][0]).get_json()["errors"]
    assert "not agreed by the customer" in unagreed["parts.0.part_no"][0]

    assert (d.counts(), d.work_order(work_order)) == before


def test_an_agreement_covers_only_what_it_agreed_on_its_own_work_order(dispatch: Dispatch) -> None:
    d = dispatch
    publish_fee_schedule(d, 1, {"GASKET-9": "30.00"})
    d.technician("Dong")
    mine = on_site(d, warranty=OUT_OF_WARRANTY)
    other = on_site(d, warranty=OUT_OF_WARRANTY)
    theirs = propose(d, other, GASKET).get_json()
    proposal = propose(d, mine, GASKET).get_json()
    before = d.counts(), d.work_order(mine), d.work_order(other)

    # A proposal (and so the customer's signature on it) of another work order.
    refused(d, mine, agree(d, mine, theirs["id"], "technician", sub="tech-Dong"), "proposal_id")
    # The technician alone cannot agree for the customer.
    unsigned = agree(d, mine, proposal["id"], "technician", sub="tech-Dong", confirmation=None)
    refused(d, mine, unsigned, "confirmation")
    assert (d.counts(), d.work_order(mine), d.work_order(other)) == before

    assert agree(d, mine, proposal["id"], "technician", sub="tech-Dong").status_code == 200
    again = agree(d, mine, proposal["id"], "technician", sub="tech-Dong")
    refused(d, mine, again, "status", status=409)
    d.clock.advance(hours=1)
    more = d.complete(mine, "Dong", parts=[chargeable(GASKET | {"quantity": 2})])
    refused(d, mine, more, "parts.0.part_no")  # one agreed, two used
    assert d.complete(mine, "Dong", parts=[chargeable(GASKET)]).status_code == 200


def test_only_a_manager_allows_a_non_genuine_part(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    work_order = on_site(d)
    path = f"/work-orders/{work_order}/non-genuine-approvals"
    body = {"part_no": "SEALANT-7", "reason": "out of stock"}
    for role in ("agent", "technician", "admin", "finance"):
        assert d.post(path, body, role).status_code == 403, role
    refused(d, work_order, d.post(path, {"part_no": "SEALANT-7"}, "manager"), "reason")
    assert d.work_order(work_order)["non_genuine_approvals"] == []
    allowed = d.post(path, body, "manager", sub="boss")
    assert allowed.status_code == 200
    [approval] = allowed.get_json()["non_genuine_approvals"]
    assert approval["part_no"] == "SEALANT-7" and approval["approved_by"] == "boss"


def test_a_region_limited_token_can_neither_see_nor_act_on_another_regions_parts(
    dispatch: Dispatch,
) -> None:
    d = dispatch
    publish_fee_schedule(d, 1, {"GASKET-9": "30.00"})
    d.technician("Bei", region="north")
    north = on_site(d, "Bei", region="north", warranty=OUT_OF_WARRANTY)
    proposal = propose(d, north, GASKET, sub="tech-Bei").get_json()
    before = d.counts(), d.work_order(north)

    hidden = d.get(f"/work-orders/{north}", "manager", region="east")
    approval = approve(d, north, "GASKET-9", region="east")
    agreement = agree(
        d, north, proposal["id"], "agent", region="east", confirmation={"method": "agent_call"}
    )
    by_a_stranger = propose(d, north, GASKET, sub="tech-Dong")

    assert hidden.status_code == approval.status_code == agreement.status_code == 404
    assert by_a_stranger.status_code == 403
    assert (d.counts(), d.work_order(north)) == before
    own = agree(
        d, north, proposal["id"], "agent", region="north", confirmation={"method": "agent_call"}
    )
    assert own.status_code == 200


# -- the appointment and the arrival --------------------------------------------------------------
def test_a_move_the_customer_asked_for_is_recorded_and_is_not_lateness(dispatch: Dispatch) -> None:
    d = dispatch
    dong, bai = d.technician("Dong"), d.technician("Bai")  # one visit each: same windows
    asked, moved = d.open_repair(), d.open_repair()
    for work_order, by_customer, tech in ((asked, True, dong), (moved, False, bai)):
        booked = d.schedule(
            work_order, technician_id=tech, agreed_via="portal", agreed_with="Wang Fang (site)"
        )
        assert booked.status_code == 200  # 09:00-11:00
        assert (
            d.schedule(work_order, starts_in=5 * HOUR, by_customer=by_customer).status_code == 200
        )

    d.clock.at = START + dt.timedelta(hours=6, minutes=30)  # 14:30: inside 13:00-15:00 only
    arrived = [
        d.check_in(w, name, d.clock.now()).get_json()["visits"][0]
        for w, name in ((asked, "Dong"), (moved, "Bai"))
    ]

    assert [v["on_time"] for v in arrived] == [True, False]
    assert [v["reschedule_requested_by"] for v in arrived] == ["customer", "company"]
    assert arrived[0]["reschedule_reason"] == "the customer is away"
    assert arrived[0]["agreed_via"] == "phone"  # the move was agreed by phone
    first, move = d.events("repair.scheduled")[:2]
    assert first["data"]["agreed_via"] == "portal"
    assert first["data"]["agreed_with"] == "Wang Fang (site)"
    assert first["data"]["requested_by"] is None
    assert move["data"]["requested_by"] == "customer" and move["data"]["agreed_with"] == "Li Wei"
    assert move["data"]["reschedule_reason"] == "the customer is away"
    assert move["data"]["rescheduled_by_customer"] is True


def test_a_work_id_that_is_not_the_assigned_technicians_stops_the_visit(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    d.technician("Bai")
    work_order = d.open_repair()
    d.schedule(work_order, technician_id=d.technician_id("Dong"))
    d.clock.advance(hours=2)

    shown = check_in_body(d.clock.now(), work_id="W-BAI")  # a colleague's badge
    response = d.post(f"/work-orders/{work_order}/check-in", shown, "technician", sub="tech-Dong")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "unscheduled"
    visit = body["visits"][0]
    assert (visit["status"], visit["work_id_shown"], visit["work_id_verified"]) == (
        "stopped",
        "W-BAI",
        False,
    )
    assert "work ID shown 'W-BAI'" in visit["stop_reason"]
    [stopped] = d.events("visit.stopped")
    assert stopped["data"]["failed_checks"] == ["identity"]
    [arrived] = d.events("technician.arrived")
    assert arrived["data"]["work_id_verified"] is False
    assert arrived["data"]["identity_verified"] is True  # the customer's identity was fine


def test_the_symptom_recheck_is_recorded_on_the_visit(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    work_order = d.open_repair()
    d.schedule(work_order)
    d.clock.advance(hours=2)
    check = {"confirmed": False, "observed": "no blistering; the weld seam is cracked"}

    response = d.check_in(work_order, "Dong", d.clock.now(), symptom_check=check)

    visit = response.get_json()["visits"][0]
    assert (visit["symptom_confirmed"], visit["symptom_observed"]) == (False, check["observed"])
    assert d.events("technician.arrived")[0]["data"]["symptom_confirmed"] is False


def test_technicians_registered_before_work_ids_get_one_and_keep_checking_in(
    database_url: str,
) -> None:
    upgrade(DISPATCH, database_url, "dispatch_0005")
    engine = sa.create_engine(database_url)
    technician_id = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
    # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid.
    stored = technician_id.replace("-", "") if engine.dialect.name == "sqlite" else technician_id
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO technicians (id, name, kind, region, active, user_sub, created_at) "
                "VALUES (:id, 'Dong', 'employee', 'east', :yes, 'tech-Dong', :at)"
            ),
            {"id": stored, "yes": True, "at": START},
        )
        conn.execute(
            sa.text("INSERT INTO technician_skills (technician_id, skill) VALUES (:id, 'coating')"),
            {"id": stored},
        )
    engine.dispose()
    d = make_dispatch(database_url)  # upgrades to the head
    try:
        body = d.get(f"/technicians/{technician_id}", "admin").get_json()
        assert body["work_id"] == "W-1F2E3D4C"
        work_order = d.open_repair()
        booked = d.schedule(work_order)
        assert booked.status_code == 200, booked.get_json()
        d.clock.advance(hours=2)
        shown = check_in_body(d.clock.now(), work_id="w-1f2e3d4c")
        arrived = d.post(
            f"/work-orders/{work_order}/check-in", shown, "technician", sub="tech-Dong"
        )
        assert arrived.status_code == 200, arrived.get_json()
        assert arrived.get_json()["visits"][0]["work_id_verified"] is True
        assert arrived.get_json()["status"] == "in_progress"
    finally:
        d.rt.db.dispose()


def test_a_technician_registered_without_a_work_id_is_issued_one(dispatch: Dispatch) -> None:
    d = dispatch
    body = {"name": "An", "kind": "employee", "region": "east", "skills": ["coating"]}
    created = d.post("/technicians", body, "admin").get_json()
    assert created["work_id"] == "W-" + created["id"].replace("-", "")[:8].upper()
    taken = d.post("/technicians", body | {"work_id": created["work_id"]}, "admin")
    refused(d, "", taken, "work_id", status=409)
