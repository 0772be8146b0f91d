"""Sign-in against the user directory, sign-out, and the language switch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from console.config import SERVICE_PORTS
from console.context import settings
from console.i18n import LANGUAGES
from console.users import UserDirectory
from shared.auth import mint_token

blp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("tickets.home")


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """The sign-in form; on success the user's token is minted and kept server side."""
    if request.method == "GET":
        return render_template("sign_in.html", next=request.args.get("next", ""))
    directory: UserDirectory = current_app.extensions["console"]["users"]
    user = directory.authenticate(
        request.form.get("username", ""), request.form.get("password", "")
    )
    if user is None:
        error = _("Wrong user name or password.")
        return render_template("sign_in.html", error=error, next=request.form.get("next")), 401
    config = settings()
    if not config.jwt_secret:
        raise RuntimeError("the console mints tokens with AFTERCARE_JWT_SECRET; none is set")
    token = mint_token(
        key=config.jwt_secret,
        sub=user.username,
        roles=user.roles,
        region=user.region,
        audiences=[f"aftercare.{name}" for name in SERVICE_PORTS],
        issuer=config.jwt_issuer,
        ttl=dt.timedelta(hours=config.session_hours),
    )
    lang = session.get("lang")
    session.clear()
    session.rotate()  # type: ignore[attr-defined]
    session.update(
        token=token,
        user={
            "username": user.username,
            "name": user.name,
            "roles": list(user.roles),
            "region": user.region,
        },
    )
    if lang:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))


@blp.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    """Forget the session (and the token in it)."""
    lang = session.get("lang")
    session.clear()
    session.rotate()  # type: ignore[attr-defined]
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."))
    return redirect(url_for("auth.sign_in"))


@blp.route("/language", methods=["POST"])
def switch_language() -> Any:
    """Keep the chosen language in the session; back to the page it was chosen on."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))
