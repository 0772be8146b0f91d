"""HTTP to the services' public REST APIs, with tokens minted from the network's local secret
(as ``aftercare token`` does)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, TypeVar

import jwt
import requests

ALL_SERVICES = ("intake", "dispatch", "maintenance", "returns", "complaints", "billing", "kpi")
DEFAULT_PORTS = dict(zip(ALL_SERVICES, range(8001, 8008), strict=True))
SERVICES = ALL_SERVICES  # it drives them all
T = TypeVar("T")


class ApiError(RuntimeError):
    """A request the simulator expected to succeed did not."""

    def __init__(self, method: str, url: str, status: int, text: str) -> None:
        super().__init__(f"{method} {url}: {status} {text[:500]}")
        self.status = status


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def wait_for(predicate: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Poll until ``predicate`` returns something truthy (no fixed sleep as synchronisation)."""
    deadline = time.monotonic() + timeout
    interval = 0.02
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def token(secret: str, role: str, sub: str) -> str:
    """A bearer token as ``aftercare token`` mints it (HS256, issuer aftercare, an audience
    per service), signed with the network's local secret."""
    moment = now()
    claims = {
        "sub": sub,
        "roles": [role],
        "iss": "aftercare",
        "aud": [f"aftercare.{s}" for s in (*ALL_SERVICES, "support")],
        "iat": moment,
        "exp": moment + dt.timedelta(hours=12),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


class Api:
    """One session to every service, a token per (role, subject)."""

    def __init__(self, urls: dict[str, str], secret: str) -> None:
        self.urls = urls
        self.secret = secret
        self.session = requests.Session()
        self._tokens: dict[tuple[str, str], str] = {}
        self.calls = 0

    def _headers(self, role: str, sub: str) -> dict[str, str]:
        key = (role, sub)
        if key not in self._tokens:
            self._tokens[key] = token(self.secret, role, sub)
        return {"Authorization": f"Bearer {self._tokens[key]}"}

    def call(
        self, method: str, service: str, path: str, role: str, body: Any = None, sub: str = "sim"
    ) -> Any:
        url = f"{self.urls[service]}{path}"
        self.calls += 1
        response = self.session.request(
            method, url, json=body, headers=self._headers(role, sub), timeout=30
        )
        if response.status_code >= 300:
            raise ApiError(method, url, response.status_code, response.text)
        return response.json() if response.content else None

    def post(self, service: str, path: str, body: Any, role: str, sub: str = "sim") -> Any:
        return self.call("POST", service, path, role, body, sub)

    def get(self, service: str, path: str, role: str = "manager") -> Any:
        return self.call("GET", service, path, role)

    def ready(self) -> bool:
        for service in SERVICES:
            try:
                if self.session.get(f"{self.urls[service]}/readyz", timeout=2).status_code != 200:
                    return False
            except requests.RequestException:
                return False
        return True
