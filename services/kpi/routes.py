"""kpi's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.kpi import queries, use_cases
from services.kpi.repositories import KpiUnitOfWork
from services.kpi.schemas import (
    AttentionQueryArgs,
    AttentionRead,
    CorrectionQueryArgs,
    CorrectionRead,
    KpiQueryArgs,
    KpisRead,
    ScorecardQueryArgs,
    ScorecardRead,
    SpotCheckCreate,
    SpotCheckRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, session, unit_of_work

blp = Blueprint("kpi", __name__, description="Service-quality KPIs, scorecards and spot checks")
READERS = ("manager", "admin", "engineer")


@blp.route("/kpis", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(KpiQueryArgs, location="query")
@blp.response(200, KpisRead)
def get_kpis(args: dict[str, Any]) -> Any:
    """Every KPI of a month: overall, for a region, or for one technician."""
    technician = args.get("technician")
    return use_cases.get_kpis(
        unit_of_work(KpiUnitOfWork),
        viewer=principal(),
        month=args.get("month"),
        region=args.get("region"),
        technician=str(technician) if technician else None,
    )


@blp.route("/scorecards", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(ScorecardQueryArgs, location="query")
@blp.response(200, ScorecardRead)
def get_scorecard(args: dict[str, Any]) -> Any:
    """A month's ranking of regions or technicians by the weighted composite of their KPIs
    (a closed month's frozen one, with its corrections, unless ``view=live``)."""
    return use_cases.get_scorecard(
        unit_of_work(KpiUnitOfWork),
        viewer=principal(),
        rank_by=args["by"],
        month=args.get("month"),
        region=args.get("region"),
        weights_text=args.get("weights"),
        view=args["view"],
    )


@blp.route("/scorecards/attention", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(AttentionQueryArgs, location="query")
@blp.response(200, AttentionRead)
def get_attention(args: dict[str, Any]) -> Any:
    """Technicians below target on a KPI two months running, with the training that
    addresses it and whether they attended it."""
    return use_cases.get_attention(
        unit_of_work(KpiUnitOfWork),
        viewer=principal(),
        month=args.get("month"),
        region=args.get("region"),
    )


@blp.route("/scorecards/corrections", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(CorrectionQueryArgs, location="query")
@blp.response(200, CorrectionRead(many=True))
@blp.paginated()
def list_corrections(args: dict[str, Any], window: Window) -> Page[Any]:
    """The corrections later events made to a closed month's live figures, oldest first."""
    return use_cases.list_corrections(
        unit_of_work(KpiUnitOfWork),
        viewer=principal(),
        month=args["month"],
        region=args.get("region"),
        window=window,
    )


@blp.route("/spot-checks", methods=["POST"])
@blp.requires("manager", "admin")
@blp.idempotent
@blp.arguments(SpotCheckCreate)
@blp.response(201, SpotCheckRead)
def create_spot_check(spot_check_in: dict[str, Any]) -> Any:
    """Draw a reproducible random sample of a month's completed work orders."""
    drawn = use_cases.draw_spot_check(
        unit_of_work(KpiUnitOfWork), spot_check_in=spot_check_in, by=principal()
    )
    return drawn, 201, {"Location": url_for("kpi.get_spot_check", spot_check_id=drawn["id"])}


@blp.route("/spot-checks/<uuid:spot_check_id>", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, SpotCheckRead)
def get_spot_check(spot_check_id: uuid.UUID) -> Any:
    """A recorded spot check: its seed, population and sample."""
    return queries.get_spot_check(session(), str(spot_check_id), region=principal().region)
