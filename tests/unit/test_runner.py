"""The kit finds its services by registration: the runner starts each on its configured port,
the CLI offers the commands services add."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.cli import build_parser
from shared.runner import process_commands
from tests.helpers import SERVICE_NAMES, SERVICE_PORTS


def test_the_runner_starts_a_web_and_a_worker_per_service_on_its_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AFTERCARE_KPI_PORT", "18107")
    commands = process_commands(tmp_path)
    assert set(commands) == {f"{n}-{role}" for n in SERVICE_NAMES for role in ("web", "worker")}
    binds = {label: env["GUNICORN_BIND"] for label, (_, env) in commands.items() if "web" in label}
    expected = {f"{n}-web": f"127.0.0.1:{SERVICE_PORTS[n]}" for n in SERVICE_NAMES}
    assert binds == expected | {"kpi-web": "127.0.0.1:18107"}
    web, _ = commands["dispatch-web"]
    assert web[-1] == "services.dispatch.app:create_app()"
    assert commands["dispatch-worker"][0][-2:] == ["shared.worker", "dispatch"]


def test_the_cli_offers_every_service_and_the_commands_services_add() -> None:
    parser = build_parser()
    args = parser.parse_args(["kpi-rebuild", "--chunk-size", "7"])
    assert args.chunk_size == 7 and callable(args.func)
    assert parser.parse_args(["worker", "billing"]).service == "billing"
    with pytest.raises(SystemExit):
        parser.parse_args(["worker", "nobody"])
