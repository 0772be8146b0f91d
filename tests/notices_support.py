"""A stand-in service for the notices kit's own tests: only the ``notices`` table, a unit of
work whose book uses tests/notice_templates, and a sender on a real SMTP server."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData

from shared.calendar import load_calendars
from shared.clock import FixedClock
from shared.config import NoticeSettings, Settings
from shared.db import Database
from shared.events import EventCatalog
from shared.notices.recipient import Recipient
from shared.notices.sender import NoticeSender
from shared.notices.staging import NoticeBook
from shared.notices.table import notices_table
from shared.notices.transports import transports_from
from shared.service import Runtime
from shared.unit_of_work import SqlUnitOfWork

TEMPLATES = Path(__file__).parent / "notice_templates"
BOOK = NoticeBook(templates=TEMPLATES)
WINDOW = dt.datetime(2026, 12, 9, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai


class NoticesUnitOfWork(SqlUnitOfWork):
    notice_book = BOOK


def notices_database(url: str) -> Database:
    metadata = MetaData()
    notices_table(metadata)
    db = Database(url)
    metadata.create_all(db.engine)
    return db


def stage(db: Database, clock: FixedClock, *, key: str, to: Recipient, ref: str = "R1") -> None:
    """Commit one confirmation notice, as a use case would with its change."""
    settings = Settings(service="test", database_url=db.url)
    with db.session() as session:
        uow = NoticesUnitOfWork(
            session,
            EventCatalog("test"),
            clock=clock,
            settings=settings,
            calendars=load_calendars(None, settings.regions),
        )
        uow.notices.add(
            "visit_confirmed",
            key=key,
            to=to,
            region="east",
            context={"window_start": WINDOW, "ref": ref},
        )
        uow.commit()


def sender(db: Database, clock: FixedClock, smtp_url: str | None, **changes: Any) -> NoticeSender:
    """A sender on the test SMTP server (``None``: no transport configured)."""
    settings = NoticeSettings(
        smtp_url=smtp_url, sender_address="service@aftercare.test", timeout_seconds=5
    )
    settings = dataclasses.replace(settings, **changes)
    return NoticeSender(
        service="test", db=db, clock=clock, settings=settings, transports=transports_from(settings)
    )


def send_notices(rt: Runtime, clock: FixedClock, smtp_url: str) -> int:
    """Run a service's notice sender once against a test SMTP server; how many it claimed."""
    settings = NoticeSettings(smtp_url=smtp_url, sender_address="service@aftercare.test")
    return NoticeSender(
        service=rt.name,
        db=rt.db,
        clock=clock,
        settings=settings,
        transports=transports_from(settings),
    ).run_once()
