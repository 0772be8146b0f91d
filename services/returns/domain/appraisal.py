"""The appraisal rules: the remedy a request gets from its warranty, the defect found, and
what the customer asked for."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.returns.domain.vocabulary import (
    FREE_REPLACEMENT,
    NEGOTIATED_REFUND,
    PAID_REPLACEMENT,
    REFUND,
    REJECTED_DECISION,
    SERIOUS,
)
from shared.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class Verdict:
    """What the rules decided: the remedy, its kind, the reason told to the customer, and the
    money it involves."""

    decision: str
    kind: str
    reason: str
    price: Decimal | None = None
    refund_amount: Decimal | None = None


def appraise(
    *,
    kind: str,
    warranty_status: str,
    quality_defect: bool,
    severity: str | None,
    refund_amount: Decimal | None = None,
    price: Decimal | None = None,
    rejection: str | None = None,
) -> Verdict:
    """The appraisal rules.

    - An engineer's rejection (misuse, tampering, the customer declined) ends the request.
    - In warranty with a quality defect: a free replacement; a refund when the customer asked
      for one and the defect is serious (high or critical), else a free replacement instead.
    - In warranty without a quality defect: the warranty does not cover it (rejected).
    - Out of warranty, or warranty unknown (no purchase date): a paid replacement at the
      fee-schedule ``price``, or a refund by negotiation whose ``refund_amount`` must be given.
    """
    if rejection:
        return Verdict(REJECTED_DECISION, kind, rejection)
    if warranty_status == "in_warranty":
        return _in_warranty(kind, quality_defect, severity, refund_amount)
    return _out_of_warranty(kind, warranty_status, price, refund_amount)


def _in_warranty(
    kind: str, quality_defect: bool, severity: str | None, refund_amount: Decimal | None
) -> Verdict:
    if not quality_defect:
        return Verdict(
            REJECTED_DECISION, kind, "no quality defect found: the warranty does not cover it"
        )
    if kind == "refund" and severity in SERIOUS:
        reason = f"in warranty with a {severity} quality defect: refund"
        return Verdict(REFUND, "refund", reason, refund_amount=refund_amount)
    if kind == "refund":
        reason = (
            f"in warranty with a {severity or 'minor'} quality defect: a refund needs a serious "
            "defect, so a free replacement instead"
        )
        return Verdict(FREE_REPLACEMENT, "replacement", reason)
    return Verdict(
        FREE_REPLACEMENT, "replacement", "in warranty with a quality defect: free replacement"
    )


def _out_of_warranty(
    kind: str, warranty_status: str, price: Decimal | None, refund_amount: Decimal | None
) -> Verdict:
    why = "out of warranty" if warranty_status == "out_of_warranty" else "warranty unknown"
    if kind == "replacement":
        if price is None:
            raise Conflict(
                "a paid replacement needs the model's price in the fee schedule in force; "
                "billing has published none",
                errors={"product_model": ["no price in the fee schedule in force"]},
            )
        return Verdict(
            PAID_REPLACEMENT,
            kind,
            f"{why}: replacement at the fee-schedule price {price:.2f}",
            price=price,
        )
    if refund_amount is None:
        raise InvalidInput(
            f"{why}: a refund is by negotiation, and the agreed amount must be entered",
            errors={"refund_amount": ["required for a refund by negotiation"]},
        )
    return Verdict(
        NEGOTIATED_REFUND,
        kind,
        f"{why}: refund by negotiation of {refund_amount:.2f}",
        refund_amount=refund_amount,
    )
