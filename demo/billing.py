"""Invoices and payments through billing: a fee schedule published for the month, then every
draft billing made from an out-of-warranty repair visit issued and paid (some in two parts).

Billing drafts one invoice per completed visit with something chargeable; the simulator knows
which visits those are (out-of-warranty work orders: call-out and labour), waits for exactly
that many drafts per work order, and settles them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from demo.client import Api, wait_for
from demo.ledger import Ledger
from demo.repairs import MODEL, WorkOrder


def publish_fee_schedule(api: Api, regions: tuple[str, ...], effective: dt.datetime) -> None:
    """Call-out fees per region and the repair labour rate, in force from ``effective``."""
    body = {
        "effective_from": effective.isoformat(),
        "callout_fees": [{"region": r, "amount": "150.00"} for r in regions],
        "labour_rates": [
            {"service_kind": "repair", "product_type": MODEL, "rate_per_hour": "180.00"}
        ],
        "parts": [{"part_no": "CP-400-ANODE", "description": "zinc anode", "price": "85.50"}],
    }
    api.call("PUT", "billing", "/fee-schedule", "finance", body)


def _pay(api: Api, invoice: dict[str, Any], rng: random.Random) -> None:
    path = f"/invoices/{invoice['id']}"
    issued = api.post("billing", f"{path}/issue", {"customer_name": "Sim Customer"}, "finance")
    total = Decimal(issued["total"])
    if rng.random() < 0.3 and total > 1:  # a deposit in cash, the rest by bank transfer
        first = (total / 2).quantize(Decimal("0.01"))
        api.post("billing", f"{path}/payments", {"method": "cash", "amount": str(first)}, "finance")
        total -= first
    rest = {"method": "bank_transfer", "amount": str(total), "reference": f"SIM-{invoice['id']}"}
    paid = api.post("billing", f"{path}/payments", rest, "finance")
    if paid["status"] != "paid":
        raise RuntimeError(f"invoice {invoice['id']} not paid after paying its total: {paid}")


def _drafts(api: Api, work_order_id: str, expected: int) -> list[dict[str, Any]]:
    """The work order's drafts, once billing has made all ``expected`` of them."""

    def made() -> list[dict[str, Any]] | None:
        got: list[dict[str, Any]] = api.get(
            "billing", f"/invoices?work_order_id={work_order_id}", "finance"
        )
        return got if len(got) >= expected else None

    return wait_for(made, timeout=60, what=f"{expected} drafts of work order {work_order_id}")


def settle_invoices(api: Api, ledger: Ledger, orders: list[WorkOrder], seed: int) -> None:
    """Issue and pay every draft of the chargeable work orders (one per completed visit)."""
    rng = random.Random(f"{seed}/billing")
    for order in orders:
        expected = order.repaired_visits
        if not order.chargeable or not expected:
            continue
        for invoice in _drafts(api, order.id, expected):
            _pay(api, invoice, rng)
            ledger.counts["invoices issued and paid"] += 1
