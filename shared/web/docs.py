"""The problem responses every operation can give, documented once for every service.

An operation is documented with what the kit answers for it, whatever its route declares:
400 and 413 for a body (malformed JSON, an oversized body) or a header argument, 422 for
arguments, 401 and 403 for a token (``Blueprint.requires``), 404 for a path naming a
resource (unknown, or in another region), 409 for a step on one (a POST to it: its status
may forbid the step), and every error as ``application/problem+json``.
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask, Response, request

from shared.errors import PROBLEM_JSON
from shared.web.problems import problem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
JSON = "application/json"
DESCRIPTIONS = {
    "400": "Malformed request (body, JSON or header)",
    "401": "Missing or invalid token",
    "403": "Role or region not allowed",
    "404": "No such resource (or not in your region)",
    "409": "The resource's current status forbids this step",
    "413": "Request body too large",
    "422": "Invalid fields, named in errors",
}


def problem_response(status: str) -> dict[str, Any]:
    """A problem response of ``status``, documented."""
    return {"description": DESCRIPTIONS[status], "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def as_problem(response: Any) -> Any:
    """An error response documented as ``application/problem+json`` (flask-smorest says
    ``application/json``)."""
    if isinstance(response, dict) and JSON in response.get("content", {}):
        response["content"][PROBLEM_JSON] = response["content"].pop(JSON)
    return response


def expected_errors(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses the kit gives ``operation``."""
    places = {p.get("in") for p in operation.get("parameters", []) if isinstance(p, dict)}
    names_resource = "{" in path or "<" in path
    statuses: list[str] = []
    if "requestBody" in operation or "header" in places:
        statuses += ["400", "422"]
    if "requestBody" in operation:
        statuses.append("413")
    if "query" in places:
        statuses.append("422")
    if operation.get("security"):
        statuses += ["401", "403"]
    if names_resource:
        statuses.append("404")
    if names_resource and method == "post":
        statuses.append("409")
    return statuses


class ProblemResponses(BasePlugin):
    """apispec plugin: every operation documents the problems the kit can answer it with."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            documented = {str(status) for status in responses}
            for status in expected_errors(path or "", method, operation):
                if status not in documented:
                    responses[status] = problem_response(status)
            for status, response in responses.items():
                if str(status) == "default" or str(status) >= "400":
                    as_problem(response)


def openapi_path(rule: str) -> str:
    """A Flask rule as its OpenAPI path: ``/t/<uuid:ticket_id>`` becomes ``/t/{ticket_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def query_names(spec: dict[str, Any]) -> dict[tuple[str, str], frozenset[str]]:
    """The query arguments each documented operation takes, by (path, method)."""
    names: dict[tuple[str, str], frozenset[str]] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            params = [*shared, *operation.get("parameters", [])]
            names[(path, method)] = frozenset(p["name"] for p in params if p.get("in") == "query")
    return names


def refuse_undocumented_query(app: Flask, spec: APISpec) -> None:
    """A query argument an operation does not document is refused (422 naming it), as an
    unknown body field is: ``?regoin=east`` must not quietly answer for every region."""
    known: dict[tuple[str, str], frozenset[str]] = {}

    @app.before_request
    def _screen_query() -> Response | None:
        if not request.args or request.url_rule is None:
            return None
        if not known:
            known.update(query_names(spec.to_dict()))
        names = known.get((openapi_path(request.url_rule.rule), request.method.lower()))
        unknown = sorted(set(request.args) - names) if names is not None else []
        if not unknown:
            return None
        return problem(
            422,
            "The request has invalid fields.",
            slug="validation-error",
            errors={name: ["unknown query argument"] for name in unknown[:20]},
        )
