"""The agent's screens: the ticket queue with first-response countdowns, a ticket, and
intake from a call."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from console.clients import ApiError
from console.context import api, calendar, current_user, has_role, login_required, now, regions
from console.sla import first_response_countdown, parse_time
from console.views.forms import field_errors, nest, new_submission_key

blp = Blueprint("tickets", __name__)
PAGE_SIZE = 20
STATUSES = ("new", "assessed", "awaiting_reassessment", "awaiting_repair", "closed", "escalated")
READERS = ("agent", "engineer", "manager", "admin")
WRITERS = ("agent", "manager", "admin")
CHANNELS = ("hotline", "email", "chat", "web", "partner")
KINDS = ("repair", "consultation", "maintenance_issue")
PRIORITIES = ("low", "normal", "high", "urgent")
INTAKE_FIELDS = (
    "channel", "kind", "region", "priority", "customer.name", "customer.phone",
    "customer.email", "product.model", "product.serial_no", "product.purchase_date",
    "symptom", "usage_environment", "site.address", "preferred_time",
)  # fmt: skip


@blp.route("/")
@login_required
def home() -> Any:
    """Each role's first screen."""
    if has_role("dispatcher"):
        return redirect(url_for("board.board"))
    if has_role(*READERS):
        return redirect(url_for("tickets.queue"))
    if has_role("technician"):
        return redirect(url_for("technician.today"))
    return render_template("home.html")


def with_countdown(ticket: dict[str, Any]) -> dict[str, Any]:
    """A ticket from intake with its first-response countdown as of the console's clock."""
    countdown = first_response_countdown(
        due_at=parse_time(ticket.get("first_response_due_at")),
        responded_at=parse_time(ticket.get("first_responded_at")),
        now=now(),
        calendar=calendar(ticket["region"]),
    )
    return {**ticket, "countdown": countdown}


def _queue_filters() -> dict[str, Any]:
    args = request.args
    filters: dict[str, Any] = {k: args[k] for k in ("status", "region") if args.get(k)}
    page = args.get("page", "1")
    filters["page"] = int(page) if page.isdigit() and int(page) > 0 else 1
    return filters


@blp.route("/tickets")
@login_required
def queue() -> Any:
    """Tickets, newest first, filtered by status and region, a page at a time; the rows
    refresh in place (htmx asks for them alone)."""
    if not has_role(*READERS):
        abort(403)
    search = request.args.get("q", "").strip()
    if search:
        try:
            return redirect(url_for("tickets.detail", ticket_id=uuid.UUID(search)))
        except ValueError:
            flash(_("Search takes a whole ticket id."), "error")
    filters = _queue_filters()
    tickets: list[dict[str, Any]] = []
    total, error = 0, None
    try:
        reply = api("intake").get("/tickets", params={**filters, "page_size": PAGE_SIZE})
        tickets, total = [with_countdown(t) for t in reply.body], reply.total or 0
    except ApiError as exc:
        error = exc
    pages = max(1, -(-total // PAGE_SIZE))
    template = "tickets/_rows.html" if request.headers.get("HX-Request") else "tickets/queue.html"
    return render_template(
        template, tickets=tickets, total=total, pages=pages, filters=filters, error=error,
        statuses=STATUSES, regions=regions(),
    )  # fmt: skip


@blp.route("/tickets/<uuid:ticket_id>")
@login_required
def detail(ticket_id: uuid.UUID) -> Any:
    """One ticket: customer, product and warranty, site, the countdown, rounds, timeline."""
    ticket = api("intake").get(f"/tickets/{ticket_id}").body
    return render_template("tickets/detail.html", ticket=with_countdown(ticket))


def _intake_form(values: dict[str, str], errors: Any = None, general: Any = None) -> str:
    errors = errors or {}
    # The keyboard starts where the work is: the first field refused, else the first one.
    focus = next((name for name in INTAKE_FIELDS if name in errors), "customer.name")
    return render_template(
        "tickets/new.html", values=values, errors=errors, general=general or [], focus=focus,
        channels=CHANNELS, kinds=KINDS, priorities=PRIORITIES, regions=regions(),
    )  # fmt: skip


@blp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Intake from a call: the form posts to intake's POST /tickets, one Idempotency-Key
    per submission, and a 422 shows next to the fields it names."""
    if not has_role(*WRITERS):
        abort(403)
    user = current_user() or {}
    if request.method == "GET":
        defaults = {"channel": "hotline", "priority": "normal", "kind": "repair"}
        return _intake_form(
            {**defaults, "region": user.get("region") or "", "key": new_submission_key()}
        )
    values = {name: request.form.get(name, "") for name in (*INTAKE_FIELDS, "key")}
    try:
        reply = api("intake").post("/tickets", nest(request.form, INTAKE_FIELDS), values["key"])
    except ApiError as exc:
        if exc.status != 503:
            values["key"] = new_submission_key()  # refused: the corrected form is a new one
        by_field, general = field_errors(exc, INTAKE_FIELDS)
        return _intake_form(values, by_field, general), exc.status if exc.status < 500 else 502
    flash(_("Ticket registered."))
    return redirect(url_for("tickets.detail", ticket_id=reply.body["id"]))
