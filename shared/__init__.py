"""Aftercare's plumbing library: config, database, web kit, auth, eventing, metrics.

No domain model lives here; services own their business rules.
"""
