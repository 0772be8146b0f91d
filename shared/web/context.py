"""Per-request context: the service runtime, the caller, the request's unit of work."""

from __future__ import annotations

from flask import current_app, g, request

from shared.auth import Principal, TokenVerifier, Unauthorized
from shared.db import IdempotencyRecord, UnitOfWork
from shared.service import Runtime


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
