"""The maintenance notice and the complaint's expected handling time, on SQLite and
PostgreSQL, delivered to a real SMTP server once, in the customer's language; a language the
services do not write in is refused naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from services.maintenance.use_cases import run_scheduler
from tests.helpers import Mailbox, smtp_server
from tests.integration.complaints_support import complaint_body, make_complaints
from tests.integration.maintenance_support import make_maintenance
from tests.notices_support import send_notices


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def test_the_maintenance_notice_goes_once_on_its_notice_date(
    database_url: str, mailbox: Mailbox
) -> None:
    m = make_maintenance(database_url)
    try:
        m.asset(customer_email="ops@harbour.example", customer_language="en")
        m.plan(interval_months=1, notice_days=7)  # due 2026-01-15, notice on the 8th
        m.clock.at = dt.datetime(2026, 1, 8, 2, 0, tzinfo=dt.UTC)
        run_scheduler(m.rt.unit_of_work)  # type: ignore[arg-type]
        run_scheduler(m.rt.unit_of_work)  # type: ignore[arg-type]
        assert send_notices(m.rt, m.clock, mailbox.url) == 1
        assert send_notices(m.rt, m.clock, mailbox.url) == 0
        (message,) = mailbox.to("ops@harbour.example")
        assert message["Subject"] == "Maintenance due for your CP-400 on 2026-01-15"
        assert "Address: Berth 4, Ningbo port" in message.get_content()
        refused = m.patch("/assets/SN-1", {"customer_language": "fr"}, "agent")
        assert refused.status_code == 422
        assert "customer_language" in refused.get_json()["errors"]
    finally:
        m.rt.db.dispose()


def test_the_complainant_is_told_the_expected_handling_time(
    database_url: str, mailbox: Mailbox
) -> None:
    c = make_complaints(database_url)
    try:
        person = {"name": "Ann Lee", "email": "ann@example.com", "language": "en"}
        filed = c.ok(c.post("/complaints", complaint_body(complainant=person), "agent"), 201)
        assert send_notices(c.rt, c.clock, mailbox.url) == 1
        (message,) = mailbox.to("ann@example.com")
        assert message["Subject"].startswith("We have received your complaint")
        assert filed["handling_notice"] in message.get_content()
        assert message["Content-Language"] == "en"
    finally:
        c.rt.db.dispose()
