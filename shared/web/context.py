"""Per-request context: the service runtime, the caller, the request's unit of work."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from shared.auth import Principal, TokenVerifier, Unauthorized
from shared.db import IdempotencyRecord
from shared.service import Runtime
from shared.unit_of_work import SqlUnitOfWork, UnitOfWork


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


U = TypeVar("U", bound=UnitOfWork)


def session() -> Session:
    """The request's database session, for reads (queries)."""
    return unit_of_work().session


def unit_of_work(kind: type[U] = SqlUnitOfWork) -> U:  # type: ignore[assignment]
    """The request's unit of work: a session, its outbox (with this request's correlation
    id) and the clock. Closed at the end of the request; nothing commits unless a use case
    calls ``commit()``, which also records a pending Idempotency-Key in the same transaction."""
    uow: Any = g.get("uow")
    if uow is not None:
        return _checked(uow, kind)
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
                    owner=owner,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=rt.clock.now(),
                    # Where the effect can be read back, committed with it: if the response
                    # is lost after the commit, a retry is pointed there.
                    location=resource_location(request.path, uow.created),
                )
            )
            g.idempotency_stored = True

    uow.before_commit.append(record_idempotency_key)
    return _checked(uow, kind)


def resource_location(path: str, created: list[Any]) -> str:
    """The resource a creating POST affected: the new item posted to a collection
    (``/tickets`` → ``/tickets/<id>``), else the item an action was posted on
    (``/tickets/<id>/assessment`` → ``/tickets/<id>``)."""
    segments = [s for s in path.split("/") if s]
    if len(segments) == 1 and created:
        return f"/{segments[0]}/{created[0].id}"
    if len(segments) > 1 and len(segments) % 2 == 1:
        return "/" + "/".join(segments[:-1])
    return path


def _checked(uow: Any, kind: type[U]) -> U:
    if not isinstance(uow, kind):
        raise TypeError(
            f"the service's unit of work is a {type(uow).__name__}, not a {kind.__name__}"
        )
    return uow
