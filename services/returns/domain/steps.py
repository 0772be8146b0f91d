"""The steps a request's status and decision admit, and the checks each step makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from services.returns.domain.vocabulary import (
    DEFAULT_ORIGINAL_RETURN_DAYS,
    OPEN,
    PAID_REPLACEMENT,
    RECEIVED,
    REFUNDS,
    REPLACEMENTS,
)
from shared.errors import Conflict, InvalidInput


def require_step(return_id: object, status: str, allowed: tuple[str, ...], step: str) -> None:
    """409 naming the current status unless it admits ``step``."""
    if status not in allowed:
        raise Conflict(
            f"cannot {step}: return {return_id} is {status}",
            errors={"status": [f"is {status}"]},
        )


def require_decision(return_id: object, decision: str | None, allowed: tuple[str, ...]) -> None:
    """409 when the appraisal decided a remedy this step does not belong to."""
    if decision not in allowed:
        raise Conflict(
            f"return {return_id} was appraised as {decision}: this step belongs to "
            f"{' or '.join(allowed)}",
            errors={"decision": [f"is {decision}"]},
        )


def is_open(status: str, decision: str | None) -> bool:
    """Not ended yet: a refund's product that is back still waits for its refund."""
    return status in OPEN or (status == RECEIVED and decision in REFUNDS)


def duplicate_request(open_id: object, open_status: str) -> Conflict:
    """The 409 for a second request while one for the serial is open (it would replace or
    refund the product twice)."""
    return Conflict(
        f"return {open_id} for this serial number is still {open_status}",
        errors={"serial_no": [f"has an open return {open_id} ({open_status})"]},
    )


def original_due(shipped_at: dt.datetime, days: int) -> dt.datetime:
    """When the original must be back: ``days`` after the replacement left."""
    return shipped_at + dt.timedelta(days=days)


def return_days(option: str) -> int:
    """Days the customer has to send the original back (the option, at least 1)."""
    return max(1, int(option or DEFAULT_ORIGINAL_RETURN_DAYS))


def require_refund_amount(agreed: Decimal | None, amount: Decimal) -> None:
    """A refund pays the appraised amount when one was set (422 otherwise)."""
    if agreed is not None and amount != agreed:
        raise InvalidInput(
            f"the refund must be the appraised amount {agreed:.2f}",
            errors={"amount": [f"must be {agreed:.2f}, the appraised amount"]},
        )


def require_checked_ok(return_id: object, condition_ok: bool | None, notes: str | None) -> None:
    """A refund is paid only for a product received and checked in order (409)."""
    if not condition_ok:
        raise Conflict(
            f"return {return_id}: the returned product failed its check ({notes}); "
            "no refund until it is resolved",
            errors={"condition_ok": ["the check of the returned product failed"]},
        )


REPLACEMENT_TERMS = ("model", "specification", "quantity")
REFUND_TERMS = ("return_method", "refund_date")


def require_agreement(decision: str | None, agreement_in: Mapping[str, object]) -> None:
    """A replacement agrees on specification and quantity (the model defaults to the
    original's); a refund on the return method and the refund date (422 naming the field)."""
    needed, foreign = (
        (("specification", "quantity"), REFUND_TERMS)
        if decision in REPLACEMENTS
        else (REFUND_TERMS, REPLACEMENT_TERMS)
    )
    remedy = "a replacement" if decision in REPLACEMENTS else "a refund"
    errors = {name: [f"required for {remedy}"] for name in needed if agreement_in.get(name) is None}
    errors |= {name: [f"not agreed for {remedy}"] for name in foreign if name in agreement_in}
    if errors:
        raise InvalidInput(f"the agreement does not fit {remedy}", errors=errors)


def require_not_before(moment: dt.datetime, floor: dt.datetime | None, field: str) -> None:
    """A step dated by the client cannot come before the step it follows (422)."""
    if floor is not None and moment < floor:
        raise InvalidInput(
            f"{field} is before the request's previous step",
            errors={field: [f"must not be before {floor.isoformat()}"]},
        )


def require_priced_model(
    decision: str | None, product_model: str, agreement_in: Mapping[str, object]
) -> None:
    """A paid replacement ships the model it was priced for (422 naming ``model``)."""
    model = agreement_in.get("model")
    if decision == PAID_REPLACEMENT and model is not None and model != product_model:
        raise InvalidInput(
            f"a paid replacement was priced for {product_model}",
            errors={"model": [f"must be {product_model}, the model priced at appraisal"]},
        )
