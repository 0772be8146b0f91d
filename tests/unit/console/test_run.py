"""``make run`` starts the console beside the services, on port 8000 unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.runner import console_command


def test_the_console_runs_as_its_own_gunicorn_process_on_port_8000(tmp_path: Path) -> None:
    command, env = console_command(tmp_path)
    assert command[-1] == "console.app:create_app()"
    assert command[1:3] == ["-m", "gunicorn"]
    assert env["GUNICORN_BIND"] == "127.0.0.1:8000"
    assert env["AFTERCARE_VAR_DIR"] == str(tmp_path)


def test_its_port_is_configurable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFTERCARE_CONSOLE_PORT", "18000")
    assert console_command(tmp_path)[1]["GUNICORN_BIND"] == "127.0.0.1:18000"


def test_it_calls_the_services_on_the_ports_they_run_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AFTERCARE_INTAKE_PORT", "18101")
    monkeypatch.delenv("AFTERCARE_CONSOLE_INTAKE_URL", raising=False)
    env = console_command(tmp_path)[1]
    assert env["AFTERCARE_CONSOLE_INTAKE_URL"] == "http://127.0.0.1:18101"
    assert env["AFTERCARE_CONSOLE_DISPATCH_URL"] == "http://127.0.0.1:8002"
