"""Filing a complaint (deadline, owner, the complainant's key and notice), reassigning it,
and waiting on the complainant (the deadline's clock paused)."""

from __future__ import annotations

import uuid
from typing import Any

from services.complaints import domain
from services.complaints.domain import Owner
from services.complaints.models import Complaint
from services.complaints.repositories import ComplaintsUnitOfWork
from shared.auth import Principal
from shared.domain import require_region


def file_complaint(
    uow: ComplaintsUnitOfWork, *, complaint_in: dict[str, Any], by: Principal
) -> Complaint:
    """Record a complaint, route it to its owner, set its deadline (``complaint.filed``)."""
    require_region(by, complaint_in["region"])
    routing = uow.routing()
    routing.require_category(complaint_in["category"])
    region, severity = complaint_in["region"], complaint_in["severity"]
    owner = routing.chain(complaint_in["category"], region)[0]
    now = uow.clock.now()
    filed_at = complaint_in.get("filed_at") or now
    calendar, hours = uow.calendar(region), routing.hours(severity)
    deadline = domain.resolution_deadline(calendar, filed_at=filed_at, hours=hours)
    complaint = Complaint(
        id=uuid.uuid4(),
        **{k: complaint_in.get(k) for k in _COPIED},
        **_complainant(uow, complaint_in["complainant"]),
        status=domain.OPEN,
        filed_at=filed_at,
        created_at=now,
        created_by=by.sub,
        handling_hours=hours,
        deadline_at=deadline,
        owner_department=owner.department,
        owner_person=owner.person,
        escalation_level=0,
        version=0,
        **{part: [] for part in ("evidence", "resolutions", "measures", "pauses", "timeline")},
    )
    complaint.handling_notice = domain.handling_notice(
        language=complaint.complainant_language,
        reference=str(complaint.id)[:8],
        hours=hours,
        deadline_at=deadline,
        tz=calendar.tz,
    )
    uow.complaints.add(complaint)
    complaint.announce()
    uow.commit()
    return complaint


def _complainant(uow: ComplaintsUnitOfWork, person: dict[str, Any]) -> dict[str, Any]:
    """The complainant's columns, with the pseudonymous key events carry instead of them."""
    contact = domain.normalised_contact(person.get("phone"), person.get("email"))
    return {
        "complainant_name": person["name"],
        "complainant_phone": person.get("phone"),
        "complainant_email": person.get("email"),
        "complainant_language": person["language"],
        "complainant_key": domain.complainant_key(contact, uow.complainant_secret()),
    }


_COPIED = (
    "region",
    "channel",
    "category",
    "severity",
    "subject",
    "description",
    "ticket_id",
    "work_order_id",
)


def reassign_complaint(
    uow: ComplaintsUnitOfWork,
    *,
    complaint_id: uuid.UUID,
    reassignment_in: dict[str, Any],
    by: Principal,
) -> Complaint:
    """Give a complaint to another owner, with the reason kept on its timeline."""
    complaint = uow.complaints.get_for_step(complaint_id, by=by)
    owner = Owner(reassignment_in["department"], reassignment_in["person"])
    at = complaint.step_time(None, now=uow.clock.now(), field="at")
    complaint.assign(
        owner,
        level=complaint.escalation_level,
        reason=reassignment_in["reason"],
        at=at,
        by=by.sub,
    )
    uow.commit()
    return complaint


def set_waiting(
    uow: ComplaintsUnitOfWork, *, complaint_id: uuid.UUID, waiting_in: dict[str, Any], by: Principal
) -> Complaint:
    """Start waiting on the complainant (the clock stops), or stop (the deadline moves by
    the business time the wait took)."""
    complaint = uow.complaints.get_for_step(complaint_id, by=by)
    at = complaint.step_time(waiting_in.get("at"), now=uow.clock.now(), field="at")
    if waiting_in["waiting"]:
        complaint.wait_for_complainant(waiting_in["reason"], at=at, by=by.sub)
    else:
        complaint.require((domain.WAITING,), "resuming")
        pauses = [*complaint.intervals_paused(), (complaint.pauses[-1].started_at, at)]
        deadline = domain.resolution_deadline(
            uow.calendar(complaint.region),
            filed_at=complaint.filed_at,
            hours=complaint.handling_hours,
            pauses=pauses,
        )
        complaint.resume(at=at, by=by.sub, deadline_at=deadline)
    uow.commit()
    return complaint
