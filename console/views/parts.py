"""Chargeable parts on site, on the technician's phone: parts from billing's fee schedule put
to the customer at their prices (dispatch prices them), and the customer's agreement signed
on screen before the parts are used."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from console.clients import ApiError
from console.context import api, has_role, login_required
from console.views.forms import field_errors, new_submission_key

blp = Blueprint("parts", __name__)
ROWS = 3
ROW_FIELDS = ("part_no", "quantity", "reason")
FORM_FIELDS = (*ROW_FIELDS, "genuine")
PROPOSAL_FIELDS = ("parts", *(f"parts.{i}.{name}" for i in range(ROWS) for name in FORM_FIELDS))
AGREEMENT_FIELDS = ("proposal_id", "confirmation.customer_signature", "confirmation")


def catalogue() -> list[dict[str, Any]]:
    """The parts price list of billing's fee schedule in force (none when billing has
    published none or does not answer: the part number is then typed)."""
    try:
        schedule = api("billing").get("/fee-schedule").body
    except ApiError:
        return []
    return list(schedule.get("parts") or [])


def visit_proposals(work_order: dict[str, Any]) -> list[dict[str, Any]]:
    """The proposals of the work order's current visit, oldest first."""
    number = (work_order.get("visits") or [{}])[-1].get("number")
    return [a for a in work_order.get("part_agreements") or [] if a["visit_number"] == number]


def _rows(values: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(ROWS):
        row: dict[str, Any] = {
            name: values.get(f"parts.{i}.{name}", "").strip() for name in ROW_FIELDS
        }
        if row["part_no"]:
            quantity = row["quantity"]
            row["quantity"] = int(quantity) if quantity.isdigit() else quantity
            rows.append(row | {"genuine": values.get(f"parts.{i}.genuine") != "no"})
    return rows


def _page(work_order: dict[str, Any], values: dict[str, str], **extra: Any) -> str:
    return render_template(
        "technician/parts.html", work_order=work_order, values=values,
        proposals=visit_proposals(work_order), catalogue=catalogue(), rows=range(ROWS),
        errors=extra.get("errors", {}), general=extra.get("general", []),
        agreement_key=extra.get("agreement_key") or new_submission_key(),
    )  # fmt: skip


def _work_order(work_order_id: uuid.UUID) -> dict[str, Any]:
    if not has_role("technician"):
        abort(403)
    return api("dispatch").get(f"/work-orders/{work_order_id}").body


def _refused(work_order: dict[str, Any], values: dict[str, str], exc: ApiError) -> Any:
    if exc.status != 503:  # refused: the corrected form is a new submission
        values["key"] = new_submission_key()
    by_field, general = field_errors(exc, (*PROPOSAL_FIELDS, *AGREEMENT_FIELDS))
    page = _page(work_order, values, errors=by_field, general=general)
    return page, exc.status if exc.status < 500 else 502


@blp.route("/visits/<uuid:work_order_id>/parts", methods=["GET", "POST"])
@login_required
def propose(work_order_id: uuid.UUID) -> Any:
    """Chargeable parts put to the customer, priced by dispatch from the fee schedule."""
    work_order = _work_order(work_order_id)
    if request.method == "GET":
        return _page(work_order, {"key": new_submission_key()})
    values = {name: request.form.get(name, "") for name in (*PROPOSAL_FIELDS, "key")}
    path = f"/work-orders/{work_order_id}/parts-proposals"
    try:
        api("dispatch").post(path, {"parts": _rows(values)}, values["key"])
    except ApiError as exc:
        return _refused(work_order, values, exc)
    flash(_("The parts are priced: the customer signs to agree."))
    return redirect(url_for("parts.propose", work_order_id=work_order_id))


@blp.route("/visits/<uuid:work_order_id>/parts/agreement", methods=["POST"])
@login_required
def agree(work_order_id: uuid.UUID) -> Any:
    """The customer agrees to a proposal, signing on the phone."""
    work_order = _work_order(work_order_id)
    values = {name: request.form.get(name, "") for name in (*AGREEMENT_FIELDS, "key")}
    body = {
        "proposal_id": values["proposal_id"],
        "confirmation": {
            "method": "customer_signature",
            "customer_signature": values["confirmation.customer_signature"],
        },
    }
    try:
        api("dispatch").post(f"/work-orders/{work_order_id}/parts-agreement", body, values["key"])
    except ApiError as exc:
        return _refused(work_order, {"key": new_submission_key()}, exc)
    flash(_("The customer agreed to the parts."))
    return redirect(url_for("visit.repair", work_order_id=work_order_id))
