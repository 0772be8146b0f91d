"""Billing's reads: ``get_*`` and ``list_*`` returning a ``Page``."""
