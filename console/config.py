"""The console's configuration, read from the environment once, in the factory."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEMO_USERS = HERE / "demo_users.yaml"
# The services the console calls, with the ports SPEC section 5 gives them.
SERVICE_PORTS = {
    "intake": 8001,
    "dispatch": 8002,
    "maintenance": 8003,
    "returns": 8004,
    "complaints": 8005,
    "billing": 8006,
    "kpi": 8007,
    "support": 8008,
}


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def _secret(name: str) -> str | None:
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    return Path(path).read_text().strip() if path else None


def _local_secret(path: Path) -> str:
    """A random key kept in a file beside the sessions, made once: every worker process of
    the console (and every restart) signs and checks CSRF tokens with the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)  # atomic: the first process to get here wins
        draft.unlink()
    return path.read_text().strip()


def _fixed_time(text: str) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("AFTERCARE_CONSOLE_FIXED_TIME needs an offset")
    return moment


@dataclass(frozen=True)
class ConsoleSettings:
    """Where the services are, whose users may sign in, and how sessions are kept."""

    service_urls: dict[str, str]
    users_file: str
    session_db: str
    secret_key: str = field(repr=False)
    jwt_secret: str | None = field(default=None, repr=False)
    jwt_issuer: str = "aftercare"
    session_hours: float = 8.0
    request_timeout: float = 5.0
    cookie_secure: bool = False
    calendars_file: str | None = None
    regions: tuple[str, ...] = ()
    fixed_time: dt.datetime | None = None
    map_url: str = "https://www.openstreetmap.org/search?query={address}"
    refresh_seconds: int = 30

    def with_overrides(self, **changes: Any) -> ConsoleSettings:
        """A copy with some values replaced (tests)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls) -> ConsoleSettings:
        """Read AFTERCARE_CONSOLE_* and the variables every service shares."""
        var_dir = Path(_env("AFTERCARE_VAR_DIR", "var"))
        urls = {
            name: _env(f"AFTERCARE_CONSOLE_{name.upper()}_URL", f"http://127.0.0.1:{port}")
            for name, port in SERVICE_PORTS.items()
        }
        regions = _env("AFTERCARE_REGIONS")
        session_db = _env("AFTERCARE_CONSOLE_SESSION_DB", str(var_dir / "console-sessions.db"))
        return cls(
            service_urls=urls,
            users_file=_env("AFTERCARE_CONSOLE_USERS_FILE", str(DEMO_USERS)),
            session_db=session_db,
            secret_key=_secret("AFTERCARE_CONSOLE_SECRET_KEY")
            or _local_secret(Path(session_db).parent / "console-secret-key"),
            jwt_secret=_secret("AFTERCARE_JWT_SECRET"),
            jwt_issuer=_env("AFTERCARE_JWT_ISSUER", "aftercare"),
            session_hours=float(_env("AFTERCARE_CONSOLE_SESSION_HOURS", "8")),
            request_timeout=float(_env("AFTERCARE_CONSOLE_TIMEOUT_SECONDS", "5")),
            cookie_secure=_env("AFTERCARE_CONSOLE_COOKIE_SECURE", "auto") == "always",
            calendars_file=_env("AFTERCARE_CALENDARS_FILE") or None,
            regions=tuple(r.strip() for r in regions.split(",") if r.strip()),
            fixed_time=_fixed_time(_env("AFTERCARE_CONSOLE_FIXED_TIME")),
            map_url=_env("AFTERCARE_CONSOLE_MAP_URL", cls.map_url),
            refresh_seconds=int(_env("AFTERCARE_CONSOLE_REFRESH_SECONDS", "30")),
        )
