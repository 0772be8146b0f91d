"""Schemathesis over every service's OpenAPI document (issue 8, finding 4).

Each registered service's app is built in-process (harness.py: SQLite, in-process
transport, fixed clock, seeded with every producer's sample events) and every operation of
its /openapi.json is run with schema-valid and schema-violating requests, under a token of
each role and with none. A service with no routes yet is skipped until it has some; a new
service's routes are fuzzed with no change here.

Checks: every built-in check schemathesis has (the CLI's ``--checks all``): no 5xx, status
code, content type, response headers and response body conform to the document, invalid
requests are refused, schema-valid ones are not refused with 400, a missing required header
is refused, an undocumented method gets 405 with Allow, a request with its token removed
gets 401. None is excluded; two are configured (schemathesis.toml beside this module, which a
CLI run uses too): ``positive_data_acceptance`` also expects 422, because some rules are no
JSON Schema's to say ("not in the future", "a phone or an email", "window_end after
window_start", an Idempotency-Key reused with another body), so a schema-valid request may
be refused naming the field (it still fails on a 400 or a 5xx); ``negative_data_rejection``
also takes 413, a body past the size limit being refused before it is read.

Tokens go through schemathesis's auth (not a header of ours), so the negative cases that
drop the token go out without one. Positive cases' path ids are drawn, half the time, from
the ids the service's responses named (harness.py), so steps on existing resources (409s,
200s with full bodies) are fuzzed as well as unknown ones (404s).

Bounded and deterministic: MAX_EXAMPLES per operation and generation mode (NO_TOKEN_EXAMPLES
with no token), Hypothesis derandomised with no example database, so CI runs the same
requests every time (under two minutes on two cores for all seven services; 15 examples
found nothing 8 did not, in 3.6 minutes).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from shared.service import load_definition
from tests.fuzz.harness import FuzzedService, build_fuzzed
from tests.helpers import SERVICE_NAMES, token

MAX_EXAMPLES = 8
# With no token every request is a 401 whatever its data: a few show it.
NO_TOKEN_EXAMPLES = 3
ROLES = (None, "agent", "technician", "engineer", "finance", "manager", "admin")
CONFIG = Path(__file__).with_name("schemathesis.toml")
SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module", params=SERVICE_NAMES)
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[FuzzedService]:
    service = build_fuzzed(load_definition(request.param), tmp_path_factory.mktemp("fuzz"))
    yield service
    service.rt.db.dispose()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "no-token")
def test_every_operation_conforms_to_the_document(fuzzed: FuzzedService, role: str | None) -> None:
    settings = tomllib.loads(CONFIG.read_text())
    if role:
        # Through schemathesis, not as a header of ours: a negative case that drops the
        # token must go out without it.
        settings["auth"] = {"openapi": {"bearerAuth": {"bearer": token(role)}}}
    config = schemathesis.Config.from_dict(settings)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzzed.app, config=config)
    results: list[Any] = list(schema.get_all_operations())
    operations = [result.ok() for result in results]
    # Every service serves operations now: one that lost them would otherwise pass unfuzzed.
    assert operations, f"{fuzzed.rt.name} serves no operations"
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(fuzzed, operation, mode, MAX_EXAMPLES if role else NO_TOKEN_EXAMPLES)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup
                failures.append(f"{operation.label} ({mode.value}, {role or 'no token'}):\n{exc}")
    assert not failures, "\n\n".join(failures)


def _fuzz(service: FuzzedService, operation: Any, mode: GenerationMode, examples: int) -> None:
    """Up to ``examples`` requests to one operation, every check on each response."""
    load_all_checks()
    checks = CHECKS.get_all()

    @hypothesis.settings(SETTINGS, max_examples=examples)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: st.DataObject) -> None:
        # Positive cases reach existing resources too; negative ones keep what they broke.
        for name in list(case.path_parameters or {}) if mode == GenerationMode.POSITIVE else []:
            known = service.ids_for(operation.path)
            use_known: bool = bool(known) and data.draw(st.booleans())
            if use_known:
                case.path_parameters[name] = data.draw(st.sampled_from(known))
        response = case.call_and_validate(checks=checks)
        body = response.json() if "json" in response.headers.get("Content-Type", [""])[0] else None
        service.remember(operation.path, body, response.headers.get("Location", [None])[0])

    run()


def test_the_services_with_routes_are_not_skipped(tmp_path: Path) -> None:
    """A document that lost its paths would skip silently above; these three have routes."""
    for name in ("intake", "dispatch", "kpi"):
        service = build_fuzzed(load_definition(name), tmp_path)
        paths = service.app.test_client().get("/openapi.json").get_json()["paths"]
        service.rt.db.dispose()
        assert paths, name
