"""The worker's notice sender: claims due notices, sends each through its channel's
transport, marks it sent; a temporary failure is retried later with exponential backoff and
jitter, a permanent one (or the last allowed attempt) parks the notice with its reason.

A notice is leased before it is sent (its next attempt moved past the lease, in a transaction
of its own), so two senders never send one notice at once and no lock is held while a server
is slow. A sender that dies holding a lease leaves the notice to be sent when the lease runs
out. One that dies after the server accepted a message but before marking it sent sends it
again (at least once); the Message-ID derived from the notice id lets the receiving side drop
that duplicate. A channel with no transport configured is left alone: its notices wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from typing import Any

from shared.clock import Clock
from shared.config import NoticeSettings
from shared.db import Database
from shared.faults import crash_point
from shared.logs import Outage
from shared.metrics import NOTICES_PARKED, NOTICES_RETRIED, NOTICES_SENT
from shared.notices import store
from shared.notices.transports import NoticeTransport, SendFailed

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 600.0


def retry_delay(attempts: int, settings: NoticeSettings, rand: float | None = None) -> float:
    """Seconds before attempt ``attempts + 1``: doubling from the base, capped, with up to a
    quarter of random jitter so a crowd of notices does not retry in step."""
    base = min(settings.retry_max_seconds, settings.retry_base_seconds * 2 ** (attempts - 1))
    jitter = random.random() if rand is None else rand
    return base * (0.75 + 0.25 * jitter)


class NoticeSender:
    """Sends one service's notices; several senders may run (notices are leased)."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        clock: Clock,
        settings: NoticeSettings,
        transports: dict[str, NoticeTransport],
    ) -> None:
        self.service, self.db, self.clock = service, db, clock
        self.settings = settings
        self.transports = transports
        self.wake = threading.Event()
        self._pruned_at = -PRUNE_EVERY_SECONDS

    def run_once(self) -> int:
        """Send up to a batch of due notices, each leased and settled on its own (a crash
        resends at most the one in flight); how many were leased."""
        self._maybe_prune()
        if not self.transports:
            return 0
        claimed = 0
        try:
            while claimed < self.settings.batch_size and self._send_next():
                claimed += 1
        finally:
            for transport in self.transports.values():
                transport.close()
        return claimed

    def _maybe_prune(self) -> None:
        """Delete notices sent longer ago than the retention period, every ten minutes."""
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        keep = dt.timedelta(days=self.settings.retention_days)
        with self.db.session() as session:
            pruned = store.prune_sent(session, older_than=self.clock.now() - keep)
            session.commit()
        if pruned:
            log.info("pruned sent notices", extra={"service": self.service, "rows": pruned})

    def _send_next(self) -> bool:
        """Lease one due notice (committed: no lock is held while the server is talked to),
        send it, then settle it in a second transaction."""
        with self.db.session() as session:
            now = self.clock.now()
            lease = now + dt.timedelta(seconds=self.settings.lease_seconds)
            row = store.lease_due(session, now=now, channels=tuple(self.transports), until=lease)
            session.commit()
        if row is None:
            return False
        crash_point("notices.before_send")  # leased, not sent: sent once the lease runs out
        try:
            self.transports[row.channel].send(row, service=self.service)
        except SendFailed as failure:
            self._settle(row, failure)
            return True
        crash_point("notices.after_send")  # accepted, not marked: sent again, same Message-ID
        self._settle(row, None)
        return True

    def _settle(self, row: Any, failure: SendFailed | None) -> None:
        with self.db.session() as session:
            if failure is None:
                store.mark_sent(session, row.id, now=self.clock.now())
            else:
                self._failed(session, row, failure)
            session.commit()
        if failure is None:
            NOTICES_SENT.labels(self.service, row.channel, row.kind).inc()
            log.info("notice sent", extra={"notice_id": row.id, "kind": row.kind})

    def _failed(self, session: Any, row: Any, failure: SendFailed) -> None:
        attempts, now = row.attempts + 1, self.clock.now()
        park = failure.permanent or attempts >= self.settings.max_attempts
        retry_at = None if park else now + dt.timedelta(seconds=self._delay(attempts))
        store.mark_failed(
            session, row.id, attempts=attempts, reason=failure.reason, retry_at=retry_at, now=now
        )
        counter = NOTICES_PARKED if park else NOTICES_RETRIED
        counter.labels(self.service, row.channel, row.kind).inc()
        level = logging.ERROR if park else logging.WARNING
        what = "notice parked" if park else "notice not sent, will retry"
        # The reason is the server's reply; the recipient's address stays out of the log.
        log.log(level, what, extra={"notice_id": row.id, "reason": failure.reason})

    def _delay(self, attempts: int) -> float:
        return retry_delay(attempts, self.settings)

    def run(self, stop: threading.Event) -> None:
        """Send until stopped; back off while the database is unreachable."""
        failures, outage = 0, Outage(log, "notice sender")
        while not stop.is_set():
            try:
                claimed = self.run_once()
                failures = 0
                outage.recovered(service=self.service)
            except Exception as exc:
                outage.failed(exc, service=self.service)
                failures += 1
                stop.wait(random.uniform(0.5, 1.0) * min(15.0, 0.2 * 2**failures))
                continue
            if claimed < self.settings.batch_size:
                self.wake.wait(self.settings.poll_seconds)
                self.wake.clear()
