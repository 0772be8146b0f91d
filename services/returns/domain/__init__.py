"""Returns's rules: a request's statuses and the steps they admit, warranty as of the report
date, and the appraisal rules that decide between a free or paid replacement, a refund, a
refund by negotiation, or a rejection. Plain Python: no web, no database.

A request is ``requested`` until an engineer appraises it; the rules end it ``rejected`` or
leave it ``appraised``. The agent records what was agreed with the customer (``agreed``: the
replacement's model, specification and quantity, or the refund's return method and date).
A replacement is then ``shipped`` and ``received`` when the original comes back; a refund's
product is ``received`` and checked, then ``refunded``.

The words (``vocabulary``), the steps and their checks (``steps``), warranty as of the
report date (``warranty``) and the appraisal rules (``appraisal``) are imported from here.
"""

from __future__ import annotations

from services.returns.domain.appraisal import (
    Verdict,
    appraise,
)
from services.returns.domain.steps import (
    REFUND_TERMS,
    REPLACEMENT_TERMS,
    duplicate_request,
    is_open,
    original_due,
    require_agreement,
    require_checked_ok,
    require_decision,
    require_not_before,
    require_priced_model,
    require_refund_amount,
    require_step,
    return_days,
)
from services.returns.domain.vocabulary import (
    AGREED,
    APPRAISED,
    DECISIONS,
    DEFAULT_CURRENCY,
    DEFAULT_ORIGINAL_RETURN_DAYS,
    FREE_REPLACEMENT,
    KINDS,
    NEGOTIATED_REFUND,
    OPEN,
    PAID_REPLACEMENT,
    RECEIVED,
    REFUND,
    REFUND_METHODS,
    REFUNDED,
    REFUNDS,
    REJECTED,
    REJECTED_DECISION,
    REPLACEMENTS,
    REQUESTED,
    RETURN_METHODS,
    SERIOUS,
    SEVERITIES,
    SHIPPED,
    SOURCES,
    STATUSES,
    UNKNOWN_CUSTOMER,
    UNRECORDED_SERIAL,
    WARRANTY_STATUSES,
)
from services.returns.domain.warranty import (
    Policy,
    Warranty,
    WarrantyPolicy,
    add_months,
    warranty_on,
)

__all__ = [
    "AGREED",
    "APPRAISED",
    "DECISIONS",
    "DEFAULT_CURRENCY",
    "DEFAULT_ORIGINAL_RETURN_DAYS",
    "FREE_REPLACEMENT",
    "KINDS",
    "NEGOTIATED_REFUND",
    "OPEN",
    "PAID_REPLACEMENT",
    "RECEIVED",
    "REFUND",
    "REFUNDED",
    "REFUNDS",
    "REFUND_METHODS",
    "REFUND_TERMS",
    "REJECTED",
    "REJECTED_DECISION",
    "REPLACEMENTS",
    "REPLACEMENT_TERMS",
    "REQUESTED",
    "RETURN_METHODS",
    "SERIOUS",
    "SEVERITIES",
    "SHIPPED",
    "SOURCES",
    "STATUSES",
    "UNKNOWN_CUSTOMER",
    "UNRECORDED_SERIAL",
    "WARRANTY_STATUSES",
    "Policy",
    "Verdict",
    "Warranty",
    "WarrantyPolicy",
    "add_months",
    "appraise",
    "duplicate_request",
    "is_open",
    "original_due",
    "require_agreement",
    "require_checked_ok",
    "require_decision",
    "require_not_before",
    "require_priced_model",
    "require_refund_amount",
    "require_step",
    "return_days",
    "warranty_on",
]
