"""The AsyncAPI document of every event, generated from the producers' payload schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.config import DEFAULT_REGIONS
from shared.events import EnvelopeSchema
from shared.messaging.topology import EXCHANGE
from shared.openapi import install_field_docs
from shared.service import ServiceDefinition

SCHEMA_FORMAT = "application/vnd.oai.openapi;version=3.0.0"


def _schema_name(type_: str, version: int) -> str:
    return "".join(p.capitalize() for p in type_.replace("_", ".").split(".")) + f"V{version}"


def _nested_name(schema: Any) -> str:
    """Nested schemas named after their owning service (two services may both have a
    ``Warranty``)."""
    cls = schema if isinstance(schema, type) else type(schema)
    parts = cls.__module__.split(".")
    owner = parts[1].capitalize() if parts[0] == "services" and len(parts) > 1 else ""
    return owner + cls.__name__


def build_asyncapi(definitions: list[ServiceDefinition], version: str = "1.0.0") -> dict[str, Any]:
    """AsyncAPI 2.6: one channel per event type (routing key ``<type>.{region}``)."""
    plugin = MarshmallowPlugin(schema_name_resolver=_nested_name)
    spec = APISpec("aftercare-events", version, "3.0.3", plugins=[plugin])
    install_field_docs(plugin, DEFAULT_REGIONS)  # Decimals sent as strings are strings
    spec.components.schema("Envelope", schema=EnvelopeSchema)
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for definition in definitions:
        for decl in definition.catalog.declarations():
            name = _schema_name(decl.type, decl.version)
            spec.components.schema(name, schema=decl.schema)
            messages[name] = {
                "name": decl.type,
                "title": f"{decl.type} v{decl.version}",
                "summary": decl.description,
                "contentType": "application/json",
                "schemaFormat": SCHEMA_FORMAT,
                "headers": {"type": "object", "properties": {"version": {"const": decl.version}}},
                "payload": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Envelope"},
                        {
                            "type": "object",
                            "properties": {
                                "type": {"type": "string", "enum": [decl.type]},
                                "version": {"type": "integer", "enum": [decl.version]},
                                "producer": {"type": "string", "enum": [definition.name]},
                                "data": {"$ref": f"#/components/schemas/{name}"},
                            },
                        },
                    ]
                },
                "examples": [
                    {
                        "payload": {
                            "type": decl.type,
                            "version": decl.version,
                            "producer": definition.name,
                            "data": decl.sample,
                        }
                    }
                ],
            }
            channel = channels.setdefault(
                f"{decl.type}.{{region}}",
                {
                    "description": f"Published by {definition.name} on exchange {EXCHANGE}",
                    "parameters": {"region": {"schema": {"type": "string"}}},
                    "bindings": {
                        "amqp": {
                            "is": "routingKey",
                            "exchange": {
                                "name": EXCHANGE,
                                "type": "topic",
                                "durable": True,
                                "vhost": "/",
                            },
                        }
                    },
                    "subscribe": {
                        "operationId": f"on_{decl.type.replace('.', '_')}",
                        "message": {"oneOf": []},
                    },
                },
            )
            channel["subscribe"]["message"]["oneOf"].append(
                {"$ref": f"#/components/messages/{name}"}
            )
    schemas = spec.to_dict().get("components", {}).get("schemas", {})
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "Aftercare events",
            "version": version,
            "description": "Every event the Aftercare services publish.",
        },
        "defaultContentType": "application/json",
        "channels": dict(sorted(channels.items())),
        "components": {"messages": messages, "schemas": schemas},
    }
