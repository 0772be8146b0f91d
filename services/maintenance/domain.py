"""Maintenance's rules: statuses, transitions and decisions as plain Python (no web,
no database). Empty until the maintenance domain is built (see services/README.md)."""
