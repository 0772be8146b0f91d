"""gunicorn settings for every service's web process (``gunicorn -c shared/gunicorn_conf.py``).

Prometheus multiprocess mode: PROMETHEUS_MULTIPROC_DIR is emptied when the master starts and
a dead worker's files are marked so its gauges stop counting.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Short keep-alive and workers recycled with jitter: after a worker is killed and respawned,
# clients' connections spread over every worker again instead of staying on the survivor.
worker_class = "gthread"
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "2"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Headers are limited by the app (shared.web.hygiene, a 431 problem body); gunicorn's own
# limit, which answers with an HTML page, is only the last line of defence.
limit_request_field_size = 65536
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")


def on_starting(_server: Any) -> None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
