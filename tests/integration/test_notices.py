"""The notices kit on SQLite and PostgreSQL with a real SMTP server (aiosmtpd): a staged
notice is delivered once, in the customer's language; one committed while no sender runs
is delivered once when one starts; a server that refuses for a while gets it later; one
that keeps refusing parks it with the reason, and the operator's retry sends it; a dedupe
key stages one notice however often it is staged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from shared.clock import FixedClock
from shared.db import Database
from shared.notices.recipient import Recipient
from shared.notices.store import NOTICES, backlog, list_parked, retry_parked
from tests.helpers import Mailbox, smtp_server
from tests.notices_support import notices_database, sender, stage

EN = Recipient(name="Ann Lee", email="ann@example.com", language="en")
ZH = Recipient(name="李伟", email="liwei@example.cn", language="zh-CN")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = notices_database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _rows(db: Database) -> list[sa.Row]:
    with db.session() as session:
        return list(session.execute(sa.select(NOTICES)))


def test_a_staged_notice_is_delivered_once_in_the_customers_language(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    stage(db, clock, key="wo-1:confirmed", to=EN)
    stage(db, clock, key="wo-2:confirmed", to=ZH)
    send = sender(db, clock, mailbox.url)
    assert send.run_once() == 2
    assert send.run_once() == 0
    (english,) = mailbox.to("ann@example.com")
    assert english["Subject"] == "Visit confirmed for Ann Lee"
    assert english["Content-Language"] == "en"
    assert "2026-12-09 09:30 (UTC+0800)" in english.get_content()
    (chinese,) = mailbox.to("liwei@example.cn")
    assert chinese["Subject"] == "上门服务预约确认 李伟"
    assert "我们将于 2026-12-09 09:30 (UTC+0800) 上门服务" in chinese.get_content()
    assert chinese["From"] == "service@aftercare.test"
    ids = {r.id for r in _rows(db)}
    assert {m["Message-ID"] for m in mailbox.messages} == {
        f"<notice-{i}@test.aftercare>" for i in ids
    }
    assert all(r.sent_at is not None for r in _rows(db))


def test_one_dedupe_key_stages_one_notice(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    stage(db, clock, key="event-1:visit_confirmed", to=EN, ref="first")
    stage(db, clock, key="event-1:visit_confirmed", to=EN, ref="second")
    assert len(_rows(db)) == 1
    sender(db, clock, mailbox.url).run_once()
    (message,) = mailbox.to("ann@example.com")
    assert "Reference first." in message.get_content()


def test_committed_while_no_sender_runs_then_sent_once(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    # No SMTP configured: the worker's sender leaves it waiting, nothing is lost.
    stage(db, clock, key="k", to=EN)
    off = sender(db, clock, None)
    assert off.run_once() == 0
    with db.session() as session:
        assert backlog(session).waiting == 1
    # Then a sender starts (the restart), and a second one finds nothing left.
    assert sender(db, clock, mailbox.url).run_once() == 1
    assert sender(db, clock, mailbox.url).run_once() == 0
    assert len(mailbox.to("ann@example.com")) == 1


def test_a_server_refusing_for_a_while_gets_it_later(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    stage(db, clock, key="k", to=ZH)
    send = sender(db, clock, mailbox.url, retry_base_seconds=60.0, max_attempts=5)
    mailbox.refuse = "451 4.3.0 mailbox busy, try later"
    assert send.run_once() == 1
    (row,) = _rows(db)
    assert row.attempts == 1 and row.sent_at is None and row.parked_at is None
    assert "451" in row.last_error
    # Backoff with jitter: between 45 and 60 s after the first attempt.
    assert clock.at + dt.timedelta(seconds=45) <= row.next_attempt_at
    assert row.next_attempt_at <= clock.at + dt.timedelta(seconds=60)
    assert send.run_once() == 0  # not due yet
    clock.advance(seconds=61)
    assert send.run_once() == 1
    (row,) = _rows(db)
    assert row.attempts == 2
    assert row.next_attempt_at >= clock.at + dt.timedelta(seconds=90)  # doubled
    mailbox.refuse = None
    clock.advance(seconds=121)
    assert send.run_once() == 1
    assert len(mailbox.to("liwei@example.cn")) == 1
    assert mailbox.refused == 2
    assert _rows(db)[0].sent_at is not None


def test_a_server_that_keeps_refusing_parks_it_until_the_operator_retries(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    stage(db, clock, key="k", to=EN)
    send = sender(db, clock, mailbox.url, retry_base_seconds=1.0, max_attempts=3)
    mailbox.refuse = "451 4.3.0 greylisted"
    for _ in range(3):
        assert send.run_once() == 1
        clock.advance(seconds=10)
    assert send.run_once() == 0
    with db.session() as session:
        (parked,) = list_parked(session)
        assert backlog(session).parked == 1 and backlog(session).waiting == 0
    assert parked.attempts == 3 and "451 4.3.0 greylisted" in parked.last_error
    assert mailbox.refused == 3 and mailbox.messages == []
    mailbox.refuse = None
    with db.session() as session:
        assert retry_parked(session, notice_id=parked.id) == 1
        session.commit()
    assert send.run_once() == 1
    assert send.run_once() == 0
    assert len(mailbox.to("ann@example.com")) == 1


def test_a_permanent_refusal_parks_at_once(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    stage(db, clock, key="k", to=EN)
    mailbox.refuse = "550 5.1.1 no such mailbox"
    sender(db, clock, mailbox.url, max_attempts=8).run_once()
    (row,) = _rows(db)
    assert row.attempts == 1 and row.parked_at is not None
    assert "550 5.1.1 no such mailbox" in row.last_error


def test_an_unreachable_server_is_a_temporary_failure(db: Database, clock: FixedClock) -> None:
    from tests.helpers import free_port

    stage(db, clock, key="k", to=EN)
    sender(db, clock, f"smtp://127.0.0.1:{free_port()}").run_once()
    (row,) = _rows(db)
    assert row.attempts == 1 and row.parked_at is None and row.sent_at is None
    assert "cannot reach the SMTP server" in row.last_error


def test_two_senders_at_once_send_each_notice_once(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    import threading

    for n in range(20):
        stage(db, clock, key=f"k{n}", to=Recipient("A", email=f"a{n}@example.com"))
    senders = [sender(db, clock, mailbox.url, batch_size=50) for _ in range(2)]
    threads = [threading.Thread(target=s.run_once) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        f"a{n}@example.com" for n in range(20)
    )
    assert all(r.sent_at is not None for r in _rows(db))


def test_the_senders_counters(db: Database, clock: FixedClock, mailbox: Mailbox) -> None:
    from prometheus_client import REGISTRY

    def value(name: str) -> float:
        labels = {"service": "test", "channel": "email", "kind": "visit_confirmed"}
        return REGISTRY.get_sample_value(name, labels) or 0.0

    names = {n: f"aftercare_notices_{n}_total" for n in ("sent", "retried", "parked")}
    before = {n: value(names[n]) for n in names}
    stage(db, clock, key="a", to=EN)
    stage(db, clock, key="b", to=ZH)
    send = sender(db, clock, mailbox.url, max_attempts=2, retry_base_seconds=1)
    mailbox.refuse = "451 later"
    send.run_once()  # both retried
    clock.advance(seconds=5)
    send.run_once()  # both parked
    mailbox.refuse = None
    with db.session() as session:
        retry_parked(session)
        session.commit()
    send.run_once()  # both sent
    after = {n: value(names[n]) - before[n] for n in names}
    assert after == {"sent": 2, "retried": 2, "parked": 2}


class _Gateway:
    """A real HTTP SMS gateway on a free local port: records what it is sent, answers
    ``status``."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        gateway = self
        self.status = 202
        self.received: list[tuple[dict[str, str], dict[str, str]]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append((dict(self.headers), body))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway() -> Iterator[_Gateway]:
    running = _Gateway()
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_a_text_goes_through_the_sms_gateway_behind_the_same_interface(
    db: Database, clock: FixedClock, gateway: _Gateway
) -> None:
    stage(db, clock, key="k1", to=Recipient("李伟", phone="+86 138 0000 0000"))
    stage(db, clock, key="k2", to=Recipient("Ann", phone="+86 139 0000 0000", language="en"))
    send = sender(db, clock, None, sms_url=gateway.url, sms_token="t0ken", retry_base_seconds=1)
    gateway.status = 503
    assert send.run_once() == 2
    assert [r.attempts for r in _rows(db)] == [1, 1] and not any(r.parked_at for r in _rows(db))
    gateway.status = 400  # the gateway says the number is wrong: no use trying again
    clock.advance(seconds=5)
    send.run_once()
    assert all(r.parked_at is not None and "SMS gateway 400" in r.last_error for r in _rows(db))
    with db.session() as session:
        retry_parked(session)
        session.commit()
    gateway.status = 202
    assert send.run_once() == 2
    delivered = gateway.received[-2:]
    ids = {r.id for r in _rows(db)}
    assert {h["Idempotency-Key"] for h, _ in delivered} == ids
    assert {b["id"] for _, b in delivered} == ids
    assert all(h["Authorization"] == "Bearer t0ken" for h, _ in delivered)
    texts = {b["to"]: b["text"] for _, b in delivered}
    assert texts["+86 138 0000 0000"].startswith("上门服务预约确认 李伟\n")
    assert texts["+86 139 0000 0000"].startswith("Visit confirmed for Ann\n")


def test_a_refused_login_is_the_configurations_fault_not_the_notices(
    db: Database, clock: FixedClock
) -> None:
    stage(db, clock, key="k", to=EN)
    with smtp_server(password="right-secret") as box:
        wrong = sender(db, clock, box.url, smtp_user="aftercare", smtp_password="wrong-secret")
        wrong.run_once()
        (row,) = _rows(db)
        assert row.parked_at is None and row.attempts == 1  # temporary: fix it, it goes
        assert "535" in row.last_error and "wrong-secret" not in row.last_error
        clock.advance(hours=1)
        right = sender(db, clock, box.url, smtp_user="aftercare", smtp_password="right-secret")
        assert right.run_once() == 1
        assert len(box.to("ann@example.com")) == 1


def test_sent_notices_are_kept_for_the_retention_period(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    stage(db, clock, key="old", to=EN)
    sender(db, clock, mailbox.url).run_once()
    clock.advance(days=20)
    stage(db, clock, key="new", to=ZH)
    stage(db, clock, key="waiting", to=Recipient("B", phone="+86 1"))  # no gateway: waits
    sender(db, clock, mailbox.url).run_once()
    clock.advance(days=11)  # "old" was sent 31 days ago, "new" 11
    sender(db, clock, mailbox.url, retention_days=30).run_once()
    assert sorted(r.dedupe_key for r in _rows(db)) == ["new", "waiting"]


def test_a_login_may_come_in_the_url(db: Database, clock: FixedClock) -> None:
    stage(db, clock, key="k", to=EN)
    with smtp_server(password="p@ss word") as box:
        wrong = box.url.replace("smtp://", "smtp://aftercare:pass%20word@")
        sender(db, clock, wrong).run_once()
        assert "535" in _rows(db)[0].last_error  # the URL's login was tried, and refused
        clock.advance(hours=1)
        right = box.url.replace("smtp://", "smtp://aftercare:p%40ss%20word@")
        assert sender(db, clock, right).run_once() == 1
        assert len(box.to("ann@example.com")) == 1


def test_a_notice_leased_by_a_sender_that_died_goes_when_the_lease_runs_out(
    db: Database, clock: FixedClock, mailbox: Mailbox
) -> None:
    from shared.notices.store import lease_due

    stage(db, clock, key="k", to=EN)
    with db.session() as session:  # a sender leases it, then dies before sending
        until = clock.now() + dt.timedelta(seconds=120)
        assert lease_due(session, now=clock.now(), channels=("email",), until=until) is not None
        session.commit()
    send = sender(db, clock, mailbox.url)
    assert send.run_once() == 0  # leased: nobody else touches it
    clock.advance(seconds=121)
    assert send.run_once() == 1
    assert send.run_once() == 0
    assert len(mailbox.to("ann@example.com")) == 1
