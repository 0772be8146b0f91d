"""``make run``: the whole network on this machine.

With a broker answering at AFTERCARE_AMQP_URL every service runs as its own processes (gunicorn
web and a worker); otherwise one process hosts every service on its port over the in-process
transport. SQLite files under ``var/`` unless database URLs are set. Ctrl-C stops everything.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from shared.config import Settings
from shared.logs import configure_logging
from shared.messaging.amqp import broker_answers
from shared.migrations import upgrade
from shared.network import declare_topology, ensure_jwt_secret
from shared.service import ServiceDefinition, all_definitions, app_target

log = logging.getLogger("aftercare.run")
REPO = Path(__file__).resolve().parent.parent


def _settings(definition: ServiceDefinition) -> Settings:
    return Settings.from_env(definition.name, default_port=definition.port)


def migrate_all() -> None:
    for definition in all_definitions():
        upgrade(definition, _settings(definition).database_url)


Commands = dict[str, tuple[list[str], dict[str, str]]]


def process_commands(var_dir: Path) -> Commands:
    """Each service's gunicorn web and worker commands, each web on its configured port."""
    commands: Commands = {}
    for definition in all_definitions():
        name, port = definition.name, _settings(definition).port
        env = dict(
            os.environ,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            PROMETHEUS_MULTIPROC_DIR=str(var_dir / "prometheus" / name),
        )
        gunicorn_conf = str(REPO / "shared" / "gunicorn_conf.py")
        commands[f"{name}-web"] = (
            [sys.executable, "-m", "gunicorn", "-c", gunicorn_conf, app_target(name)],
            env,
        )
        commands[f"{name}-worker"] = (
            [sys.executable, "-m", "shared.worker", name],
            dict(os.environ),
        )
    return commands


# The console (console/README.md) is no service: it has no worker, no database of business
# data and no registration; it runs as its own gunicorn process beside them in either mode.
CONSOLE_TARGET = "console.app:create_app()"
CONSOLE_DEMO_SIGN_IN = "agent / demo-agent (more in console/demo_users.yaml)"


def _var_dir() -> Path:
    return Path(os.environ.get("AFTERCARE_VAR_DIR", "var")).resolve()


def console_command(var_dir: Path) -> tuple[list[str], dict[str, str]]:
    """The console's gunicorn command, on AFTERCARE_CONSOLE_PORT (default 8000), pointed at
    the ports the services run on here (unless their URLs are set)."""
    port = int(os.environ.get("AFTERCARE_CONSOLE_PORT") or 8000)
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", AFTERCARE_VAR_DIR=str(var_dir))
    for definition in all_definitions():
        url = f"http://127.0.0.1:{_settings(definition).port}"
        env.setdefault(f"AFTERCARE_CONSOLE_{definition.name.upper()}_URL", url)
    gunicorn_conf = str(REPO / "shared" / "gunicorn_conf.py")
    return [sys.executable, "-m", "gunicorn", "-c", gunicorn_conf, CONSOLE_TARGET], env


def _announce_console(env: dict[str, str]) -> None:
    print(
        f"Console: http://{env['GUNICORN_BIND']}/ - demo sign-in {CONSOLE_DEMO_SIGN_IN}",
        flush=True,
    )


def _start_console() -> subprocess.Popen[bytes]:
    command, env = console_command(_var_dir())
    console = subprocess.Popen(command, env=env, cwd=REPO)
    _announce_console(env)
    return console


def run_processes(amqp_url: str) -> int:
    """Each service as gunicorn web + worker processes, and the console, restarted if they
    die."""
    declare_topology(amqp_url)
    var_dir = _var_dir()
    commands = process_commands(var_dir)
    commands["console-web"] = console_command(var_dir)
    children = {
        label: subprocess.Popen(cmd, env=env, cwd=REPO) for label, (cmd, env) in commands.items()
    }
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    print(
        f"Aftercare running: RabbitMQ mode ({amqp_url.split('@')[-1]}), "
        f"{len(children)} processes; Ctrl-C to stop",
        flush=True,
    )
    _announce_console(commands["console-web"][1])
    while not stopping.wait(1.0):
        for label, child in list(children.items()):
            if child.poll() is not None:
                log.warning("%s exited with %s; restarting", label, child.returncode)
                cmd, env = commands[label]
                children[label] = subprocess.Popen(cmd, env=env, cwd=REPO)
    for child in children.values():
        child.terminate()
    for child in children.values():
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


def run_inprocess() -> int:
    """Every service in this one process, events over the in-process transport."""
    from werkzeug.serving import make_server

    from shared.messaging.inprocess import InProcessBus
    from shared.service import Runtime
    from shared.web import build_app
    from shared.worker import start_inprocess_worker

    bus = InProcessBus()
    stop = threading.Event()
    servers, workers, ports = [], [], []
    for definition in all_definitions():
        settings = _settings(definition).with_overrides(transport="inprocess")
        workers.append(start_inprocess_worker(Runtime(definition, settings), bus, stop))
        server = make_server(
            "127.0.0.1", settings.port, build_app(definition, settings), threaded=True
        )
        threading.Thread(
            target=server.serve_forever, daemon=True, name=f"{definition.name}-web"
        ).start()
        servers.append(server)
        ports.append(str(settings.port))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(
        "Aftercare running: in-process mode (no broker answered; events stay in this "
        f"process), {len(servers)} services on ports {', '.join(ports)}; Ctrl-C to stop",
        flush=True,
    )
    console = _start_console()
    while not stop.wait(1.0):
        pass
    console.terminate()
    console.wait(15)
    for server in servers:
        server.shutdown()
    for worker in workers:
        worker.join(5)
    return 0


def main() -> int:
    configure_logging("runner", os.environ.get("AFTERCARE_LOG_LEVEL", "INFO"))
    var_dir = Path(os.environ.get("AFTERCARE_VAR_DIR", "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    ensure_jwt_secret(var_dir)
    migrate_all()
    settings = Settings.common()
    mode = settings.transport
    if mode == "auto":
        mode = "rabbitmq" if broker_answers(settings.amqp_url) else "inprocess"
    if mode == "rabbitmq":
        return run_processes(settings.amqp_url)
    return run_inprocess()


if __name__ == "__main__":
    time.tzset()
    sys.exit(main())
