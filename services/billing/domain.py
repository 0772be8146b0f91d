"""Billing's rules: statuses, transitions and decisions as plain Python (no web,
no database). Empty until the billing domain is built (see services/README.md)."""
