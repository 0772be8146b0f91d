"""Idempotency-Key on creating POSTs: a retried create returns the first response, once.

The key is recorded in the same transaction as the effect (see ``unit_of_work``), then the
response is stored, so a retry never repeats the effect even if the first answer was lost.
"""

from __future__ import annotations

from flask import Response

from shared.db import IdempotencyRecord
from shared.web.context import runtime
from shared.web.problems import problem


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


def store_response(owner: str, key: str, response: Response) -> None:
    with runtime().db.session() as session:
        record = session.get(IdempotencyRecord, (owner, key))
        if record is None:
            return
        record.status_code = response.status_code
        record.response_body = response.get_data(as_text=True)
        record.location = response.headers.get("Location")
        session.commit()
