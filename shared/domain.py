"""Building blocks of every service's domain: aggregates that record what happened, the
guards every use case applies (region, status), and the page a read returns.

Nothing here touches a database or the web. An aggregate records its events as it changes;
the unit of work that loaded or added it writes them to the outbox when it commits, so a
use case never stages an event by hand and never forgets one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from shared.errors import Conflict, Forbidden, NotFound

if TYPE_CHECKING:
    from shared.auth import Principal
    from shared.notices.recipient import Recipient

T = TypeVar("T")

# Events recorded in one process keep the order they were recorded in, across aggregates.
_ORDER = itertools.count()


@dataclass(frozen=True)
class Recorded:
    """An event an aggregate recorded: its payload, and where it belongs in the aggregate's
    sequence. The unit of work wraps it in an envelope when it commits."""

    type: str
    data: dict[str, Any]
    region: str
    aggregate_id: str
    sequence: int
    order: int = field(default_factory=lambda: next(_ORDER), compare=False)


class Aggregate:
    """Mixin for an aggregate root with ``id``, ``region`` and ``version`` attributes.

    ``record()`` notes an event with the aggregate's next sequence number (its ``version``);
    ``event_identity()`` names the fields every event of the aggregate carries.
    """

    if TYPE_CHECKING:
        id: Any
        region: str
        version: int

    def event_identity(self) -> dict[str, Any]:
        """Fields every event of this aggregate carries (its id, under its own name)."""
        return {}

    def notice_recipient(self) -> Recipient | None:
        """The customer its events' notices go to (none unless the aggregate says)."""
        return None

    def notice_details(self) -> dict[str, Any]:
        """Fields its notices show besides the event's own (e.g. the site's address)."""
        return {}

    def record(self, type_: str, data: Mapping[str, Any]) -> None:
        """Note that ``type_`` happened, with the next sequence number of this aggregate."""
        self.version = (self.version or 0) + 1
        event = Recorded(
            type=type_,
            data=self.event_identity() | dict(data),
            region=self.region,
            aggregate_id=str(self.id),
            sequence=self.version,
        )
        self._recorded().append(event)

    def collect_events(self) -> list[Recorded]:
        """The events recorded since the last collection, oldest first."""
        events = self._recorded()
        collected, events[:] = list(events), []
        return collected

    def _recorded(self) -> list[Recorded]:
        # Not a mapped column: ORM-loaded instances skip __init__, so it is made on first use.
        events: list[Recorded] | None = getattr(self, "_recorded_events", None)
        if events is None:
            events = []
            self._recorded_events = events
        return events


@dataclass(frozen=True)
class Window:
    """Which slice of a list a client asked for."""

    offset: int = 0
    limit: int = 10


@dataclass(frozen=True)
class Page(Generic[T]):
    """One slice of a list and the number of items in the whole list."""

    items: Sequence[T]
    total: int


def require_region(by: Principal, region: str, *, field: str | None = "region") -> None:
    """403 unless the caller may act in ``region`` (a region-limited token acts in its own)."""
    if not by.may_access(region):
        errors = {field: ["outside the caller's region"]} if field else None
        raise Forbidden(f"this token is limited to region {by.region}", errors=errors)


def require_visible(by: Principal, region: str, absent: str) -> None:
    """404 (``absent``) unless the caller may see ``region``: a record outside the caller's
    region is as good as absent."""
    if not by.may_access(region):
        raise NotFound(absent)


def require_status(status: str, allowed: Iterable[str], detail: str) -> None:
    """409 naming the current status unless it is one of ``allowed``."""
    if status not in tuple(allowed):
        raise Conflict(detail, errors={"status": [f"is {status}"]})
