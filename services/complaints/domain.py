"""Complaints's rules: statuses, transitions and decisions as plain Python (no web,
no database). Only the vocabulary the published contracts use so far (see services/README.md)."""

SEVERITIES = ("low", "medium", "high", "critical")
RESPONSIBILITIES = ("company", "partner", "customer", "third_party")
