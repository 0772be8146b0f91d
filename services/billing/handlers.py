"""Events billing consumes: each inbound schema (``<Event>In``) and its handler
(``on_<event>``), which calls a use case."""

from __future__ import annotations

from shared.events import Subscriptions

SUBSCRIPTIONS = Subscriptions("billing")
