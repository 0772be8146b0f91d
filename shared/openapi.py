"""How the kit's marshmallow fields are documented, in OpenAPI and AsyncAPI alike.

apispec documents a ``fields.Decimal`` as a number whatever it sends, and renders a Range of
Decimals as strings (``"minimum": "0"``, which is not valid JSON Schema); it knows nothing of
the configured regions. These attribute functions make the documents say what the services
really accept and send.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields

from shared.schemas import DECIMAL_PATTERN, Region

_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _number(value: Any) -> int | float:
    if isinstance(value, str | Decimal):
        value = Decimal(value)
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def decimal2properties(_self: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict:
    """A Decimal sent as a string is a string of digits; one received is a JSON number or
    such a string (the bounds, as numbers, apply to the number)."""
    if not isinstance(field, fields.Decimal):
        return {}
    digits = {"type": "string", "pattern": DECIMAL_PATTERN}
    bounds = {key: _number(ret.pop(key)) for key in _BOUNDS if key in ret}
    if field.as_string:
        return digits
    ret.pop("type", None)
    return {"anyOf": [{"type": "number", **bounds}, digits]}


def embedded2properties(self: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict:
    """A Function or Method field that dumps a schema says so: ``metadata={"schema": X}``."""
    schema = field.metadata.get("schema")
    if schema is None or not isinstance(field, fields.Function | fields.Method):
        return {}
    ref = self.resolve_nested_schema(schema)
    if field.allow_none:
        ret.pop("nullable", None)
        return {"anyOf": [ref, {"type": "object", "nullable": True}]}
    return dict(ref)


def install_field_docs(plugin: MarshmallowPlugin, regions: Sequence[str]) -> None:
    """Teach ``plugin`` (already bound to its spec) the kit's fields."""

    def region2properties(_self: Any, field: fields.Field, **_: Any) -> dict:
        return {"enum": list(regions)} if isinstance(field, Region) else {}

    converter = plugin.converter
    assert converter is not None, "the plugin is bound to a spec first"
    converter.add_attribute_function(decimal2properties)
    converter.add_attribute_function(embedded2properties)
    converter.add_attribute_function(region2properties)
