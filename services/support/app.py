"""gunicorn entry point: ``gunicorn 'services.support.app:create_app()'``."""

from __future__ import annotations

from flask import Flask

from services.support import SERVICE
from shared.config import Settings
from shared.web import build_app


def create_app(config: Settings | None = None) -> Flask:
    """The support web app."""
    return build_app(SERVICE, config)
