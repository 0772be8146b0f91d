"""What a view needs about the request: the signed-in user, their API clients, the clock and
the regions' calendars."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, current_app, redirect, request, session, url_for

from console.clients import ServiceClient
from console.config import ConsoleSettings
from shared.calendar import BusinessCalendar, CalendarBook

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> ConsoleSettings:
    """The console's settings."""
    return cast(ConsoleSettings, current_app.extensions["console"]["settings"])


def current_user() -> dict[str, Any] | None:
    """The signed-in user (username, name, roles, region), or None."""
    user = session.get("user")
    return user if isinstance(user, dict) and session.get("token") else None


def has_role(*roles: str) -> bool:
    """Whether the signed-in user holds one of ``roles`` (the console hides what they can't)."""
    user = current_user()
    return bool(user and set(user["roles"]) & set(roles))


def api(service: str) -> ServiceClient:
    """``service``'s API under the signed-in user's token."""
    config = settings()
    return ServiceClient(config.service_urls[service], session.get("token"), config.request_timeout)


def now() -> dt.datetime:
    """The time the console shows deadlines against (fixed in tests)."""
    return settings().fixed_time or dt.datetime.now(dt.UTC)


def calendar(region: str) -> BusinessCalendar:
    """The region's business calendar."""
    book = cast(CalendarBook, current_app.extensions["console"]["calendars"])
    return book.for_region(region)


def regions() -> tuple[str, ...]:
    """The regions the user may pick: their own if region-limited."""
    user = current_user()
    if user and user.get("region"):
        return (str(user["region"]),)
    return cast(tuple[str, ...], current_app.extensions["console"]["regions"])


def login_required(view: F) -> F:
    """Send an anonymous visitor to sign in, coming back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            target = url_for("auth.sign_in", next=request.full_path.rstrip("?"))
            if request.headers.get("HX-Request"):
                # A refresh in place after the session ended: the whole page goes to sign-in,
                # rather than the sign-in form landing inside the table.
                return Response(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return view(*args, **kwargs)

    return cast(F, wrapper)
