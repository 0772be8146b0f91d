"""Billing's use cases: load through the unit of work, ask the domain, commit."""
