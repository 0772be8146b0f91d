"""Request hygiene: what no service should ever have to think about, screened once for all.

Before a route sees a request:
- its headers are limited to ``MAX_HEADER_BYTES`` (a 431 problem, not gunicorn's HTML page);
- its body is read under the size limit, whether it came with a Content-Length or chunked
  (a chunked body over the limit is a 413, never silently truncated);
- a JSON body is parsed once, here: nesting beyond ``MAX_DEPTH`` levels, integers beyond
  Python's digit limit and invalid UTF-8 are a 400 problem, not a RecursionError or a
  ValueError deep in a parser (webargs then reuses the parsed body);
- every string in the body and in the query is checked: a NUL character or an unpaired
  surrogate (which no database column can store) and an RFC 3339 time that cannot be
  expressed in UTC (year 1 with a positive offset, year 9999 with a negative one) are a 422
  naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from webargs.flaskparser import FlaskParser

from shared.web.problems import problem

MAX_DEPTH = 32
MAX_HEADER_BYTES = 16 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_READ_CHUNK = 64 * 1024


class ScreenedParser(FlaskParser):
    """webargs' Flask parser reading the body the screening already parsed."""

    def _raw_load_json(self, req: Any) -> Any:
        if "screened_json" in g:
            return g.screened_json
        return super()._raw_load_json(req)


def install(app: Flask) -> None:
    """Screen every request before its route runs."""

    @app.before_request
    def _screen() -> Response | None:
        return screen_request()


def screen_request() -> Response | None:
    """A problem response for a request no route should see, else None."""
    header_bytes = sum(len(k) + len(v) + 4 for k, v in request.headers.items())
    if header_bytes > MAX_HEADER_BYTES:
        return problem(
            431,
            f"the request's headers take {header_bytes} bytes; at most {MAX_HEADER_BYTES}",
            slug="headers-too-large",
        )
    errors = dict(_text_errors(request.args.items(multi=True), prefix=""))
    if errors:
        return problem(
            422, "The request has invalid fields.", slug="validation-error", errors=errors
        )
    if request.method not in BODY_METHODS:
        return None
    body = _read_body(current_app.config["MAX_CONTENT_LENGTH"])
    if body is None:
        return problem(
            413,
            f"the body is larger than {current_app.config['MAX_CONTENT_LENGTH']} bytes",
            slug="payload-too-large",
        )
    if not body or not request.is_json:
        return None
    return _screen_json(body)


def _screen_json(body: bytes) -> Response | None:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else "Invalid JSON body."
        return _malformed(reason)
    if _depth(parsed) > MAX_DEPTH:
        return _malformed(f"nested deeper than {MAX_DEPTH} levels")
    errors: dict[str, list[str]] = {}
    for path, message in _walk(parsed, ""):
        errors.setdefault(path or "body", []).append(message)
    if errors:
        return problem(
            422, "The request has invalid fields.", slug="validation-error", errors=errors
        )
    g.screened_json = parsed
    return None


def _invalid(errors: dict[str, list[str]]) -> Response:
    return problem(422, "The request has invalid fields.", slug="validation-error", errors=errors)


def _malformed(reason: str) -> Response:
    return problem(400, "Malformed request body.", slug="malformed-body", errors={"body": [reason]})


def _read_body(limit: int) -> bytes | None:
    """The whole body, or None when it is larger than ``limit`` bytes."""
    if request.content_length is not None:
        if request.content_length > limit:
            return None
        return request.get_data(cache=True)
    # No Content-Length: a chunked body, read from the server's (terminated) input up to
    # one byte past the limit, so an oversized one is refused rather than cut short.
    stream = request.environ.get("wsgi.input")
    if stream is None or not request.environ.get("wsgi.input_terminated"):
        return request.get_data(cache=True)
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        return None
    body = b"".join(chunks)
    request._cached_data = body  # what get_data() and the parsers read from now on
    return body


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                children = item.values() if isinstance(item, dict) else item
                stack.extend((child, depth + 1) for child in children)
    return deepest


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        problem_ = text_problem(value)
        if problem_:
            yield path, problem_
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            key_problem = text_problem(str(key))
            if key_problem:
                yield name, key_problem
            yield from _walk(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}" if path else str(index))


def _text_errors(pairs: Any, *, prefix: str) -> Iterator[tuple[str, list[str]]]:
    for key, value in pairs:
        found = text_problem(key) or text_problem(value)
        if found:
            yield prefix + key, [found]


def text_problem(text: str) -> str | None:
    """Why a string cannot be accepted as text, or None."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must not contain unpaired surrogates"
    if _TIMESTAMP.match(text):
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None  # not a time after all: the field's own schema judges it
        if moment.tzinfo is not None:
            try:
                moment.astimezone(dt.UTC)
            except OverflowError:
                return "date-time out of range"
    return None
