"""Where the network comes from: started here like ``make run`` does (``shared.runner``: SQLite
files in a fresh var directory, the in-process transport unless AFTERCARE_AMQP_URL is set and
answers), on free ports, with a signing secret of its own; or one already running."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from demo.client import ALL_SERVICES, DEFAULT_PORTS, SERVICES

REPO = Path(__file__).resolve().parent.parent
OTHER_PROCESSES = ("support", "console")  # started by the runner too; need ports of their own
MISSED_GRACE_SECONDS = "300"  # late check-ins come seconds after the window; keep the sweep off


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Network:
    urls: dict[str, str]
    secret: str
    process: subprocess.Popen[bytes] | None = None
    var_dir: Path | None = None
    log: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        """Stop the runner we started (it stops its own children) and nothing else."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def existing(base_urls: dict[str, str], secret: str) -> Network:
    """A network already running: ``base_urls`` per service (defaults: localhost 8001-8007)."""
    urls = {s: base_urls.get(s, f"http://127.0.0.1:{DEFAULT_PORTS[s]}") for s in SERVICES}
    return Network(urls=urls, secret=secret)


def start(var_root: Path | None = None, extra_env: dict[str, str] | None = None) -> Network:
    """Start every service in a fresh var directory; returns at once (poll readiness)."""
    var_dir = Path(tempfile.mkdtemp(prefix="demo-", dir=var_root))
    secret = secrets.token_urlsafe(32)
    ports = {s: free_port() for s in (*ALL_SERVICES, *OTHER_PROCESSES)}
    env = dict(os.environ)
    env.update({f"AFTERCARE_{name.upper()}_PORT": str(port) for name, port in ports.items()})
    env.update(
        {
            "AFTERCARE_VAR_DIR": str(var_dir),
            "AFTERCARE_JWT_SECRET": secret,
            "AFTERCARE_DISPATCH_MISSED_GRACE_SECONDS": MISSED_GRACE_SECONDS,
            "AFTERCARE_MAINTENANCE_SCHEDULER_SECONDS": "2",  # plans come due during the run
            "AFTERCARE_LOG_LEVEL": env.get("AFTERCARE_LOG_LEVEL", "WARNING"),
        }
    )
    if not env.get("AFTERCARE_AMQP_URL"):
        env["AFTERCARE_TRANSPORT"] = "inprocess"  # never a broker someone else is using
    env.update(extra_env or {})
    log = var_dir / "network.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.runner"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    urls = {s: f"http://127.0.0.1:{ports[s]}" for s in SERVICES}
    return Network(urls, secret, process, var_dir, log, env)
