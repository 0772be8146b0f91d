"""``python -m shared.healthcheck``: the image's HEALTHCHECK. Exit 0 when this container's
process answers on its own port: a web's ``/healthz`` (``GUNICORN_BIND``), else the worker's
metrics server (the service's port + 1000); 1 otherwise."""

from __future__ import annotations

import os
import sys
import urllib.request

from shared.config import Settings


def probe_port() -> int:
    """The port this container's process listens on."""
    bind = os.environ.get("GUNICORN_BIND")
    if bind:
        return int(bind.rsplit(":", 1)[1])
    service = os.environ.get("AFTERCARE_SERVICE", "")
    from shared.service import load_definition

    definition = load_definition(service)
    return Settings.from_env(service, default_port=definition.port).worker_metrics_port


def main() -> int:
    try:
        port = probe_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as reply:
            return 0 if reply.status == 200 else 1
    except (OSError, ValueError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
