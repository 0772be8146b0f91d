"""The technician's screens, made for a phone: today's visits in order, with call and map
links, and the check-in form."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from console.clients import ApiError
from console.context import api, calendar, current_user, has_role, login_required, now, settings
from console.sla import parse_time
from console.views.forms import field_errors, new_submission_key

blp = Blueprint("technician", __name__)
CHECK_IN_FIELDS = (
    "identity_verified",
    "work_id_shown",
    "product_model",
    "symptom_check.confirmed",
    "symptom_check.observed",
    "stop_reason",
)


def _region() -> str:
    user = current_user() or {}
    return str(user.get("region") or request.args.get("region") or "")


def _day(region: str) -> dt.date:
    asked = request.args.get("date", "")
    try:
        return dt.date.fromisoformat(asked)
    except ValueError:
        return now().astimezone(calendar(region).tz).date()


def _stop(stop: dict[str, Any], tz: Any) -> dict[str, Any]:
    start, end = parse_time(stop["window_start"]), parse_time(stop["window_end"])
    assert start is not None and end is not None
    phone = stop.get("site_contact_phone") or stop.get("customer_phone") or ""
    address = stop.get("site_address") or ""
    return {
        **stop,
        "starts": start.astimezone(tz).strftime("%H:%M"),
        "ends": end.astimezone(tz).strftime("%H:%M"),
        "tel": "tel:" + "".join(c for c in phone if c.isdigit() or c == "+"),
        "phone": phone,
        "map": settings().map_url.format(address=quote(address)) if address else "",
    }


@blp.route("/today")
@login_required
def today() -> Any:
    """The signed-in technician's visits of the day (dispatch's routes), in time order."""
    if not has_role("technician", "dispatcher", "manager", "admin"):
        abort(403)
    region = _region()
    if not region:
        return render_template("technician/today.html", stops=[], day=None, error=None)
    day, error = _day(region), None
    tz = calendar(region).tz
    stops: list[dict[str, Any]] = []
    try:
        routes = api("dispatch").get("/routes", params={"region": region, "date": day}).body
        stops = [_stop(s, tz) for route in routes for s in route["stops"]]
        stops.sort(key=lambda s: s["window_start"])
    except ApiError as exc:
        error = exc
    return render_template(
        "technician/today.html", stops=stops, day=day, error=error,
        previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1),
    )  # fmt: skip


def _check_in_page(work_order: dict[str, Any], values: dict[str, str], **extra: Any) -> str:
    return render_template(
        "technician/check_in.html", work_order=work_order, values=values,
        errors=extra.get("errors", {}), general=extra.get("general", []),
    )  # fmt: skip


def _check_in_body(work_order: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The form as dispatch's check-in: the symptom re-checked on a repair visit."""
    body: dict[str, Any] = {
        "identity_verified": values["identity_verified"] == "yes",
        "product_model": values["product_model"].strip(),
        "work_id_shown": values["work_id_shown"].strip(),
    }
    observed = values["symptom_check.observed"].strip()
    if work_order.get("kind") == "repair" and (observed or values["stop_reason"].strip() == ""):
        body["symptom_check"] = {
            "confirmed": values["symptom_check.confirmed"] != "no",
            "observed": observed,
        }
    if values["stop_reason"].strip():
        body["stop_reason"] = values["stop_reason"].strip()
    return body


@blp.route("/visits/<uuid:work_order_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(work_order_id: uuid.UUID) -> Any:
    """Arrival on site: the customer's identity and the product model are checked."""
    if not has_role("technician"):
        abort(403)
    work_order = api("dispatch").get(f"/work-orders/{work_order_id}").body
    if request.method == "GET":
        return _check_in_page(work_order, {"key": new_submission_key()})
    values = {name: request.form.get(name, "") for name in (*CHECK_IN_FIELDS, "key")}
    body = _check_in_body(work_order, values)
    try:
        api("dispatch").post(f"/work-orders/{work_order_id}/check-in", body, values["key"])
    except ApiError as exc:
        if exc.status != 503:
            values["key"] = new_submission_key()
        by_field, general = field_errors(exc, CHECK_IN_FIELDS)
        page = _check_in_page(work_order, values, errors=by_field, general=general)
        return page, exc.status if exc.status < 500 else 502
    flash(_("Checked in."))
    if "stop_reason" in body:  # the visit stopped: back to the day's list
        return redirect(url_for("technician.today", date=request.args.get("date")))
    return redirect(url_for("visit.repair", work_order_id=work_order_id))
