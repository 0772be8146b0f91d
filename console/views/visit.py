"""The technician's visit after check-in, on a phone: the repair record with the parts used
and the customer's signature drawn on screen, then the customer's acceptance and rating.

Both forms carry their Idempotency-Key as a hidden field, so a form the phone queued while
offline (static/offline.js) and sent when the connection returns takes effect once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from console.clients import ApiError
from console.context import api, calendar, has_role, login_required, now
from console.sla import parse_time
from console.views.forms import field_errors, new_submission_key
from console.views.parts import catalogue, visit_proposals

blp = Blueprint("visit", __name__)
PART_ROWS = 3
PART_FIELDS = ("part_no", "quantity", "reason", "covered_by_warranty", "genuine")
REPAIR_FIELDS = (
    "work_performed",
    "labour_hours",
    "started_at",
    "finished_at",
    "result",
    "customer_signature",
    "parts",
    *(f"parts.{i}.{name}" for i in range(PART_ROWS) for name in PART_FIELDS),
)
ACCEPTANCE_FIELDS = ("accepted", "rating", "reason", "confirmation.customer_signature")


def _work_order(work_order_id: uuid.UUID) -> dict[str, Any]:
    if not has_role("technician"):
        abort(403)
    return api("dispatch").get(f"/work-orders/{work_order_id}").body


def _local(value: str | None, region: str) -> str:
    """An RFC 3339 time as a datetime-local value in the region's time zone."""
    moment = parse_time(value) if value else now()
    assert moment is not None
    return moment.astimezone(calendar(region).tz).strftime("%Y-%m-%dT%H:%M:%S")


def _aware(value: str, region: str, not_before: str | None = None) -> str:
    """A datetime-local value, read in the region's time zone, as RFC 3339 (blank stays).

    The field shows whole seconds: a time in the same second as ``not_before`` (the arrival
    prefilled as the start) means that moment, not the fraction of a second before it."""
    try:
        local = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value.strip()
    aware = local.replace(tzinfo=calendar(region).tz)
    floor = parse_time(not_before) if not_before else None
    if floor is not None and aware < floor and floor - aware < dt.timedelta(seconds=1):
        return floor.isoformat()
    return aware.isoformat()


def _parts(values: dict[str, str]) -> list[dict[str, Any]]:
    parts = []
    for i in range(PART_ROWS):
        row = {name: values.get(f"parts.{i}.{name}", "").strip() for name in PART_FIELDS}
        if not row["part_no"]:
            continue
        quantity: Any = int(row["quantity"]) if row["quantity"].isdigit() else row["quantity"]
        parts.append(
            {
                "part_no": row["part_no"],
                "quantity": quantity,
                "reason": row["reason"],
                "genuine": row["genuine"] != "no",
                "covered_by_warranty": row["covered_by_warranty"] == "yes",
            }
        )
    return parts


def _agreed_rows(work_order: dict[str, Any]) -> dict[str, str]:
    """The parts the customer agreed to on this visit, as the form's first rows (chargeable)."""
    agreed = [a for a in visit_proposals(work_order) if a["status"] == "agreed"]
    lines = [line for proposal in agreed for line in proposal["lines"]]
    values: dict[str, str] = {}
    for i, line in enumerate(lines[:PART_ROWS]):
        values |= {f"parts.{i}.{name}": str(line[name]) for name in ("part_no", "quantity")}
        values[f"parts.{i}.reason"] = str(line["reason"])
        values[f"parts.{i}.covered_by_warranty"] = "no"
    return values


def _repair_body(values: dict[str, str], region: str, arrived: str | None) -> dict[str, Any]:
    """The form as dispatch's repair record."""
    started = _aware(values["started_at"], region, not_before=arrived)
    return {
        "work_performed": values["work_performed"].strip(),
        "parts": _parts(values),
        "labour_hours": values["labour_hours"].strip(),
        "started_at": started,
        "finished_at": _aware(values["finished_at"], region, not_before=started),
        "result": values["result"],
        "customer_signature": values["customer_signature"],
    }


def _send(path: str, body: dict[str, Any], values: dict[str, str], fields: Any) -> Any:
    """POST to dispatch with the form's key; the problem by field when it is refused."""
    try:
        api("dispatch").post(path, body, values["key"])
    except ApiError as exc:
        if exc.status != 503:  # refused: the corrected form is a new submission
            values["key"] = new_submission_key()
        return exc, field_errors(exc, fields)
    return None, ({}, [])


@blp.route("/visits/<uuid:work_order_id>/repair", methods=["GET", "POST"])
@login_required
def repair(work_order_id: uuid.UUID) -> Any:
    """The repair record: work, parts, hours, start and finish, result, signature."""
    work_order = _work_order(work_order_id)
    region, visit = work_order["region"], (work_order.get("visits") or [{}])[-1]
    if request.method == "GET":
        values = {
            "key": new_submission_key(),
            "started_at": _local(visit.get("arrived_at"), region),
            "finished_at": _local(None, region),
            "result": "fixed",
            **_agreed_rows(work_order),
        }
        return _page("technician/repair.html", work_order, values)
    values = {name: request.form.get(name, "") for name in (*REPAIR_FIELDS, "key")}
    body = _repair_body(values, region, visit.get("arrived_at"))
    path = f"/work-orders/{work_order_id}/completion"
    error, (by_field, general) = _send(path, body, values, REPAIR_FIELDS)
    if error is not None:
        page = _page("technician/repair.html", work_order, values, by_field, general)
        return page, error.status if error.status < 500 else 502
    flash(_("Repair record sent."))
    return redirect(url_for("visit.acceptance", work_order_id=work_order_id))


@blp.route("/visits/<uuid:work_order_id>/acceptance", methods=["GET", "POST"])
@login_required
def acceptance(work_order_id: uuid.UUID) -> Any:
    """The customer accepts (or rejects) the repair and rates it, signing on the phone."""
    work_order = _work_order(work_order_id)
    if request.method == "GET":
        values = {"key": new_submission_key(), "accepted": "yes"}
        return _page("technician/acceptance.html", work_order, values)
    values = {name: request.form.get(name, "") for name in (*ACCEPTANCE_FIELDS, "key")}
    body: dict[str, Any] = {
        "accepted": values["accepted"] != "no",
        "rating": int(values["rating"]) if values["rating"].isdigit() else values["rating"],
        "confirmation": {
            "method": "customer_signature",
            "customer_signature": values["confirmation.customer_signature"],
        },
    }
    if values["reason"].strip():
        body["reason"] = values["reason"].strip()
    path = f"/work-orders/{work_order_id}/acceptance"
    error, (by_field, general) = _send(path, body, values, ACCEPTANCE_FIELDS)
    if error is not None:
        page = _page("technician/acceptance.html", work_order, values, by_field, general)
        return page, error.status if error.status < 500 else 502
    flash(_("The customer's answer is recorded."))
    return redirect(url_for("technician.today"))


def _page(
    template: str,
    work_order: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    general: list[str] | None = None,
) -> str:
    return render_template(
        template, work_order=work_order, values=values, errors=errors or {},
        general=general or [], part_rows=range(PART_ROWS), catalogue=catalogue(),
    )  # fmt: skip
