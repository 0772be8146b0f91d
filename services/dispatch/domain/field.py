"""The rules of the visit in the field: the appointment as agreed with the customer (and who
asked to move it), the technician's work ID and the symptom re-checked on arrival, and the
parts of a repair record (genuine or allowed by a manager, covered by warranty or priced from
the fee schedule and agreed by the customer before use)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from shared.errors import InvalidInput

# How the customer agreed to a visit's window.
AGREED_VIA = ("phone", "sms", "email", "in_person", "portal")
# Who asked to move a booked visit: the customer (not the technician's lateness) or the
# company (its technician or its planning: judged against what was promised).
REQUESTERS = ("customer", "company")
PROPOSED = "proposed"
AGREED = "agreed"


def appointment(
    schedule_in: Mapping[str, Any], *, rescheduling: bool, customer: str
) -> dict[str, Any]:
    """How a window was agreed, and with whom (the work order's customer unless named); for
    a booked visit that is moved, who asked for it and why (422 naming what is missing)."""
    record = {
        "agreed_via": schedule_in["agreed_via"],
        "agreed_with": schedule_in.get("agreed_with") or customer,
        "requested_by": None,
        "reason": None,
    }
    if not rescheduling:
        return record
    requested_by = schedule_in.get("requested_by")
    legacy = schedule_in.get("rescheduled_by_customer")
    if requested_by is None and legacy is not None:  # older clients: only the flag
        requested_by = "customer" if legacy else "company"
    errors: dict[str, list[str]] = {}
    if requested_by is None:
        errors["requested_by"] = ["required when a booked visit is moved: customer or company"]
    elif legacy is not None and legacy != (requested_by == "customer"):
        errors["rescheduled_by_customer"] = [f"contradicts requested_by {requested_by}"]
    if not schedule_in.get("reason"):
        errors["reason"] = ["required when a booked visit is moved"]
    if errors:
        raise InvalidInput("a moved visit says who asked for it and why", errors=errors)
    return record | {"requested_by": requested_by, "reason": schedule_in["reason"]}


def issued_work_id(technician_id: uuid.UUID) -> str:
    """The work ID of a technician registered without one (and of those registered before
    work IDs were kept): ``W-`` and the first 8 hex digits of their id, upper case."""
    return f"W-{technician_id.hex[:8].upper()}"


def same_work_id(shown: str, expected: str | None) -> bool:
    """The work ID the customer was shown is the assigned technician's (case and spaces
    aside)."""
    return expected is not None and shown.replace(" ", "").upper() == expected.upper()


def require_symptom_check(kind: str, check_in_in: Mapping[str, Any], *, going_ahead: bool) -> None:
    """A repair visit that goes ahead re-checks the reported symptom first (422)."""
    if kind == "repair" and going_ahead and check_in_in.get("symptom_check") is None:
        raise InvalidInput(
            "re-check the reported symptom on arrival",
            errors={"symptom_check": ["required for a repair visit that goes ahead"]},
        )


class PriceLike(Protocol):
    """A price from the fee schedule in force."""

    @property
    def amount(self) -> Decimal: ...

    @property
    def currency(self) -> str: ...

    @property
    def schedule_version(self) -> int: ...


def _genuine_errors(
    parts: Sequence[Mapping[str, Any]], approved: Mapping[str, Any]
) -> dict[str, list[str]]:
    """A non-genuine part is refused unless a manager allowed it for this work order."""
    return {
        f"parts.{i}.genuine": [f"non-genuine {p['part_no']} needs a manager's approval"]
        for i, p in enumerate(parts)
        if not p["genuine"] and p["part_no"] not in approved
    }


def _unpriced(part_no: str) -> list[str]:
    return [f"{part_no}: no price in the fee schedule in force"]


def price_proposal(
    parts: Sequence[Mapping[str, Any]],
    prices: Mapping[str, PriceLike],
    approved: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Chargeable parts put to the customer, each at its price in the fee schedule in force
    (422 naming a part with no price, or a non-genuine one no manager allowed)."""
    errors = _genuine_errors(parts, approved)
    for i, part in enumerate(parts):
        if part["part_no"] not in prices:
            errors[f"parts.{i}.part_no"] = _unpriced(part["part_no"])
    if errors:
        raise InvalidInput("these parts cannot be proposed", errors=errors)
    return [
        dict(part)
        | {
            "unit_price": prices[part["part_no"]].amount,
            "currency": prices[part["part_no"]].currency,
            "schedule_version": prices[part["part_no"]].schedule_version,
        }
        for part in parts
    ]


def proposal_total(lines: Sequence[Mapping[str, Any]]) -> Decimal:
    """What the customer agrees to pay for the proposed parts."""
    return sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal("0"))


class Agreed:
    """The chargeable parts the customer agreed to on this visit, drawn on as parts are
    used (each agreed quantity once)."""

    def __init__(self, agreements: Sequence[Mapping[str, Any]]) -> None:
        self.lines = [
            {**line, "left": int(line["quantity"]), "agreement": agreement}
            for agreement in agreements
            for line in agreement["lines"]
        ]

    def draw(self, part_no: str, quantity: int) -> dict[str, Any] | None:
        """The agreed line that covers ``quantity`` of ``part_no`` (then used up), if any."""
        for line in self.lines:
            if line["part_no"] == part_no and line["left"] >= quantity:
                line["left"] -= quantity
                return line
        return None


def _chargeable(
    part: Mapping[str, Any], agreed: Agreed, prices: Mapping[str, PriceLike]
) -> dict[str, Any] | list[str]:
    line = agreed.draw(part["part_no"], part["quantity"])
    if line is None:
        if part["part_no"] not in prices:
            return _unpriced(part["part_no"])
        return [f"{part['part_no']}: chargeable, and not agreed by the customer before use"]
    agreement = line["agreement"]
    return {
        "unit_price": Decimal(line["unit_price"]),
        "currency": line["currency"],
        "schedule_version": line["schedule_version"],
        "agreement": {
            "agreement_id": agreement["id"],
            "agreed_at": agreement["agreed_at"],
            "confirmed_by": agreement["confirmed_by"],
        },
    }


def record_parts(
    parts: Sequence[Mapping[str, Any]],
    *,
    parts_covered: bool,
    agreed: Agreed,
    prices: Mapping[str, PriceLike],
    approved: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The parts of a repair record, each covered by warranty (when the work order's
    warranty covers parts) or at the price the customer agreed to before use; a non-genuine
    part with the manager's approval. 422 naming every part that breaks a rule."""
    errors = _genuine_errors(parts, approved)
    recorded = []
    for i, part in enumerate(parts):
        line: dict[str, Any] | list[str] = {"unit_price": None, "currency": None}
        if part["covered_by_warranty"] and not parts_covered:
            errors[f"parts.{i}.covered_by_warranty"] = ["the warranty does not cover parts"]
        elif not part["covered_by_warranty"]:
            line = _chargeable(part, agreed, prices)
            if isinstance(line, list):
                errors[f"parts.{i}.part_no"] = line
                continue
        approval = approved.get(part["part_no"]) if not part["genuine"] else None
        recorded.append(
            {"schedule_version": None, "agreement": None}
            | dict(part)
            | dict(line)  # type: ignore[arg-type]
            | {"non_genuine_approval": dict(approval) if approval else None}
        )
    if errors:
        raise InvalidInput("the repair record's parts break the rules", errors=errors)
    return recorded
