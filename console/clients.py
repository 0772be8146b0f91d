"""Calls to the services' REST APIs with the signed-in user's token, with timeouts; a
problem response becomes an ApiError carrying its message and per-field errors."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests


class ApiError(Exception):
    """A service answered with a problem (or did not answer at all: status 503)."""

    def __init__(
        self, status: int, detail: str, errors: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.errors = errors or {}


@dataclass
class Reply:
    """A successful answer: its JSON body and the total count of a paged list."""

    body: Any
    total: int | None = None


@dataclass
class ServiceClient:
    """One service's API as one user sees it."""

    base_url: str
    token: str | None
    timeout: float
    http: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        """GET ``path``; raises ApiError on a problem."""
        return self._call("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any], idempotency_key: str | None = None) -> Reply:
        """POST a JSON body with an Idempotency-Key (one per submission of a form)."""
        key = idempotency_key or str(uuid.uuid4())
        return self._call("POST", path, json=body, headers={"Idempotency-Key": key})

    def _call(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any
    ) -> Reply:
        all_headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.request(
                method, self.base_url + path, headers=all_headers, timeout=self.timeout, **kw
            )
        except requests.RequestException as exc:
            raise ApiError(503, f"the service did not answer ({type(exc).__name__})") from exc
        if response.status_code >= 400:
            raise _problem(response)
        return Reply(response.json() if response.content else None, _total(response))


def _problem(response: requests.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = body.get("errors")
    errors = errors if isinstance(errors, dict) else {}
    detail = body.get("detail") or body.get("title") or response.reason or "error"
    return ApiError(response.status_code, str(detail), {k: list(v) for k, v in errors.items()})


def _total(response: requests.Response) -> int | None:
    header = response.headers.get("X-Pagination")
    if not header:
        return None
    try:
        return int(json.loads(header)["total"])
    except (ValueError, KeyError, TypeError):
        return None
