"""The AsyncAPI document is honest: every declared event, as its producer really publishes it
(the sample built into an envelope and serialised), validates against its own message
schema, and so does the example the document shows (issue 8: ``labour_hours`` was documented
as a number while dispatch publishes ``"2.50"``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from shared.asyncapi import _schema_name, build_asyncapi
from shared.service import all_definitions

DOC = build_asyncapi(all_definitions())
DECLARED = [
    (definition, decl)
    for definition in all_definitions()
    for decl in definition.catalog.declarations()
]


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a null type."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    root = {**json_schema(schema), "components": json_schema(DOC["components"])}
    return jsonschema.Draft7Validator(root)


@pytest.mark.parametrize(
    ("definition", "decl"), DECLARED, ids=[f"{d.type}-v{d.version}" for _, d in DECLARED]
)
def test_every_published_sample_validates_against_its_asyncapi_schema(
    definition: Any, decl: Any
) -> None:
    message = DOC["components"]["messages"][_schema_name(decl.type, decl.version)]
    event = definition.catalog.build(
        decl.type,
        decl.schema().load(decl.sample),
        region="east",
        occurred_at=dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC),
        version=decl.version,
    )
    published = json.loads(event.to_json())

    errors = [e.message for e in validator(message["payload"]).iter_errors(published)]
    assert errors == [], published

    example = message["examples"][0]["payload"]
    data_schema = {"$ref": f"#/components/schemas/{_schema_name(decl.type, decl.version)}"}
    errors = [e.message for e in validator(data_schema).iter_errors(example["data"])]
    assert errors == [], example
