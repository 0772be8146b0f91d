"""JSON logs on stderr, with the service name and, inside a request, its ids."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from pythonjsonlogger.json import JsonFormatter


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "service"):
            record.service = self.service
        try:
            from flask import g, has_request_context

            if has_request_context():
                record.request_id = g.get("request_id")
                record.correlation_id = g.get("correlation_id")
        except ImportError:  # pragma: no cover
            pass
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route every logger through one JSON handler (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_aftercare", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._aftercare = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    )
    handler.addFilter(_ContextFilter(service))
    root.addHandler(handler)
    root.setLevel(level)
    # pika logs every refused reconnect at ERROR, several lines each; the relay and the
    # consumer log their connection's state changes themselves (Outage).
    logging.getLogger("pika").setLevel(logging.CRITICAL)


class Outage:
    """Logs a dependency that keeps failing as state changes, not as a line per attempt.

    The first failure is logged once (ERROR, with its traceback); while it keeps failing, one
    WARNING line at most every ``repeat_seconds`` says how many attempts failed since; the
    first success after it is one INFO line. A relay retrying every second against a
    database that is down writes three lines an outage, not a traceback a second.
    """

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        *,
        repeat_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger, self.what = logger, what
        self.repeat_seconds, self.clock = repeat_seconds, clock
        self.failing_since: float | None = None
        self._told_at = 0.0
        self._untold = 0

    def failed(self, exc: BaseException, **extra: Any) -> None:
        """Another attempt failed with ``exc``."""
        now = self.clock()
        if self.failing_since is None:
            self.failing_since, self._told_at, self._untold = now, now, 0
            self.logger.error("%s failing: %r", self.what, exc, exc_info=exc, extra=extra)
            return
        self._untold += 1
        if now - self._told_at >= self.repeat_seconds:
            self.logger.warning(
                "%s still failing: %d more attempts in %.0f s, last: %r",
                self.what,
                self._untold,
                now - self._told_at,
                exc,
                extra=extra,
            )
            self._told_at, self._untold = now, 0

    def recovered(self, **extra: Any) -> None:
        """An attempt succeeded (logged only when it ends an outage)."""
        if self.failing_since is None:
            return
        lasted = self.clock() - self.failing_since
        self.failing_since = None
        self.logger.info("%s recovered after %.1f s", self.what, lasted, extra=extra)
