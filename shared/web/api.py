"""flask-smorest's Api and Blueprint, wrapped so every service gets the same problem
responses, auth decorators and Idempotency-Key handling."""

from __future__ import annotations

import functools
import hashlib
import http
import re
from collections.abc import Callable
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Response, after_this_request, current_app, g, request
from flask_smorest.pagination import PaginationParameters
from flask_smorest.utils import prepare_response
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from shared.domain import Page, Window
from shared.errors import PROBLEM_JSON, InvalidInput, flatten_errors
from shared.links import TOKEN_PATTERN, link_digest, well_formed
from shared.openapi import install_field_docs
from shared.web.context import authenticate, principal
from shared.web.docs import ProblemResponses
from shared.web.hygiene import ScreenedParser
from shared.web.idempotency import key_owner, replay_response, store_response
from shared.web.problems import problem

SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
# The furthest a list may be paged: beyond it an OFFSET overflows a database integer.
MAX_OFFSET = 2**31 - 1


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


class LinkTokenConverter(BaseConverter):
    """``<link:token>``: a one-time link's token (anything else matches no route: a 404)."""

    regex = TOKEN_PATTERN.strip("^$")


class Api(flask_smorest.Api):
    """flask-smorest's Api answering every error with problem+json, and documenting it."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        plugins = [*(extra_plugins or ()), ProblemResponses()]
        super()._init_spec(extra_plugins=plugins, **kwargs)
        install_field_docs(self.ma_plugin, self._app.extensions["aftercare"].settings.regions)

    def register_link_converter(self) -> None:
        """``<link:token>`` in routes, documented with the token's pattern."""
        self._app.url_map.converters["link"] = LinkTokenConverter
        self.register_converter(
            LinkTokenConverter, lambda _c: {"type": "string", "pattern": TOKEN_PATTERN}
        )

    def _register_responses(self) -> None:
        """The components flask-smorest refers to (422, default), as problem+json."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Any other problem", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)

    def _register_pagination_header(self) -> None:
        # The header is a JSON text; documented as the string it is.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "JSON object: total, total_pages, first_page, last_page, "
                "page, previous_page, next_page",
                "schema": {"type": "string"},
            },
            lazy=True,
        )

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

    # JSON bodies are parsed once, by the request screening (shared.web.hygiene).
    ARGUMENTS_PARSER = ScreenedParser()

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

    def by_link(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Admit a request whose credential is the one-time token in its path
        (``<link:token>``) instead of a bearer JWT; the view is given the token's ``link``
        digest, never the token. A string that cannot be a token is a 404 like an unknown
        one. The response (a problem too) is never cached and never sent on as a Referer.
        Everything else of the kit (request screening, problems, unknown query arguments)
        applies as ever."""

        @functools.wraps(view)
        def wrapper(*args: Any, token: str, **kwargs: Any) -> Any:
            @after_this_request
            def _private(response: Response) -> Response:
                response.headers["Cache-Control"] = "no-store"
                response.headers["Referrer-Policy"] = "no-referrer"
                return response

            if not well_formed(token):
                return problem(404, "no such link", slug="not-found")
            return view(*args, link=link_digest(token), **kwargs)

        documented = self.doc(
            security=[],
            description="Open: no bearer token; the link's one-time token is the credential.",
        )(wrapper)
        documented = self.alt_response(
            409, schema=ProblemSchema, description="The link has been used"
        )(documented)
        return self.alt_response(410, schema=ProblemSchema, description="The link has expired")(
            documented
        )

    def paginated(
        self, *, page_size: int = 10, max_page_size: int = 100
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """flask-smorest's pagination, with the view given the ``window`` it asked for and
        returning a ``Page``: its items are the response, its total the headers' count."""

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def wrapper(*args: Any, pagination_parameters: PaginationParameters, **kw: Any) -> Any:
                window = Window(pagination_parameters.first_item, pagination_parameters.page_size)
                if window.offset > MAX_OFFSET:
                    last = MAX_OFFSET // window.limit + 1
                    raise InvalidInput(
                        "page out of range", errors={"page": [f"must be at most {last}"]}
                    )
                result: Page[Any] = view(*args, window=window, **kw)
                pagination_parameters.item_count = result.total
                return result.items

            return self.paginate(page_size=page_size, max_page_size=max_page_size)(wrapper)

        return decorator

    def idempotent(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Honour ``Idempotency-Key``: a retried create returns the first response, once."""

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return view(*args, **kwargs)
            if not SAFE_ID.match(key):
                return problem(
                    400,
                    "Idempotency-Key must be 1-128 characters of [A-Za-z0-9._:-]",
                    slug="validation-error",
                    errors={"Idempotency-Key": ["invalid format"]},
                )
            owner = key_owner(principal())
            fingerprint = hashlib.sha256(
                f"{request.method} {request.path}\n".encode() + request.get_data(cache=True)
            ).hexdigest()
            replay = replay_response(owner, key, fingerprint)
            if replay is not None:
                return replay
            g.idempotency = (owner, key, fingerprint)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except sa_exc.IntegrityError:
                # A concurrent request with the same key committed first.
                replay = replay_response(owner, key, fingerprint)
                if replay is not None:
                    return replay
                raise
            if 200 <= response.status_code < 300 and g.pop("idempotency_stored", False):
                store_response(owner, key, response)
            return response

        return self.doc(
            parameters=[
                {
                    "in": "header",
                    "name": "Idempotency-Key",
                    "required": False,
                    "schema": {"type": "string", "pattern": SAFE_ID.pattern},
                    "description": "Retrying with the same key returns the first response once.",
                }
            ]
        )(wrapper)
