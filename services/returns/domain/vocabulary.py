"""The words of returns: kinds, decisions, statuses, methods, defaults."""

from __future__ import annotations

KINDS = ("replacement", "refund")
SOURCES = ("agent", "escalation")
SEVERITIES = ("low", "medium", "high", "critical")
# A defect this severe makes a product in warranty eligible for a refund.
SERIOUS = ("high", "critical")
WARRANTY_STATUSES = ("in_warranty", "out_of_warranty", "unknown")
RETURN_METHODS = ("pickup", "courier", "drop_off")
REFUND_METHODS = ("bank_transfer", "cash", "cheque", "original_payment")

FREE_REPLACEMENT = "free_replacement"
PAID_REPLACEMENT = "paid_replacement"
REFUND = "refund"
NEGOTIATED_REFUND = "negotiated_refund"
REJECTED_DECISION = "rejected"
DECISIONS = (FREE_REPLACEMENT, PAID_REPLACEMENT, REFUND, NEGOTIATED_REFUND, REJECTED_DECISION)
REPLACEMENTS = (FREE_REPLACEMENT, PAID_REPLACEMENT)
REFUNDS = (REFUND, NEGOTIATED_REFUND)

REQUESTED = "requested"
REJECTED = "rejected"
APPRAISED = "appraised"
AGREED = "agreed"
SHIPPED = "shipped"
RECEIVED = "received"
REFUNDED = "refunded"
STATUSES = (REQUESTED, REJECTED, APPRAISED, AGREED, SHIPPED, RECEIVED, REFUNDED)
OPEN = (REQUESTED, APPRAISED, AGREED, SHIPPED)

DEFAULT_ORIGINAL_RETURN_DAYS = 15
DEFAULT_CURRENCY = "CNY"
# The serial of a product whose escalation named none (the events require one).
UNRECORDED_SERIAL = "unrecorded"
UNKNOWN_CUSTOMER = "unknown customer"
