"""The Flask app factory every service uses: the whole kit wired in one place."""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from shared.auth import TokenVerifier
from shared.clock import Clock
from shared.config import Settings
from shared.errors import ServiceError
from shared.logs import configure_logging
from shared.messaging.amqp import broker_answers
from shared.metrics import (
    HTTP_LATENCY,
    HTTP_REQUESTS,
    notices_collector,
    outbox_collector,
    render,
)
from shared.notices.store import Backlog
from shared.notices.store import backlog as notices_backlog
from shared.notices.table import table_of
from shared.outbox import outbox_backlog
from shared.service import Runtime, ServiceDefinition
from shared.web import hygiene
from shared.web.api import SAFE_ID, Api
from shared.web.docs import refuse_undocumented_query
from shared.web.problems import problem

log = logging.getLogger(__name__)


def build_app(
    definition: ServiceDefinition,
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    version: str = "1.0.0",
) -> Flask:
    """A Flask app for one service with the whole kit wired (``create_app`` of each service)."""
    rt = Runtime(definition, settings, clock=clock)
    settings = rt.settings
    if settings.transport != "inprocess" and "broker_check" not in rt.state:
        rt.state["broker_check"] = _cached_broker_check(settings.amqp_url)
    configure_logging(definition.name, settings.log_level)
    app = Flask(f"aftercare.{definition.name}")
    app.config.update(
        API_TITLE=definition.title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    app.extensions["aftercare"] = rt
    app.extensions["aftercare.auth"] = TokenVerifier(settings)
    api = Api(app, spec_kwargs={"info": {"description": definition.title}})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.register_link_converter()
    for blp in definition.blueprints():
        api.register_blueprint(blp)
    app.register_blueprint(_ops_blueprint(rt))
    _install_request_hooks(app, definition.name)
    hygiene.install(app)
    refuse_undocumented_query(app, api.spec)
    _install_error_handlers(app)
    return app


def _ops_blueprint(rt: Runtime) -> Any:
    from flask import Blueprint as FlaskBlueprint

    ops = FlaskBlueprint("ops", __name__)
    collectors = [outbox_collector(rt.name, lambda: _backlog(rt)), *rt.definition.collectors(rt)]
    if table_of(rt.definition.metadata) is not None:
        collectors.append(notices_collector(rt.name, lambda: _notices_backlog(rt)))

    @ops.get("/healthz")
    def healthz() -> Any:
        return {"status": "ok", "service": rt.name}

    @ops.get("/readyz")
    def readyz() -> Any:
        """Ready means able to accept work: the database answers. The broker is reported
        but does not decide it: the outbox keeps events while the broker is away, so taking
        the API out of service then would refuse exactly the writes it can still take."""
        checks = {"database": _check(rt.db.ping)}
        broker_check = rt.state.get("broker_check")
        checks["broker"] = _check(broker_check) if broker_check else "in-process"
        ready = checks["database"] == "ok"
        degraded = [name for name, v in checks.items() if v not in ("ok", "in-process")]
        status = ("degraded" if degraded else "ready") if ready else "unavailable"
        body = {"status": status, "checks": checks, "degraded": degraded}
        return body, 200 if ready else 503

    allowed = [ipaddress.ip_network(n, strict=False) for n in rt.settings.metrics_allow]

    @ops.get("/metrics")
    def metrics() -> Any:
        """For the monitoring network only: a request that came through a proxy (an
        ingress adds Forwarded/X-Forwarded-For) or from outside the allowed networks is told
        there is nothing here."""
        if not _from_monitoring(allowed):
            return problem(404, "not found")
        payload, content_type = render(collectors)
        return Response(payload, content_type=content_type)

    return ops


def _from_monitoring(allowed: list[Any]) -> bool:
    if request.headers.get("Forwarded") or request.headers.get("X-Forwarded-For"):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in allowed)


def _cached_broker_check(amqp_url: str, ttl: float = 5.0) -> Callable[[], bool]:
    """Readiness asks the broker at most every ``ttl`` seconds per process."""
    last: dict[str, float | bool] = {"at": 0.0, "ok": False}

    def check() -> bool:
        if time.monotonic() - float(last["at"]) > ttl:
            last["ok"] = broker_answers(amqp_url, timeout=1.0)
            last["at"] = time.monotonic()
        return bool(last["ok"])

    return check


def _backlog(rt: Runtime) -> tuple[int, Any]:
    with rt.db.session() as session:
        return outbox_backlog(session)


def _notices_backlog(rt: Runtime) -> Backlog:
    with rt.db.session() as session:
        return notices_backlog(session)


def _check(fn: Callable[[], Any]) -> str:
    try:
        result = fn()
    except Exception as exc:
        return f"failing: {type(exc).__name__}"
    return "ok" if result in (None, True) else "failing"


def _install_request_hooks(app: Flask, service: str) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if SAFE_ID.match(incoming) else str(uuid.uuid4())
        correlation = request.headers.get("X-Correlation-ID", "")
        g.correlation_id = correlation if SAFE_ID.match(correlation) else g.request_id

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers["X-Correlation-ID"] = g.get("correlation_id", "")
        route = request.url_rule.rule if request.url_rule else "unmatched"
        HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
        started = g.get("started")
        if started is not None:
            HTTP_LATENCY.labels(service, request.method, route).observe(
                time.perf_counter() - started
            )
        return response

    @app.teardown_request
    def _close_uow(_exc: BaseException | None) -> None:
        context = g.pop("uow_context", None)
        if context is not None:
            context.__exit__(None, None, None)


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="aftercare"'} if error.status == 401 else {}
        return problem(
            error.status,
            error.detail,
            slug=error.slug,
            errors=error.errors or None,
            headers=headers,
        )

    @app.errorhandler(sa_exc.OperationalError)
    def _database_down(error: Exception) -> Response:
        log.error("database unavailable: %s", error)
        return problem(
            503,
            "the service's database is unavailable; retry later",
            slug="database-unavailable",
            headers={"Retry-After": "5"},
        )

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):  # pragma: no cover - handled by the Api
            return problem(error.code or 500, error.description)
        log.exception("unhandled error")
        return problem(
            500,
            "an unexpected error occurred; it has been logged",
            slug="internal-error",
            request_id=g.get("request_id"),
        )
