"""Intake's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask_smorest.pagination import PaginationParameters

from services.intake import queries, services
from services.intake.schemas import TicketCreate, TicketQueryArgs, TicketRead
from shared.web import Blueprint, principal, unit_of_work

blp = Blueprint(
    "tickets", __name__, url_prefix="/tickets", description="Customer reports and consultations"
)


@blp.route("", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(TicketCreate)
@blp.response(201, TicketRead)
def create_ticket(ticket_in: dict[str, Any]) -> Any:
    """Register a ticket from a hotline call, email, chat, web form or partner."""
    ticket = services.register_ticket(unit_of_work(), ticket_in=ticket_in, by=principal())
    return ticket, 201, {"Location": url_for("tickets.get_ticket", ticket_id=ticket.id)}


@blp.route("", methods=["GET"])
@blp.requires("agent", "engineer", "manager", "admin")
@blp.arguments(TicketQueryArgs, location="query")
@blp.response(200, TicketRead(many=True))
@blp.paginate()
def list_tickets(filters: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
    """List tickets, newest first; filter by region, status, kind, channel and time range."""
    tickets, total = queries.list_tickets(
        unit_of_work().session,
        filters=filters,
        viewer=principal(),
        offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return tickets


@blp.route("/<uuid:ticket_id>", methods=["GET"])
@blp.requires("agent", "engineer", "manager", "admin")
@blp.response(200, TicketRead)
def get_ticket(ticket_id: uuid.UUID) -> Any:
    """One ticket."""
    return queries.get_ticket(unit_of_work().session, ticket_id, viewer=principal())
