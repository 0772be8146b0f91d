"""The appraisal rules at their edges, through the use cases on the fake unit of work: the
last day of warranty and the day after (in the region's time zone), no purchase date, defect
found or not, serious or not, the paid replacement's price from the fee schedule in force,
and a refund by negotiation without an amount refused. Expected values computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.returns.domain import Policy
from services.returns.repositories import Schedule, load_warranty_policy
from services.returns.use_cases import appraise_return, request_return
from shared.errors import Conflict, InvalidInput
from tests.helpers import REPO
from tests.unit.returns.support import (
    AGENT,
    CP400_V3,
    ENGINEER,
    START,
    appraisal,
    make_uow,
    return_in,
)

D = dt.date
UTC = dt.UTC
# CT-100 has the default policy (24 months of parts and labour): bought on 4 December 2024,
# it is covered through 4 December 2026, the day of START in Shanghai; bought a day earlier,
# the cover ended the day before.
LAST_DAY = D(2024, 12, 4)
DAY_AFTER = D(2024, 12, 3)


@pytest.mark.parametrize(
    ("bought", "reported_at", "model", "status", "parts", "labour"),
    [
        (LAST_DAY, None, "CT-100", "in_warranty", True, True),
        (DAY_AFTER, None, "CT-100", "out_of_warranty", False, False),
        # 23:59:59 on 3 December in Shanghai is still the last day; midnight is not.
        (
            DAY_AFTER,
            dt.datetime(2026, 12, 3, 15, 59, 59, tzinfo=UTC),
            "CT-100",
            "in_warranty",
            True,
            True,
        ),
        (
            DAY_AFTER,
            dt.datetime(2026, 12, 3, 16, 0, tzinfo=UTC),
            "CT-100",
            "out_of_warranty",
            False,
            False,
        ),
        # CP-400: 36 months of parts, 24 of labour.
        (D(2024, 6, 1), None, "CP-400", "in_warranty", True, False),
        (None, None, "CT-100", "unknown", False, False),
    ],
)
def test_warranty_is_decided_as_of_the_report_date_in_the_regions_time_zone(
    bought: dt.date | None,
    reported_at: dt.datetime | None,
    model: str,
    status: str,
    parts: bool,
    labour: bool,
) -> None:
    uow = make_uow()
    changes: dict[str, Any] = {"purchase_date": bought, "product_model": model}
    if reported_at is not None:
        changes["reported_at"] = reported_at
    request = request_return(uow, return_in=return_in(**changes), by=AGENT)
    warranty = request.warranty
    assert (warranty["status"], warranty["parts_covered"], warranty["labour_covered"]) == (
        status,
        parts,
        labour,
    )
    [event] = uow.published("return.requested")
    assert event.data["purchase_date"] == (bought.isoformat() if bought else None)


RULES = [
    # case, kind, bought, appraisal, → decision, kind after, price, refund amount
    (
        "last day, defect",
        "replacement",
        LAST_DAY,
        appraisal(),
        "free_replacement",
        "replacement",
        None,
        None,
    ),
    (
        "day after, defect: paid",
        "replacement",
        DAY_AFTER,
        appraisal(),
        "paid_replacement",
        "replacement",
        "12800.00",
        None,
    ),
    (
        "day after, no defect: paid",
        "replacement",
        DAY_AFTER,
        appraisal(False, None),
        "paid_replacement",
        "replacement",
        "12800.00",
        None,
    ),
    (
        "no purchase date: paid",
        "replacement",
        None,
        appraisal(),
        "paid_replacement",
        "replacement",
        "12800.00",
        None,
    ),
    (
        "in warranty, no defect",
        "replacement",
        LAST_DAY,
        appraisal(False, None),
        "rejected",
        "replacement",
        None,
        None,
    ),
    (
        "refund, serious (high)",
        "refund",
        LAST_DAY,
        appraisal(severity="high"),
        "refund",
        "refund",
        None,
        None,
    ),
    (
        "refund, serious (critical), amount",
        "refund",
        LAST_DAY,
        appraisal(severity="critical", refund_amount=Decimal("9800.00")),
        "refund",
        "refund",
        None,
        "9800.00",
    ),
    (
        "refund, not serious: free replacement",
        "refund",
        LAST_DAY,
        appraisal(severity="medium"),
        "free_replacement",
        "replacement",
        None,
        None,
    ),
    (
        "refund, day after, negotiated",
        "refund",
        DAY_AFTER,
        appraisal(refund_amount=Decimal("5000")),
        "negotiated_refund",
        "refund",
        None,
        "5000.00",
    ),
    (
        "refund, no purchase date, negotiated",
        "refund",
        None,
        appraisal(False, None, refund_amount=Decimal("1.50")),
        "negotiated_refund",
        "refund",
        None,
        "1.50",
    ),
    (
        "replacement changed to a refund",
        "replacement",
        DAY_AFTER,
        appraisal(kind="refund", refund_amount=Decimal("700")),
        "negotiated_refund",
        "refund",
        None,
        "700.00",
    ),
    (
        "engineer rejects (misuse)",
        "replacement",
        LAST_DAY,
        appraisal(rejection_reason="impact damage: misuse"),
        "rejected",
        "replacement",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "bought", "appraisal_in", "decision", "kind_after", "price", "refund"),
    RULES,
    ids=[rule[0] for rule in RULES],
)
def test_the_rules_decide_the_remedy(
    case: str,
    kind: str,
    bought: dt.date | None,
    appraisal_in: dict[str, Any],
    decision: str,
    kind_after: str,
    price: str | None,
    refund: str | None,
) -> None:
    uow = make_uow()
    request = request_return(
        uow,
        return_in=return_in(
            kind=kind, purchase_date=bought, product_model="CP-400" if bought is None else "CT-100"
        ),
        by=AGENT,
    )
    if price is not None and request.product_model == "CT-100":
        uow.prices.record(
            Schedule(4, START - dt.timedelta(days=1), "CNY", {"CT-100": Decimal(price)}), at=START
        )

    appraised = appraise_return(uow, return_id=request.id, appraisal_in=appraisal_in, by=ENGINEER)

    assert (appraised.decision, appraised.kind) == (decision, kind_after)
    assert appraised.status == ("rejected" if decision == "rejected" else "appraised")
    [event] = uow.published("return.appraised")
    data = event.data
    assert (data["decision"], data["kind"], data["price"], data["refund_amount"]) == (
        decision,
        kind_after,
        price,
        refund,
    )
    assert data["currency"] == "CNY" and data["appraised_by"] == "eng-1"
    assert data["customer_name"] == "Li Wei" and data["reason"]
    if appraisal_in.get("rejection_reason"):
        assert data["reason"] == "impact damage: misuse"


def test_paid_replacement_price_and_version_come_from_the_schedule_in_force() -> None:
    future = Schedule(5, START + dt.timedelta(hours=1), "CNY", {"CP-400": Decimal("13500.00")})
    older = Schedule(2, START - dt.timedelta(days=90), "CNY", {"CP-400": Decimal("11000.00")})
    uow = make_uow((older, CP400_V3, future))
    request = request_return(
        uow, return_in=return_in(product_model="CP-400", purchase_date=None), by=AGENT
    )

    appraised = appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)

    assert (appraised.price, appraised.schedule_version) == (Decimal("12800.00"), 3)
    [event] = uow.published("return.appraised")
    assert (event.data["price"], event.data["schedule_version"]) == ("12800.00", 3)
    assert (
        event.data["reason"] == "warranty unknown: replacement at the fee-schedule price 12800.00"
    )


def test_a_schedule_in_force_without_the_model_prices_nothing() -> None:
    newer = Schedule(4, START - dt.timedelta(hours=1), "CNY", {"LT-PIPE": Decimal("990.00")})
    uow = make_uow((CP400_V3, newer))
    request = request_return(
        uow, return_in=return_in(product_model="CP-400", purchase_date=None), by=AGENT
    )
    with pytest.raises(Conflict) as refused:
        appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    assert refused.value.errors == {"product_model": ["no price in the fee schedule in force"]}
    assert request.status == "requested" and uow.published("return.appraised") == []


def test_a_paid_replacement_without_any_schedule_is_refused() -> None:
    uow = make_uow(())
    request = request_return(uow, return_in=return_in(purchase_date=None), by=AGENT)
    with pytest.raises(Conflict):
        appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    assert uow.commits == 1 and request.decision is None


def test_a_refund_by_negotiation_without_an_amount_is_refused() -> None:
    uow = make_uow()
    request = request_return(
        uow, return_in=return_in(kind="refund", purchase_date=DAY_AFTER), by=AGENT
    )
    with pytest.raises(InvalidInput) as refused:
        appraise_return(uow, return_id=request.id, appraisal_in=appraisal(), by=ENGINEER)
    assert refused.value.errors == {"refund_amount": ["required for a refund by negotiation"]}
    assert uow.commits == 1 and request.status == "requested"
    assert uow.published("return.appraised") == []


def test_the_shipped_policy_is_the_same_as_intakes() -> None:
    """Returns decides an agent's request with its own copy of intake's warranty policy; the
    two shipped files must say the same (operations keep the deployed ones equal too)."""
    ours = load_warranty_policy(None)
    intakes = yaml.safe_load((REPO / "services" / "intake" / "warranty.yaml").read_text())
    assert ours.default == Policy(**intakes["default"])
    assert dict(ours.models) == {
        model: Policy(**(intakes["default"] | spec)) for model, spec in intakes["models"].items()
    }


def test_the_policy_file_is_an_option(tmp_path: Path) -> None:
    path = tmp_path / "warranty.yaml"
    path.write_text("default: {parts_months: 12, labour_months: 6}\n")
    uow = make_uow(warranty_policy_file=str(path))
    request = request_return(uow, return_in=return_in(purchase_date=D(2025, 12, 4)), by=AGENT)
    assert (request.warranty_status, request.warranty_parts_covered) == ("in_warranty", True)
    assert request.warranty_labour_covered is False  # six months ended on 4 June 2026
