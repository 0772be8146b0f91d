"""Notice templates: one Jinja2 file per kind and language, ``<kind>.<language>.txt``, whose
first line is the subject and the rest the plain-text body.

Templates are strict (a field they name must be given) and plain text (no HTML escaping).
Times are shown in the region's time zone with the ``when`` filter; decimals and dates as
they are.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2


def _when(value: Any, tz: str = "UTC") -> str:
    """A time as the customer reads it: local date and time with the zone's offset."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return str(value)
    local = value.astimezone(ZoneInfo(tz))
    return local.strftime("%Y-%m-%d %H:%M (UTC%z)")


def _time(value: Any, tz: str = "UTC") -> str:
    """The local time of day only (the end of a window on the same day)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M") if value else ""


@functools.cache
def environment(directory: Path) -> jinja2.Environment:
    """The template environment of one service's notices folder (built once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        autoescape=False,  # plain-text mail and SMS: nothing here is HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["time"] = _time
    return env


def render(
    directory: Path, kind: str, language: str, context: Mapping[str, Any]
) -> tuple[str, str]:
    """The subject and body of a notice of ``kind`` in ``language``."""
    text = environment(directory).get_template(f"{kind}.{language}.txt").render(**context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip("\n") + "\n"
