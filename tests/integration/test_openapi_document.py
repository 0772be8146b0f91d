"""The OpenAPI documents say what the services do (issue 8, finding 4), from the kit: decimal
strings, nullable outputs, the region enum, the Idempotency-Key pattern, problem responses;
and a query argument no operation documents is refused like an unknown body field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared.schemas import DECIMAL_PATTERN
from shared.service import load_definition
from shared.web.api import SAFE_ID
from shared.web.docs import openapi_path
from tests.fuzz.harness import FuzzedService, build_fuzzed
from tests.helpers import auth

DIGITS = {"type": "string", "pattern": DECIMAL_PATTERN}


@pytest.fixture(scope="module")
def dispatch(tmp_path_factory: Any) -> Iterator[FuzzedService]:
    service = build_fuzzed(load_definition("dispatch"), tmp_path_factory.mktemp("doc"))
    yield service
    service.rt.db.dispose()


@pytest.fixture(scope="module")
def doc(dispatch: FuzzedService) -> dict[str, Any]:
    document: dict[str, Any] = dispatch.app.test_client().get("/openapi.json").get_json()
    return document


def test_decimals_are_documented_as_what_goes_over_the_wire(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    taken = schemas["CompletionCreate"]["properties"]["labour_hours"]
    assert taken["anyOf"] == [{"type": "number", "minimum": 0, "maximum": 999}, DIGITS]
    sent = schemas["RepairRecordRead"]["properties"]["labour_hours"]
    assert {k: sent[k] for k in DIGITS} == DIGITS


def test_outputs_are_nullable_and_regions_an_enum(doc: dict[str, Any]) -> None:
    technician = doc["components"]["schemas"]["TechnicianRead"]["properties"]
    assert technician["phone"]["nullable"] is True
    region = doc["components"]["schemas"]["TechnicianCreate"]["properties"]["region"]
    assert region["enum"][:3] == ["north", "northeast", "east"]


def test_problems_and_idempotency_key_are_documented(doc: dict[str, Any]) -> None:
    operation = doc["paths"]["/work-orders/{work_order_id}/completion"]["post"]
    for status in ("400", "401", "403", "404", "409", "413", "422"):
        response = operation["responses"][status]
        if "$ref" not in response:
            assert list(response["content"]) == ["application/problem+json"], status
    [key] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["schema"]["pattern"] == SAFE_ID.pattern


def test_an_undocumented_query_argument_is_refused_naming_it(dispatch: FuzzedService) -> None:
    client = dispatch.app.test_client()
    response = client.get("/work-orders?regoin=east", headers=auth("manager"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"] == {"regoin": ["unknown query argument"]}
    assert client.get("/work-orders?region=east&page=1", headers=auth("manager")).status_code == 200
    assert client.get("/healthz?anything=1").status_code == 200


def test_flask_rules_map_to_openapi_paths() -> None:
    assert openapi_path("/tickets/<uuid:ticket_id>/timeline") == "/tickets/{ticket_id}/timeline"
    assert openapi_path("/assets/<serial_no>/history") == "/assets/{serial_no}/history"
