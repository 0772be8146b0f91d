"""The web kit every service's app is built with, on flask-smorest.

It gives each service the same: OpenAPI document, marshmallow validation with RFC 9457
problem responses naming the fields, /healthz, /readyz and /metrics, request and correlation
ids, JSON logs, HTTP metrics that work under gunicorn, JWT roles per endpoint,
``Idempotency-Key`` on creating POSTs, a request size limit, and a request-scoped unit of work.
"""

from shared.errors import PROBLEM_JSON
from shared.web.api import Api, Blueprint, ProblemSchema
from shared.web.app import build_app
from shared.web.context import authenticate, principal, runtime, session, unit_of_work

__all__ = [
    "PROBLEM_JSON",
    "Api",
    "Blueprint",
    "ProblemSchema",
    "authenticate",
    "build_app",
    "principal",
    "runtime",
    "session",
    "unit_of_work",
]
