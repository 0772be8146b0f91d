"""RFC 9457 problem details, and the errors use cases raise to produce them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, has_request_context, request

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://aftercare.example/problems/"


class ServiceError(Exception):
    """An error a use case raises on purpose; the web kit turns it into a problem."""

    status = 400
    slug = "bad-request"

    def __init__(self, detail: str, *, errors: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors or {})


class InvalidInput(ServiceError):
    status, slug = 422, "validation-error"


class NotFound(ServiceError):
    status, slug = 404, "not-found"


class Conflict(ServiceError):
    """The current state forbids this transition."""

    status, slug = 409, "conflict"


class Forbidden(ServiceError):
    status, slug = 403, "forbidden"


def flatten_errors(messages: Any, prefix: str = "", *, top: bool = True) -> dict[str, list[str]]:
    """marshmallow/webargs messages → ``{"field.sub": ["message", ...]}``.

    The webargs location level (``json``, ``query``...) is dropped: the field name is what
    a client needs; a message on the body as a whole is reported under ``body``.
    """
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = str(key)
            location = top and name in {"json", "query", "form", "headers", "path", "files"}
            if location or name == "_schema":
                name = ""
            path = ".".join(p for p in (prefix, name) if p)
            for k, v in flatten_errors(value, path, top=False).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, Mapping | list | tuple):
                for k, v in flatten_errors(item, prefix, top=False).items():
                    flat.setdefault(k, []).extend(v)
            else:
                flat.setdefault(prefix or "body", []).append(str(item))
    else:
        flat.setdefault(prefix or "body", []).append(str(messages))
    return flat


def problem(
    status: int,
    detail: str | None = None,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """An ``application/problem+json`` response."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": title or phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if has_request_context():
        body["instance"] = request.path
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
