"""Between flat HTML forms and the services' nested JSON: field names are the dotted paths
the services name in a problem's ``errors`` (``customer.phone``), so each message lands
next to its field."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from console.clients import ApiError


def nest(form: Mapping[str, str], fields: Iterable[str]) -> dict[str, Any]:
    """``{"customer.name": "Li"}`` → ``{"customer": {"name": "Li"}}``; blanks left out."""
    body: dict[str, Any] = {}
    for name in fields:
        value = (form.get(name) or "").strip()
        if not value:
            continue
        *parents, leaf = name.split(".")
        target = body
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return body


def field_errors(error: ApiError, fields: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The problem's messages by form field, and those that name no field of the form."""
    known = set(fields)
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for name, messages in error.errors.items():
        target = name if name in known else _parent_field(name, known)
        if target:
            by_field.setdefault(target, []).extend(messages)
        else:
            general.extend(f"{name}: {m}" if name != "body" else m for m in messages)
    if not error.errors:
        general.append(error.detail)
    return by_field, general


def _parent_field(name: str, known: set[str]) -> str | None:
    """A message on ``customer`` as a whole goes to the form's first customer field."""
    return next((f for f in sorted(known) if f.startswith(name + ".")), None)


def new_submission_key() -> str:
    """An Idempotency-Key for one submission of a form (kept when it is sent again)."""
    return str(uuid.uuid4())
