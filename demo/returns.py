"""Replacements and refunds through returns: every escalated in-warranty work order's request
(returns opens it from ``repair.escalated``) appraised, agreed, shipped and the original
received; and customers asking for a refund directly, appraised, agreed, received, refunded.

An escalated out-of-warranty work order's request is left open (a paid replacement needs a
product price in the fee schedule the simulator does not publish yet).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.client import Api, now, wait_for
from demo.ledger import Ledger
from demo.repairs import MODEL, WorkOrder


def _request_of(api: Api, order: WorkOrder) -> dict[str, Any]:
    def opened() -> dict[str, Any] | None:
        found = api.get("returns", f"/returns?work_order_id={order.id}", "agent")
        return found[0] if found else None

    return wait_for(opened, timeout=60, what=f"the return request of work order {order.id}")


def replace(api: Api, ledger: Ledger, order: WorkOrder) -> None:
    """The free replacement of an escalated in-warranty product."""
    url = f"/returns/{_request_of(api, order)['id']}"
    appraisal = {"quality_defect": True, "severity": "high", "findings": "weld porosity confirmed"}
    appraised = api.post("returns", f"{url}/appraisal", appraisal, "engineer")
    if appraised["appraisal"]["decision"] != "free_replacement":
        raise RuntimeError(f"work order {order.id}: not a free replacement: {appraised}")
    agreement = {"specification": "400 A, marine", "quantity": 1}
    api.post("returns", f"{url}/agreement", agreement, "agent")
    shipment = {
        "carrier": "SF Express",
        "tracking_no": f"SF{order.rng.getrandbits(40):012d}",
        "new_serial_no": f"SIM-NEW-{order.rng.getrandbits(40):010x}",
    }
    api.post("returns", f"{url}/shipment", shipment, "agent")
    api.post("returns", f"{url}/receipt", {"condition_ok": True, "check_notes": "porous"}, "agent")
    ledger.counts["replacements shipped"] += 1


def refund(api: Api, ledger: Ledger, region: str, rng: random.Random) -> None:
    """A customer asks for a refund of a product bought weeks ago; it is refunded."""
    amount = f"{rng.randrange(400, 3000)}.00"
    body = {
        "kind": "refund",
        "region": region,
        "serial_no": f"SIM-R-{rng.getrandbits(40):010x}",
        "product_model": MODEL,
        "reason": "lining delaminated within a month",
        "purchase_date": (now() - dt.timedelta(days=rng.randrange(20, 90))).date().isoformat(),
        "customer": {"name": "Sim Customer", "phone": "+86 139 0000 0000"},
        "evidence": [{"description": "inspection report", "reference": "dms://reports/sim"}],
    }
    url = f"/returns/{api.post('returns', '/returns', body, 'agent')['id']}"
    appraisal = {
        "quality_defect": True,
        "severity": "critical",
        "findings": "lining delaminated",
        "refund_amount": amount,
    }
    api.post("returns", f"{url}/appraisal", appraisal, "engineer")
    agreement = {"return_method": "pickup", "refund_date": now().date().isoformat()}
    api.post("returns", f"{url}/agreement", agreement, "agent")
    api.post("returns", f"{url}/receipt", {"condition_ok": True, "check_notes": "ok"}, "agent")
    paid = {"amount": amount, "method": "bank_transfer", "reference": f"TRX-{url[-12:]}"}
    api.post("returns", f"{url}/refund", paid, "finance")
    ledger.counts["refunds issued"] += 1
