"""JSON logs on stderr, with the service name and, inside a request, its ids."""

from __future__ import annotations

import logging
import sys

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
    logging.getLogger("pika").setLevel(logging.WARNING)
