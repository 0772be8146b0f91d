"""Events intake consumes (repair.accepted, repair.escalated, maintenance.issue_found arrive
with the repair lifecycle)."""

from __future__ import annotations

from shared.events import Subscriptions

SUBSCRIPTIONS = Subscriptions("intake")
