"""Dispatch's customer notices on SQLite and PostgreSQL, sent to a real SMTP server: the
appointment confirmed in the customer's language, the technician on the way (a new step with
its own refusals), the day-before reminder once however often the job runs, the repair
completed with its record; nothing staged by a refused request."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from services.dispatch.jobs import run_reminders
from shared.notices.store import NOTICES
from tests.helpers import REPO, Mailbox, metric_value, smtp_server
from tests.integration.dispatch_support import HOUR, Dispatch, iso, make_dispatch
from tests.notices_support import send_notices

ANN = {"customer_name": "Ann Lee", "customer_email": "ann@example.com", "customer_language": "en"}
LI = {"customer_name": "李伟", "customer_email": "li@example.cn", "customer_language": "zh-CN"}


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    api = make_dispatch(database_url)
    yield api
    api.rt.db.dispose()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _send(d: Dispatch, mailbox: Mailbox) -> int:
    return send_notices(d.rt, d.clock, mailbox.url)


def _kinds(d: Dispatch) -> list[str]:
    with d.rt.db.session() as session:
        return list(session.scalars(sa.select(NOTICES.c.kind).order_by(NOTICES.c.created_at)))


def _depart(d: Dispatch, work_order_id: str, tech: str, **body: Any) -> Any:
    return d.post(f"/work-orders/{work_order_id}/departure", body, "technician", sub=f"tech-{tech}")


def test_an_english_customer_is_told_of_each_step_in_english(
    dispatch: Dispatch, mailbox: Mailbox
) -> None:
    d = dispatch
    dong = d.technician("Dong")
    work_order = d.open_repair(**ANN)
    assert d.schedule(work_order, technician_id=dong, starts_in=HOUR).status_code == 200
    assert _send(d, mailbox) == 1
    (confirmed,) = mailbox.to("ann@example.com")
    # START is 16:00 in Shanghai: the window opens at 17:00 there.
    assert confirmed["Subject"] == "Your service visit is confirmed: 2026-11-02 17:00 (UTC+0800)"
    assert "No. 8 Harbour Road" in confirmed.get_content()

    expected = d.clock.now() + dt.timedelta(minutes=45)
    assert _depart(d, work_order, "Dong", expected_at=iso(expected)).status_code == 200
    again = _depart(d, work_order, "Dong")
    assert again.status_code == 409 and "departed_at" in again.get_json()["errors"]
    d.clock.advance(hours=1.5)
    assert d.check_in(work_order, "Dong", d.clock.now()).status_code == 200
    d.clock.advance(hours=1)
    assert d.complete(work_order, "Dong").status_code == 200
    assert _send(d, mailbox) == 2
    assert _send(d, mailbox) == 0
    subjects = [m["Subject"] for m in mailbox.to("ann@example.com")]
    assert subjects[1:] == ["Our technician Dong is on the way", "Your repair is complete (CP-400)"]
    record = mailbox.to("ann@example.com")[2].get_content()
    assert "Work performed: replaced anode" in record and "Result: fixed" in record
    assert d.work_order(work_order)["visits"][0]["departed_at"] == "2026-11-02T08:00:00Z"


def test_a_departure_refused_stages_nothing(dispatch: Dispatch) -> None:
    d = dispatch
    dong, _ = d.technician("Dong"), d.technician("Bai")
    work_order = d.open_repair(**LI)
    d.schedule(work_order, technician_id=dong)
    before = _kinds(d)
    too_early = d.clock.now() - 2 * HOUR
    bad = _depart(d, work_order, "Dong", expected_at="tomorrow")
    assert bad.status_code == 422 and "expected_at" in bad.get_json()["errors"]
    early = _depart(d, work_order, "Dong", departed_at=iso(too_early))
    assert early.status_code == 422 and "departed_at" in early.get_json()["errors"]
    assert _depart(d, work_order, "Bai").status_code == 403
    assert d.post(f"/work-orders/{work_order}/departure", {}, "agent").status_code == 403
    assert _kinds(d) == before == ["appointment_confirmed"]


def test_tomorrows_visits_are_reminded_once_in_their_language(
    dispatch: Dispatch, mailbox: Mailbox
) -> None:
    d = dispatch
    dong = d.technician("Dong")
    ann, li, today = d.open_repair(**ANN), d.open_repair(**LI), d.open_repair(**LI)
    d.schedule(ann, technician_id=dong, starts_in=18 * HOUR)  # 10:00 tomorrow in Shanghai
    d.schedule(li, technician_id=dong, starts_in=21 * HOUR)  # 13:00 tomorrow
    d.schedule(today, technician_id=dong, starts_in=HOUR)  # 17:00 today
    assert run_reminders(d.rt) == 2
    assert run_reminders(d.rt) == 0
    _send(d, mailbox)
    english = [m["Subject"] for m in mailbox.to("ann@example.com")]
    assert sorted(english) == [
        "Reminder: our technician visits you tomorrow, 2026-11-03 10:00 (UTC+0800)",
        "Your service visit is confirmed: 2026-11-03 10:00 (UTC+0800)",
    ]
    chinese = [m["Subject"] for m in mailbox.to("li@example.cn")]
    assert chinese.count("提醒：技术人员将于明天 2026-11-03 13:00 (UTC+0800) 上门服务") == 1
    assert _kinds(d).count("visit_reminder") == 2


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, AFTERCARE_DISPATCH_DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", "notices", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_operator_lists_parked_notices_and_sends_them_again(
    dispatch: Dispatch, mailbox: Mailbox, database_url: str
) -> None:
    d = dispatch
    dong = d.technician("Dong")
    d.schedule(d.open_repair(**ANN), technician_id=dong)
    mailbox.refuse = "550 5.1.1 mailbox unavailable"
    _send(d, mailbox)
    metrics = d.client.get("/metrics").get_data(as_text=True)
    assert metric_value(metrics, "aftercare_notices_parked", service="dispatch") == 1
    assert metric_value(metrics, "aftercare_notices_backlog", service="dispatch") == 0

    listed = _cli(database_url, "list", "dispatch")
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    parked = json.loads(line)
    assert parked["kind"] == "appointment_confirmed" and "550 5.1.1" in parked["last_error"]
    assert _cli(database_url, "retry", "dispatch").returncode == 2
    mailbox.refuse = None
    retried = _cli(database_url, "retry", "dispatch", "--id", parked["id"])
    assert retried.returncode == 0, retried.stderr
    assert _send(d, mailbox) == 1
    assert len(mailbox.to("ann@example.com")) == 1
    assert _cli(database_url, "list", "dispatch").stdout == ""
