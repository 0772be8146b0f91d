"""The simulator (issue 15): a month of nationwide operations driven through the public REST
APIs only, and the KPIs it expects from what it did beside the KPIs kpi reports.

``python -m demo`` (``make demo``); see the README's *Simulator* section. The package never
imports a service (an import-linter contract says so): it talks HTTP, and keeps its own ledger.
"""
