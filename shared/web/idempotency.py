"""Idempotency-Key on creating POSTs: a retried create returns the first response, once.

The key is recorded in the same transaction as the effect, with where the effect can be
read back (see ``unit_of_work``); then the response is stored. A retry never repeats the
effect: it gets the stored response, or, when the process died between the commit and
storing the response, a 303 to the resource the request created or changed.

Keys belong to the caller as the token describes them (subject, roles and region), so a
narrower token never gets back a response made for a wider one with the same subject.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from flask import Response

from shared.auth import Principal
from shared.db import IdempotencyRecord
from shared.web.context import runtime
from shared.web.problems import problem

# Longer than any request may run (gunicorn's timeout): a key still without its response
# after this belongs to a request that died after its commit.
LOST_AFTER = dt.timedelta(seconds=60)


def key_owner(principal: Principal) -> str:
    """Whose a key is: the subject, with a digest of the roles and region it acted with."""
    scope = f"{principal.region or '*'}|{','.join(sorted(principal.roles))}"
    digest = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"{principal.sub[:150]}#{digest}"


def replay_response(owner: str, key: str, fingerprint: str) -> Response | None:
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
        return _unanswered(record)
    response = Response(
        record.response_body, status=record.status_code, mimetype="application/json"
    )
    if record.location:
        response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def store_response(owner: str, key: str, response: Response) -> None:
    with runtime().db.session() as session:
        record = session.get(IdempotencyRecord, (owner, key))
        if record is None:
            return
        record.status_code = response.status_code
        record.response_body = response.get_data(as_text=True)
        record.location = response.headers.get("Location")
        session.commit()


def _unanswered(record: IdempotencyRecord) -> Response:
    """The request took effect (the key commits with it) but its response is not stored:
    still running, or it died after the commit, and then the client is sent to the result."""
    if runtime().clock.now() - record.created_at < LOST_AFTER or not record.location:
        return problem(
            409,
            "a request with this Idempotency-Key is in progress; retry shortly",
            slug="idempotency-in-progress",
            headers={"Retry-After": "1"},
        )
    body = {
        "detail": "the request with this Idempotency-Key took effect but its response was "
        "lost; the resource it created or changed is at Location",
        "resource": record.location,
    }
    response = Response(json.dumps(body), status=303, mimetype="application/json")
    response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response
