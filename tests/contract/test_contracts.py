"""Every consumer's inbound schema against every producer's samples, and the AsyncAPI document
generated from the producers' schemas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from marshmallow import fields

from shared.asyncapi import build_asyncapi
from shared.contracts import Breach, check_contracts
from shared.db import service_metadata
from shared.events import (
    Delivery,
    EventCatalog,
    InboundSchema,
    PayloadSchema,
    Subscriptions,
)
from shared.service import ServiceDefinition, all_definitions
from tests.helpers import REPO

TICKET_CREATED_FIELDS = {
    "ticket_id",
    "channel",
    "kind",
    "priority",
    "product_model",
    "serial_no",
    "reported_at",
    "warranty",
    "first_response_due_at",
    "source_event_id",
}


# -- the real services ---------------------------------------------------------------------
def test_the_services_honour_each_others_contracts() -> None:
    assert check_contracts(all_definitions()) == []


# -- small fake services -------------------------------------------------------------------
class WidgetMadeV1(PayloadSchema):
    widget_id = fields.String(required=True)
    colour = fields.String(load_default=None)


class NeedsColour(InboundSchema):
    widget_id = fields.String(required=True)
    colour = fields.String(required=True)


class NeedsId(InboundSchema):
    widget_id = fields.String(required=True)


def _noop(delivery: Delivery, uow: object) -> None:
    pass


def producer(name: str = "factory") -> ServiceDefinition:
    catalog = EventCatalog(name)
    catalog.declare("widget.made", 1, WidgetMadeV1, sample={"widget_id": "w-1"})
    return definition(name, catalog=catalog)


def consumer(name: str, subscribe: Callable[[Subscriptions], object]) -> ServiceDefinition:
    subs = Subscriptions(name)
    subscribe(subs)
    return definition(name, subscriptions=subs)


def definition(
    name: str, *, catalog: EventCatalog | None = None, subscriptions: Subscriptions | None = None
) -> ServiceDefinition:
    return ServiceDefinition(
        name=name,
        title=name,
        port=0,
        metadata=service_metadata(),
        catalog=catalog or EventCatalog(name),
        subscriptions=subscriptions or Subscriptions(name),
        package_dir=Path(__file__).parent,
    )


def test_matching_fake_services_have_no_breach() -> None:
    reader = consumer("reader", lambda s: s.on("widget.made", schema=NeedsId)(_noop))
    assert check_contracts([producer(), reader]) == []


def test_consumer_requiring_a_field_the_sample_lacks_is_a_breach() -> None:
    strict = consumer("strict", lambda s: s.on("widget.made", schema=NeedsColour)(_noop))

    [breach] = check_contracts([producer(), strict])

    assert (breach.producer, breach.consumer, breach.event_type, breach.version) == (
        "factory",
        "strict",
        "widget.made",
        1,
    )
    assert breach.reason.startswith("sample rejected")
    assert "colour" in breach.reason
    assert str(breach).startswith("factory→strict widget.made v1: sample rejected")


def test_consumer_accepting_only_another_version_is_a_breach() -> None:
    picky = consumer("picky", lambda s: s.on("widget.made", versions=(2,), schema=NeedsId)(_noop))

    [breach] = check_contracts([producer(), picky])

    assert breach == Breach(
        consumer="picky",
        producer="factory",
        event_type="widget.made",
        version=1,
        reason="version not accepted (accepts (2,))",
    )


def test_subscription_nobody_produces_is_a_breach() -> None:
    lonely = consumer("lonely", lambda s: s.on("widget.lost", schema=NeedsId)(_noop))

    [breach] = check_contracts([producer(), lonely])

    assert breach == Breach("lonely", None, "widget.lost", None, "no producer")
    assert str(breach) == "lonely widget.lost: no producer"


def test_every_producer_of_a_type_is_checked() -> None:
    strict = consumer("strict", lambda s: s.on("widget.made", schema=NeedsColour)(_noop))
    second = producer("workshop")

    breaches = check_contracts([producer(), second, strict])

    assert sorted(b.producer or "" for b in breaches) == ["factory", "workshop"]


def test_catch_all_consumer_accepts_every_declared_event() -> None:
    counter = consumer("counter", lambda s: s.on_any(_noop))
    assert check_contracts([producer(), counter]) == []


# -- AsyncAPI ----------------------------------------------------------------------------------
def test_asyncapi_documents_ticket_created() -> None:
    doc = build_asyncapi(all_definitions())

    assert doc["asyncapi"] == "2.6.0"
    channel = doc["channels"]["ticket.created.{region}"]
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "aftercare.events"
    assert channel["bindings"]["amqp"]["exchange"]["type"] == "topic"
    [ref] = channel["subscribe"]["message"]["oneOf"]
    message = resolve(doc, ref["$ref"])
    assert message["name"] == "ticket.created"
    envelope_ref, specifics = message["payload"]["allOf"]
    assert set(resolve(doc, envelope_ref["$ref"])["properties"]) >= {"id", "type", "data"}
    assert specifics["properties"]["version"]["enum"] == [1]
    assert specifics["properties"]["producer"]["enum"] == ["intake"]
    data = resolve(doc, specifics["properties"]["data"]["$ref"])
    assert set(data["properties"]) == TICKET_CREATED_FIELDS
    assert set(data["required"]) == TICKET_CREATED_FIELDS - {"serial_no", "source_event_id"}
    assert data["properties"]["channel"]["enum"] == [
        "hotline",
        "email",
        "chat",
        "web",
        "partner",
        "maintenance",
    ]
    assert message["examples"][0]["payload"]["data"]["channel"] == "hotline"


def test_asyncapi_has_one_channel_per_declared_type_and_resolvable_refs() -> None:
    doc = build_asyncapi(all_definitions())
    declared = {d.type for s in all_definitions() for d in s.catalog.declarations()}

    assert set(doc["channels"]) == {f"{t}.{{region}}" for t in declared}
    for channel in doc["channels"].values():
        for ref in channel["subscribe"]["message"]["oneOf"]:
            message = resolve(doc, ref["$ref"])
            for part in message["payload"]["allOf"]:
                if "$ref" in part:
                    resolve(doc, part["$ref"])
                else:
                    resolve(doc, part["properties"]["data"]["$ref"])


def resolve(doc: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_committed_asyncapi_document_is_up_to_date() -> None:
    committed = (REPO / "docs" / "asyncapi.yaml").read_text()
    generated = yaml.safe_dump(build_asyncapi(all_definitions()), sort_keys=False)
    assert committed == generated, "regenerate: aftercare asyncapi --output docs/asyncapi.yaml"
