"""The errors use cases raise on purpose, and how invalid fields are named (RFC 9457).

No web framework here: the domain and use cases raise these; the web kit
(``shared.web.problems``) renders them as ``application/problem+json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


class Gone(ServiceError):
    """What was asked for existed and no longer may be used (an expired one-time link)."""

    status, slug = 410, "gone"


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
