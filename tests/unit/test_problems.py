"""webargs/marshmallow error messages flattened for problem details' ``errors`` member."""

from __future__ import annotations

from typing import Any

import pytest

from shared.errors import flatten_errors


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (
            {"json": {"customer": {"name": ["Missing data for required field."]}}},
            {"customer.name": ["Missing data for required field."]},
        ),
        ({"json": ["Invalid JSON body."]}, {"body": ["Invalid JSON body."]}),
        ({"json": {"_schema": ["Dates are inconsistent."]}}, {"body": ["Dates are inconsistent."]}),
        (
            {"json": {"product": {"_schema": ["serial_no or model needed"]}}},
            {"product": ["serial_no or model needed"]},
        ),
        ({"query": {"page": ["Not a valid integer."]}}, {"page": ["Not a valid integer."]}),
        ({"headers": {"If-Match": ["Missing."]}}, {"If-Match": ["Missing."]}),
        ({"path": {"ticket_id": ["Not a valid UUID."]}}, {"ticket_id": ["Not a valid UUID."]}),
        (
            {"json": {"items": {0: {"qty": ["Must be at least 1."]}, 2: {"sku": ["Missing."]}}}},
            {"items.0.qty": ["Must be at least 1."], "items.2.sku": ["Missing."]},
        ),
        (
            {"json": {"a": ["one", "two"], "b": {"c": {"d": ["deep"]}}}},
            {"a": ["one", "two"], "b.c.d": ["deep"]},
        ),
        ("Request body too large.", {"body": ["Request body too large."]}),
        (["first", "second"], {"body": ["first", "second"]}),
        ({}, {}),
    ],
)
def test_flatten_errors(messages: Any, expected: dict[str, list[str]]) -> None:
    assert flatten_errors(messages) == expected


def test_messages_for_one_field_from_two_locations_are_merged() -> None:
    messages = {"json": {"region": ["Unknown region."]}, "query": {"region": ["Not allowed."]}}

    assert flatten_errors(messages) == {"region": ["Unknown region.", "Not allowed."]}


def test_schema_level_messages_merge_with_field_messages_of_the_same_parent() -> None:
    messages = {"json": {"customer": {"_schema": ["Phone or email."], "phone": ["Bad."]}}}

    assert flatten_errors(messages) == {"customer": ["Phone or email."], "customer.phone": ["Bad."]}


def test_a_prefix_names_the_root() -> None:
    assert flatten_errors({"name": ["Missing."]}, prefix="customer") == {
        "customer.name": ["Missing."]
    }
    assert flatten_errors(["Bad."], prefix="customer") == {"customer": ["Bad."]}


def test_non_string_messages_are_stringified() -> None:
    assert flatten_errors({"json": {"n": [42]}}) == {"n": ["42"]}
