"""``create_app(settings=None)``: the console's Flask app, the gunicorn entry point
(``gunicorn -c shared/gunicorn_conf.py 'console.app:create_app()'``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, redirect, render_template, request, session, url_for
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from console import i18n
from console.clients import ApiError
from console.config import ConsoleSettings
from console.context import current_user, has_role
from console.context import settings as current_settings
from console.labels import label, local_time
from console.sessions import ServerSessionInterface, SessionStore
from console.sla import hours_minutes
from console.users import UserDirectory
from console.views import auth, board, parts, technician, tickets, visit
from shared.calendar import load_calendars
from shared.config import DEFAULT_REGIONS

# Only our own scripts and styles: htmx is served from static/vendor, nothing inline.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def create_app(settings: ConsoleSettings | None = None) -> Flask:
    """The console, configured from the environment unless ``settings`` are given."""
    settings = settings or ConsoleSettings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the server-side session
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT,
        BABEL_TRANSLATION_DIRECTORIES=str(
            i18n.compile_catalogs(Path(settings.session_db).parent / "console-translations")
        ),
    )
    regions = settings.regions or DEFAULT_REGIONS
    app.extensions["console"] = {
        "settings": settings,
        "users": UserDirectory.load(settings.users_file),
        "calendars": load_calendars(settings.calendars_file, regions),
        "regions": regions,
    }
    app.session_interface = ServerSessionInterface(
        SessionStore(settings.session_db), settings.session_hours * 3600, settings.cookie_secure
    )
    CSRFProtect(app)
    Babel(app, locale_selector=i18n.select_locale)
    for blueprint in (auth.blp, tickets.blp, technician.blp, visit.blp, parts.blp, board.blp):
        app.register_blueprint(blueprint)
    _install_page_helpers(app)
    return app


def _install_page_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_user=current_user,
        has_role=has_role,
        languages=i18n.LANGUAGES,
        locale=i18n.select_locale,
        html_lang=lambda: i18n.html_lang(i18n.select_locale()),
        local_time=local_time,
        refresh_seconds=lambda: current_settings().refresh_seconds,
    )
    app.jinja_env.filters["hm"] = hours_minutes
    app.jinja_env.filters["label"] = label
    app.after_request(_secure_headers)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(ApiError, _service_problem)
    app.register_error_handler(403, _forbidden)
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})


def _secure_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_user() is not None:
        response.headers["Cache-Control"] = "no-store"  # a user's data stays out of caches
    return response


def _csrf_refused(error: CSRFError) -> Any:
    if current_user() is None:  # the session ended (a form queued offline): sign in first
        return redirect(url_for("auth.sign_in", next=request.path))
    return render_template("error.html", message=error.description), 400


def _service_problem(error: ApiError) -> Any:
    if error.status == 401:  # the token expired or its key changed: sign in again
        session.clear()
        return render_template("error.html", message=error.detail, sign_in=True), 401
    if error.status == 404:  # absent, or outside the user's region: no data either way
        return render_template("not_found.html", what=request.path), 404
    status = error.status if error.status < 500 else 502
    return render_template("error.html", message=error.detail), status


def _forbidden(_: Any) -> Any:
    return render_template("error.html", message=None), 403
