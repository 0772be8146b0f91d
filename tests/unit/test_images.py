"""A service's image holds the kit and that one service while the installed metadata still
registers all of them: the kit must see only what is installed. Simulated here as the
Dockerfile builds it (shared/ plus one services/<name>/), in a fresh interpreter."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import healthcheck

REPO = Path(__file__).resolve().parents[2]


def one_service_tree(tmp_path: Path, name: str) -> Path:
    """What the image's build stage copies: shared/, services/__init__.py, services/<name>/."""
    root = tmp_path / "image"
    shutil.copytree(REPO / "shared", root / "shared")
    (root / "services").mkdir(parents=True)
    shutil.copy(REPO / "services" / "__init__.py", root / "services" / "__init__.py")
    shutil.copytree(REPO / "services" / name, root / "services" / name)
    return root


# This checkout is installed in editable mode: its import hook would still find every
# service in the worktree. Dropped, so imports see only the image's tree (on PYTHONPATH),
# while the installed metadata keeps registering all the services, as in the image.
NO_EDITABLE_FINDER = (
    "import sys\n"
    "sys.meta_path[:] = [\n"
    "    f for f in sys.meta_path if 'Editable' not in getattr(f, '__name__', '')\n"
    "]\n"
)


def run_python(root: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_EDITABLE_FINDER + code],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_kit_sees_only_the_service_the_image_holds(tmp_path: Path) -> None:
    root = one_service_tree(tmp_path, "dispatch")
    done = run_python(
        root,
        "import services, shared.service as s\n"
        f"assert services.__file__.startswith({str(root)!r}), services.__file__\n"
        "print(s.service_names())\n"
        "print(s.load_definition('dispatch').name)\n"
        "try:\n    s.load_definition('intake')\n"
        "except ValueError as e:\n    print('refused', e)\n",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "('dispatch',)"
    assert lines[1] == "dispatch"
    assert lines[2].startswith("refused unknown service 'intake'; known: dispatch")


def test_the_cli_migrates_the_one_service_it_holds(tmp_path: Path) -> None:
    root = one_service_tree(tmp_path, "kpi")
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    done = run_python(
        root,
        "from shared.cli import main\nsys.exit(main(['migrate', 'kpi']))\n",
        AFTERCARE_KPI_DATABASE_URL=url,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "kpi.db").stat().st_size > 0


@pytest.fixture
def answering_port() -> Iterator[int]:
    class Healthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Healthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_probes_the_web_port(
    answering_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GUNICORN_BIND", f"0.0.0.0:{answering_port}")
    assert healthcheck.main() == 0
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:1")  # nothing listens there
    assert healthcheck.main() == 1


def test_healthcheck_probes_a_workers_metrics_port(
    answering_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("AFTERCARE_SERVICE", "intake")
    monkeypatch.setenv("AFTERCARE_INTAKE_PORT", str(answering_port - 1000))
    assert healthcheck.probe_port() == answering_port
    assert healthcheck.main() == 0
    monkeypatch.setenv("AFTERCARE_SERVICE", "no-such-service")
    assert healthcheck.main() == 1


def test_a_workers_metrics_server_answers_the_liveness_probe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker's probe (Kubernetes and the image's HEALTHCHECK) asks ``/healthz`` of the
    metrics server ``shared.worker`` starts: it must answer there, not only on /metrics."""
    from prometheus_client import start_http_server

    from tests.helpers import free_port

    port = free_port()
    server, thread = start_http_server(port, addr="127.0.0.1")
    try:
        monkeypatch.delenv("GUNICORN_BIND", raising=False)
        monkeypatch.setenv("AFTERCARE_SERVICE", "kpi")
        monkeypatch.setenv("AFTERCARE_KPI_PORT", str(port - 1000))
        assert healthcheck.main() == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert healthcheck.main() == 1  # and fails once it is gone
