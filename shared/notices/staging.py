"""Staging notices in a unit of work: rendered now, in the customer's language, and written
with the change that causes them when the unit of work commits (a rollback drops them).

A service declares a ``NoticeBook``: its templates folder, and which recorded events cause
which notice (``on_events``); the unit of work then stages those by itself, addressed to the
aggregate's ``notice_recipient()``, keyed by the event's id and the notice kind. A notice no
event causes (the day-before reminder) is staged with ``uow.notices.add(...)`` under a key
that names what it is about.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.notices.recipient import Recipient, language_of
from shared.notices.templates import render


@dataclass(frozen=True)
class NoticeBook:
    """A service's notices: its templates, and the events that cause a notice (type → kind)."""

    templates: Path
    on_events: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """A rendered notice, ready to be written to the ``notices`` table."""

    id: str
    dedupe_key: str
    kind: str
    channel: str
    recipient: str
    language: str
    region: str
    subject: str
    body: str

    def row(self) -> dict[str, Any]:
        """The columns of its row (the sender's fields are set at insert)."""
        return {
            "id": self.id,
            "dedupe_key": self.dedupe_key,
            "kind": self.kind,
            "channel": self.channel,
            "recipient": self.recipient,
            "language": self.language,
            "region": self.region,
            "subject": self.subject,
            "body": self.body,
        }


class NoticeStage:
    """The notices a unit of work will write when it commits."""

    def __init__(self, book: NoticeBook | None, time_zone: Callable[[str], str]) -> None:
        self.book = book
        self.time_zone = time_zone
        self.staged: list[Notice] = []

    def add(
        self, kind: str, *, key: str, to: Recipient, region: str, context: Mapping[str, Any]
    ) -> Notice | None:
        """Render a notice of ``kind`` for ``to`` and stage it under the dedupe ``key``; None
        when the customer gave no way to reach them."""
        if self.book is None:
            raise RuntimeError("this service declares no notices (ServiceDefinition / NoticeBook)")
        address = to.address()
        if address is None:
            return None
        language = language_of(to.language)
        values = {**context, "name": to.name, "tz": self.time_zone(region), "region": region}
        subject, body = render(self.book.templates, kind, language, values)
        notice = Notice(
            id=str(uuid.uuid4()),
            dedupe_key=key[:200],
            kind=kind,
            channel=address[0],
            recipient=address[1],
            language=language,
            region=region,
            subject=subject,
            body=body,
        )
        self.staged.append(notice)
        return notice

    def for_event(
        self, event_type: str, event_id: str, *, aggregate: Any, region: str, data: Mapping
    ) -> None:
        """Stage the notice a recorded event causes, if the book maps its type to one."""
        kind = self.book.on_events.get(event_type) if self.book else None
        if kind is None or aggregate is None:
            return
        to = aggregate.notice_recipient()
        if to is None:
            return
        context = {**data, **aggregate.notice_details()}
        self.add(kind, key=f"{event_id}:{kind}", to=to, region=region, context=context)

    def drain(self) -> list[Notice]:
        """The staged notices, once (the unit of work writes them)."""
        staged, self.staged = self.staged, []
        return staged
