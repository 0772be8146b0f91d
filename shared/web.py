"""The Flask app factory every service uses, on flask-smorest.

It gives each service the same: OpenAPI document, marshmallow validation with RFC 9457
problem responses naming the fields, /healthz, /readyz and /metrics, request and correlation
ids, JSON logs, HTTP metrics that work under gunicorn, JWT roles per endpoint,
``Idempotency-Key`` on creating POSTs, a request size limit, and a request-scoped unit of work.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, Response, current_app, g, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from shared.auth import Principal, TokenVerifier, Unauthorized
from shared.clock import Clock
from shared.config import Settings
from shared.db import IdempotencyRecord, UnitOfWork
from shared.errors import PROBLEM_JSON, ServiceError, flatten_errors, problem
from shared.logs import configure_logging
from shared.messaging.amqp import broker_answers
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, outbox_collector, render
from shared.outbox import outbox_backlog
from shared.service import Runtime, ServiceDefinition

log = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
OPEN_PATHS = {"/healthz", "/readyz", "/metrics", "/openapi.json"}


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only)."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "messages per field, for invalid input"},
    )


class Api(flask_smorest.Api):
    """flask-smorest's Api answering every error with problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        messages = data.get("errors") or data.get("messages")
        status = error.code or 500
        if messages:
            errors = flatten_errors(messages)
            body_only = set(errors) == {"body"}
            return problem(
                status,
                data.get("message")
                or ("Malformed request body." if body_only else "The request has invalid fields."),
                slug="malformed-body" if body_only else "validation-error",
                errors=errors,
                headers=data.get("headers"),
            )
        detail = data.get("message") or error.description
        headers = dict(data.get("headers") or {})
        if status == 405 and error.get_headers():
            headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
        return problem(status, detail, headers=headers)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the project's auth and idempotency decorators."""

    def requires(self, *roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Admit only bearer tokens holding one of ``roles``; document it."""

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                principal = authenticate()
                if not principal.has_any(roles):
                    return problem(
                        403, f"requires one of the roles: {', '.join(roles)}", slug="forbidden"
                    )
                g.principal = principal
                return view(*args, **kwargs)

            documented = self.doc(
                security=[{"bearerAuth": []}], description=f"Roles: {', '.join(roles)}."
            )(wrapper)
            documented = self.alt_response(
                401, schema=ProblemSchema, description="Missing or invalid token"
            )(documented)
            return self.alt_response(
                403, schema=ProblemSchema, description="Role or region not allowed"
            )(documented)

        return decorator

    def idempotent(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Honour ``Idempotency-Key``: a retried create returns the first response, once."""

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return view(*args, **kwargs)
            if not _SAFE_ID.match(key):
                return problem(
                    400,
                    "Idempotency-Key must be 1-128 characters of [A-Za-z0-9._:-]",
                    slug="validation-error",
                    errors={"Idempotency-Key": ["invalid format"]},
                )
            owner = principal().sub
            fingerprint = hashlib.sha256(
                f"{request.method} {request.path}\n".encode() + request.get_data(cache=True)
            ).hexdigest()
            replay = _idempotent_replay(owner, key, fingerprint)
            if replay is not None:
                return replay
            g.idempotency = (owner, key, fingerprint)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except sa_exc.IntegrityError:
                # A concurrent request with the same key committed first.
                replay = _idempotent_replay(owner, key, fingerprint)
                if replay is not None:
                    return replay
                raise
            if 200 <= response.status_code < 300 and g.pop("idempotency_stored", False):
                _idempotent_store(owner, key, response)
            return response

        return self.doc(
            parameters=[
                {
                    "in": "header",
                    "name": "Idempotency-Key",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 128},
                    "description": "Retrying with the same key returns the first response once.",
                }
            ]
        )(wrapper)


def runtime() -> Runtime:
    """The service runtime of the current app."""
    rt: Runtime = current_app.extensions["aftercare"]
    return rt


def authenticate() -> Principal:
    """The caller's principal from the bearer token, or a 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required")
    verifier: TokenVerifier = current_app.extensions["aftercare.auth"]
    return verifier.verify(token.strip())


def principal() -> Principal:
    """The authenticated caller of this request."""
    p: Principal | None = g.get("principal")
    if p is None:
        p = g.principal = authenticate()
    return p


def unit_of_work() -> UnitOfWork:
    """The request's unit of work: a session, its outbox (with this request's correlation
    id) and the clock. Closed at the end of the request; nothing commits unless a use case
    calls ``commit()``, which also records a pending Idempotency-Key in the same transaction."""
    uow: UnitOfWork | None = g.get("uow")
    if uow is not None:
        return uow
    rt = runtime()
    context = rt.unit_of_work(correlation_id=g.get("correlation_id"))
    uow = context.__enter__()
    g.uow_context = context
    g.uow = uow

    def record_idempotency_key() -> None:
        pending = g.pop("idempotency", None)
        if pending is not None:
            owner, key, fingerprint = pending
            uow.session.add(
                IdempotencyRecord(
                    owner=owner, key=key, fingerprint=fingerprint, created_at=rt.clock.now()
                )
            )
            g.idempotency_stored = True

    uow.before_commit.append(record_idempotency_key)
    return uow


def _idempotent_replay(owner: str, key: str, fingerprint: str) -> Response | None:
    with runtime().db.session() as session:
        record = session.get(IdempotencyRecord, (owner, key))
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        return problem(
            422,
            "this Idempotency-Key was used with a different request",
            slug="idempotency-key-reused",
            errors={"Idempotency-Key": ["reused with a different request"]},
        )
    if record.status_code is None:
        return problem(
            409,
            "a request with this Idempotency-Key is in progress or its "
            "response was lost; the original request took effect",
            slug="idempotency-in-progress",
        )
    response = Response(
        record.response_body, status=record.status_code, mimetype="application/json"
    )
    if record.location:
        response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _idempotent_store(owner: str, key: str, response: Response) -> None:
    with runtime().db.session() as session:
        record = session.get(IdempotencyRecord, (owner, key))
        if record is None:
            return
        record.status_code = response.status_code
        record.response_body = response.get_data(as_text=True)
        record.location = response.headers.get("Location")
        session.commit()


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
    for blp in definition.blueprints():
        api.register_blueprint(blp)
    app.register_blueprint(_ops_blueprint(rt))
    _install_request_hooks(app, definition.name)
    _install_error_handlers(app)
    return app


def _ops_blueprint(rt: Runtime) -> Any:
    from flask import Blueprint as FlaskBlueprint

    ops = FlaskBlueprint("ops", __name__)
    collectors = [outbox_collector(rt.name, lambda: _backlog(rt)), *rt.definition.collectors(rt)]

    @ops.get("/healthz")
    def healthz() -> Any:
        return {"status": "ok", "service": rt.name}

    @ops.get("/readyz")
    def readyz() -> Any:
        checks = {"database": _check(rt.db.ping)}
        broker_check = rt.state.get("broker_check")
        checks["broker"] = _check(broker_check) if broker_check else "in-process"
        ready = all(v in ("ok", "in-process") for v in checks.values())
        body = {"status": "ready" if ready else "unavailable", "checks": checks}
        return body, 200 if ready else 503

    @ops.get("/metrics")
    def metrics() -> Any:
        payload, content_type = render(collectors)
        return Response(payload, content_type=content_type)

    return ops


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
        g.request_id = incoming if _SAFE_ID.match(incoming) else str(uuid.uuid4())
        correlation = request.headers.get("X-Correlation-ID", "")
        g.correlation_id = correlation if _SAFE_ID.match(correlation) else g.request_id

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


__all__ = ["PROBLEM_JSON", "Api", "Blueprint", "build_app", "principal", "runtime", "unit_of_work"]
