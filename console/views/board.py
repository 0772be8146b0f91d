"""The dispatcher's board: technicians by appointment hours for a region and day (a plain
HTML grid of dispatch's routes), the work waiting for a visit, and assigning or moving a
visit, with dispatch's refusal shown next to the field it names."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from console.clients import ApiError
from console.context import api, calendar, current_user, has_role, login_required, now, regions
from console.sla import parse_time
from console.views.forms import field_errors, new_submission_key

blp = Blueprint("board", __name__)
HOURS = range(8, 18)  # the board's columns: one an hour of the working day
AGREED_VIA = ("phone", "sms", "email", "in_person", "portal")
SCHEDULE_FIELDS = (
    "technician_id", "date", "start", "end", "window_start", "window_end", "agreed_via",
    "requested_by", "reason",
)  # fmt: skip


def _allowed() -> None:
    if not has_role("dispatcher", "manager", "admin"):
        abort(403)


def _region() -> str:
    user = current_user() or {}
    return str(user.get("region") or request.args.get("region") or regions()[0])


def _day(region: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return now().astimezone(calendar(region).tz).date()


def _technicians(region: str, routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The region's active technicians (those on a route when the roster cannot be read)."""
    try:
        roster = (
            api("dispatch")
            .get("/technicians", params={"region": region, "status": "active", "page_size": 100})
            .body
        )
        return [{"id": t["id"], "name": t["name"]} for t in roster]
    except ApiError:
        return [{"id": r["technician_id"], "name": r["technician_name"]} for r in routes]


def _grid(routes: list[dict[str, Any]], region: str) -> dict[str, dict[int, list[Any]]]:
    """Each technician's visits by the hour their window starts, in the region's time."""
    tz = calendar(region).tz
    grid: dict[str, dict[int, list[Any]]] = {}
    for route in routes:
        cells = grid.setdefault(str(route["technician_id"]), {})
        for stop in route["stops"]:
            start, end = parse_time(stop["window_start"]), parse_time(stop["window_end"])
            assert start is not None and end is not None
            local, until = start.astimezone(tz), end.astimezone(tz)
            hour = min(max(local.hour, HOURS[0]), HOURS[-1])
            stop = stop | {"starts": local.strftime("%H:%M"), "ends": until.strftime("%H:%M")}
            cells.setdefault(hour, []).append(stop)
    return grid


@blp.route("/board")
@login_required
def board() -> Any:
    """Technicians by hours of one day in a region, and the work waiting for a visit."""
    _allowed()
    region = _region()
    day = _day(region)
    routes = api("dispatch").get("/routes", params={"region": region, "date": day}).body
    return render_template(
        "board/board.html", region=region, day=day, hours=HOURS, grid=_grid(routes, region),
        technicians=_technicians(region, routes), waiting=_waiting(region), regions=regions(),
        previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1),
    )  # fmt: skip


def _waiting(region: str) -> list[dict[str, Any]] | None:
    """Work orders waiting for a visit (None when dispatch does not show them to this user:
    it admits agents, managers and admins, not yet dispatchers alone)."""
    try:
        params = {"region": region, "status": "unscheduled", "page_size": 50}
        return api("dispatch").get("/work-orders", params=params).body
    except ApiError as exc:
        if exc.status != 403:
            raise
        return None


def _schedule_body(values: dict[str, str], region: str) -> dict[str, Any]:
    """The form as dispatch's schedule: the window read in the region's time zone."""
    tz = calendar(region).tz
    body: dict[str, Any] = {"agreed_via": values["agreed_via"]}
    for name, field in (("start", "window_start"), ("end", "window_end")):
        try:
            local = dt.datetime.fromisoformat(f"{values['date']}T{values[name]}")
            body[field] = local.replace(tzinfo=tz).isoformat()
        except ValueError:
            body[field] = ""
    for name in ("technician_id", "requested_by", "reason"):
        if values[name].strip():
            body[name] = values[name].strip()
    return body


@blp.route("/board/<uuid:work_order_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(work_order_id: uuid.UUID) -> Any:
    """Assign a visit to a technician and window, or move the booked one."""
    _allowed()
    work_order = api("dispatch").get(f"/work-orders/{work_order_id}").body
    region = work_order["region"]
    if request.method == "GET":
        values = {"key": new_submission_key(), "date": request.args.get("date", "")}
        values |= {"technician_id": work_order.get("technician_id") or "", "agreed_via": "phone"}
        return _schedule_page(work_order, values)
    values = {name: request.form.get(name, "") for name in (*SCHEDULE_FIELDS, "key")}
    try:
        path = f"/work-orders/{work_order_id}/schedule"
        api("dispatch").post(path, _schedule_body(values, region), values["key"])
    except ApiError as exc:
        if exc.status != 503:
            values["key"] = new_submission_key()
        by_field, general = field_errors(exc, SCHEDULE_FIELDS)
        for window, field in (("window_start", "start"), ("window_end", "end")):
            by_field.setdefault(field, []).extend(by_field.pop(window, []))
        page = _schedule_page(work_order, values, errors=by_field, general=general)
        return page, exc.status if exc.status < 500 else 502
    flash(_("Visit booked."))
    return redirect(url_for("board.board", region=region, date=values["date"]))


def _schedule_page(work_order: dict[str, Any], values: dict[str, str], **extra: Any) -> str:
    booked = bool(work_order.get("visits")) and work_order["status"] == "scheduled"
    return render_template(
        "board/schedule.html", work_order=work_order, values=values, booked=booked,
        technicians=_technicians(work_order["region"], []), agreed_via=AGREED_VIA,
        errors={k: v for k, v in extra.get("errors", {}).items() if v},
        general=extra.get("general", []),
    )  # fmt: skip
