"""kpi's REST API: thin routes over the use cases."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.kpi import queries, services
from services.kpi.schemas import (
    KpiQueryArgs,
    KpisRead,
    ScorecardQueryArgs,
    ScorecardRead,
    SpotCheckCreate,
    SpotCheckRead,
)
from shared.web import Blueprint, principal, unit_of_work

blp = Blueprint("kpi", __name__, description="Service-quality KPIs, scorecards and spot checks")
READERS = ("manager", "admin", "engineer")


@blp.route("/kpis", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(KpiQueryArgs, location="query")
@blp.response(200, KpisRead)
def get_kpis(args: dict[str, Any]) -> Any:
    """Every KPI of a month: overall, for a region, or for one technician."""
    uow = unit_of_work()
    region = services.scope_region(principal(), args.get("region"))
    technician = str(args["technician"]) if args.get("technician") else None
    month = services.month_or_current(uow, args.get("month"), region)
    return services.get_kpis(uow, month=month, region=region, technician=technician)


@blp.route("/scorecards", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(ScorecardQueryArgs, location="query")
@blp.response(200, ScorecardRead)
def get_scorecard(args: dict[str, Any]) -> Any:
    """A month's ranking of regions or technicians by the weighted composite of their KPIs."""
    uow = unit_of_work()
    region = services.scope_region(principal(), args.get("region"))
    month = services.month_or_current(uow, args.get("month"), region)
    return services.get_scorecard(
        uow, month=month, by=args["by"], region=region, weights_text=args.get("weights")
    )


@blp.route("/spot-checks", methods=["POST"])
@blp.requires("manager", "admin")
@blp.idempotent
@blp.arguments(SpotCheckCreate)
@blp.response(201, SpotCheckRead)
def create_spot_check(spot_check_in: dict[str, Any]) -> Any:
    """Draw a reproducible random sample of a month's completed work orders."""
    drawn = services.draw_spot_check(unit_of_work(), spot_check_in=spot_check_in, by=principal())
    return drawn, 201, {"Location": url_for("kpi.get_spot_check", spot_check_id=drawn["id"])}


@blp.route("/spot-checks/<uuid:spot_check_id>", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, SpotCheckRead)
def get_spot_check(spot_check_id: uuid.UUID) -> Any:
    """A recorded spot check: its seed, population and sample."""
    region = principal().region
    return queries.get_spot_check(unit_of_work().session, str(spot_check_id), region=region)
