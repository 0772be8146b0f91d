"""Configuration read from the environment (SPEC section 5), one Settings per service."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_REGIONS = ("north", "northeast", "east", "central", "south", "southwest", "northwest")
DEFAULT_AMQP = "amqp://guest:guest@localhost:5672/"
# Loopback and the private ranges a monitoring network lives on.
DEFAULT_METRICS_ALLOW = (
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "fc00::/7",
)
# Each worker (relay + consumer) exposes its own /metrics on the web port + 1000.
WORKER_METRICS_OFFSET = 1000


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _read_secret(value_var: str, file_var: str) -> str | None:
    """A secret comes from its variable or from a file named by `<VAR>_FILE` (Docker/K8s style)."""
    value = _env(value_var)
    if value:
        return value
    path = _env(file_var)
    if path:
        return Path(path).read_text().strip()
    return None


@dataclass(frozen=True)
class NoticeSettings:
    """Where customer notices go (SMTP, an SMS gateway) and how hard the sender tries. A
    transport that is not configured is off: its notices wait, they are not lost."""

    smtp_url: str | None = field(default=None, repr=False)  # smtp://host:port, smtps://...
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    sender_address: str = "aftercare@localhost"
    sms_url: str | None = field(default=None, repr=False)
    sms_token: str | None = field(default=None, repr=False)
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    poll_seconds: float = 1.0
    batch_size: int = 20
    timeout_seconds: float = 30.0
    lease_seconds: float = 120.0  # a notice being sent is not due again for this long
    retention_days: int = 30  # sent notices are kept this long (what was told, and when)

    @classmethod
    def from_env(cls) -> NoticeSettings:
        """AFTERCARE_SMTP_* , AFTERCARE_SMS_* and AFTERCARE_NOTICES_* variables."""
        return cls(
            smtp_url=_read_secret("AFTERCARE_SMTP_URL", "AFTERCARE_SMTP_URL_FILE"),
            smtp_starttls=(_env("AFTERCARE_SMTP_STARTTLS", "") or "").lower()
            in ("1", "true", "yes"),
            smtp_user=_env("AFTERCARE_SMTP_USER"),
            smtp_password=_read_secret("AFTERCARE_SMTP_PASSWORD", "AFTERCARE_SMTP_PASSWORD_FILE"),
            sender_address=_env("AFTERCARE_NOTICES_FROM", cls.sender_address) or "",
            sms_url=_read_secret("AFTERCARE_SMS_URL", "AFTERCARE_SMS_URL_FILE"),
            sms_token=_read_secret("AFTERCARE_SMS_TOKEN", "AFTERCARE_SMS_TOKEN_FILE"),
            max_attempts=int(_env("AFTERCARE_NOTICES_MAX_ATTEMPTS", "8") or 8),
            retry_base_seconds=float(_env("AFTERCARE_NOTICES_RETRY_SECONDS", "30") or 30),
            retry_max_seconds=float(_env("AFTERCARE_NOTICES_RETRY_MAX_SECONDS", "3600") or 3600),
            poll_seconds=float(_env("AFTERCARE_NOTICES_POLL_SECONDS", "1") or 1),
            retention_days=int(_env("AFTERCARE_NOTICES_RETENTION_DAYS", "30") or 30),
            lease_seconds=float(_env("AFTERCARE_NOTICES_LEASE_SECONDS", "120") or 120),
        )


@dataclass(frozen=True)
class Settings:
    """Everything a service process needs to know about its surroundings."""

    service: str
    database_url: str = field(repr=False)  # URLs may carry passwords: kept out of logs
    amqp_url: str = field(default=DEFAULT_AMQP, repr=False)
    transport: str = "auto"  # auto | rabbitmq | inprocess
    regions: tuple[str, ...] = DEFAULT_REGIONS
    jwt_secret: str | None = field(default=None, repr=False)
    jwt_public_key: str | None = field(default=None, repr=False)
    jwt_issuer: str = "aftercare"
    max_body_bytes: int = 64 * 1024
    outbox_retention_days: int = 7
    relay_poll_seconds: float = 0.05
    relay_batch_size: int = 500
    consumer_prefetch: int = 200
    consumer_batch_size: int = 100
    consumer_batch_seconds: float = 0.02
    retry_delays_seconds: tuple[float, ...] = (1.0, 5.0, 25.0)
    port: int = 0
    log_level: str = "INFO"
    calendars_file: str | None = None
    # Who may read /metrics: the monitoring network, never the outside (SPEC section 2).
    metrics_allow: tuple[str, ...] = DEFAULT_METRICS_ALLOW
    # A worker that consumes only these regions' events, on queues of its own (empty: all).
    consume_regions: tuple[str, ...] = ()
    notices: NoticeSettings = field(default_factory=NoticeSettings)
    # Service-specific options set in code (tests); see ``option``.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def jwt_audience(self) -> str:
        """The audience a token must name for this service."""
        return f"aftercare.{self.service}"

    @property
    def worker_metrics_port(self) -> int:
        return self.port + WORKER_METRICS_OFFSET if self.port else 0

    def option(self, name: str, default: str) -> str:
        """A service-specific option: ``extra[name]``, else the variable
        ``AFTERCARE_<SERVICE>_<NAME>``, else ``default``."""
        if name in self.extra:
            return str(self.extra[name])
        return _env(f"AFTERCARE_{self.service.upper()}_{name.upper()}", default) or default

    def __post_init__(self) -> None:
        unknown = sorted(set(self.consume_regions) - set(self.regions))
        if unknown:
            raise ValueError(f"AFTERCARE_CONSUME_REGIONS names unknown regions: {unknown}")

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some values replaced (tests, embedded runs)."""
        return replace(self, **changes)

    @classmethod
    def common(cls) -> Settings:
        """The settings every service shares (broker, keys, regions), for the CLI and runner."""
        return cls.from_env("common")

    @classmethod
    def from_env(cls, service: str, *, default_port: int = 0) -> Settings:
        """Read the settings of one service from AFTERCARE_* variables."""
        var_dir = Path(_env("AFTERCARE_VAR_DIR", "var") or "var")
        default_db = f"sqlite:///{(var_dir / f'{service}.db').as_posix()}"
        regions = _env("AFTERCARE_REGIONS")
        retry = _env("AFTERCARE_RETRY_DELAYS")
        consume = _env("AFTERCARE_CONSUME_REGIONS")
        return cls(
            service=service,
            database_url=_read_secret(
                f"AFTERCARE_{service.upper()}_DATABASE_URL",
                f"AFTERCARE_{service.upper()}_DATABASE_URL_FILE",
            )
            or default_db,
            amqp_url=_read_secret("AFTERCARE_AMQP_URL", "AFTERCARE_AMQP_URL_FILE") or DEFAULT_AMQP,
            transport=_env("AFTERCARE_TRANSPORT", "auto") or "auto",
            regions=tuple(r.strip() for r in regions.split(",") if r.strip())
            if regions
            else DEFAULT_REGIONS,
            jwt_secret=_read_secret("AFTERCARE_JWT_SECRET", "AFTERCARE_JWT_SECRET_FILE"),
            jwt_public_key=_read_secret(
                "AFTERCARE_JWT_PUBLIC_KEY", "AFTERCARE_JWT_PUBLIC_KEY_FILE"
            ),
            jwt_issuer=_env("AFTERCARE_JWT_ISSUER", "aftercare") or "aftercare",
            max_body_bytes=int(_env("AFTERCARE_MAX_BODY_BYTES", "65536") or 65536),
            outbox_retention_days=int(_env("AFTERCARE_OUTBOX_RETENTION_DAYS", "7") or 7),
            relay_poll_seconds=float(_env("AFTERCARE_RELAY_POLL_SECONDS", "0.05") or 0.05),
            retry_delays_seconds=tuple(float(x) for x in retry.split(","))
            if retry
            else cls.retry_delays_seconds,
            port=int(_env(f"AFTERCARE_{service.upper()}_PORT", str(default_port)) or 0),
            log_level=_env("AFTERCARE_LOG_LEVEL", "INFO") or "INFO",
            calendars_file=_env("AFTERCARE_CALENDARS_FILE"),
            metrics_allow=tuple(
                n.strip() for n in (_env("AFTERCARE_METRICS_ALLOW") or "").split(",") if n.strip()
            )
            or DEFAULT_METRICS_ALLOW,
            consume_regions=tuple(r.strip() for r in consume.split(",") if r.strip())
            if consume
            else (),
            notices=NoticeSettings.from_env(),
        )
