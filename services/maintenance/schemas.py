"""Maintenance's REST schemas (``<Thing>Create``, ``<Thing>Read``, ``<Thing>QueryArgs``)."""
