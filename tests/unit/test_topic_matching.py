"""The in-process exchange routes like a RabbitMQ topic exchange.

Expectations follow the AMQP 0-9-1 topic rules: words are separated by dots, ``*`` stands for
exactly one word and ``#`` for zero or more words.
"""

from __future__ import annotations

import pytest

from shared.messaging.inprocess import topic_matches


@pytest.mark.parametrize(
    ("pattern", "routing_key", "expected"),
    [
        # exact words
        ("ticket.created.east", "ticket.created.east", True),
        ("ticket.created.east", "ticket.created.west", False),
        ("ticket.created", "ticket.created.east", False),
        ("ticket.created.east.x", "ticket.created.east", False),
        # '*' is exactly one word
        ("ticket.*", "ticket.created.east", False),
        ("ticket.*", "ticket.created", True),
        ("ticket.*", "ticket", False),
        ("ticket.created.*", "ticket.created.east", True),
        ("ticket.created.*", "ticket.created", False),
        ("ticket.created.*", "ticket.created.east.extra", False),
        ("*.created.*", "ticket.created.east", True),
        ("*.created.*", "repair.created.north", True),
        ("*.created.*", "ticket.closed.east", False),
        ("*", "ticket", True),
        ("*", "ticket.created", False),
        ("*.*.*", "ticket.created.east", True),
        ("*.*.*", "ticket.created", False),
        # '#' is zero or more words
        ("#", "ticket.created.east", True),
        ("#", "ticket", True),
        ("ticket.#", "ticket", True),
        ("ticket.#", "ticket.created.east", True),
        ("ticket.#", "tickets.created", False),
        ("a.#.c", "a.c", True),
        ("a.#.c", "a.b.c", True),
        ("a.#.c", "a.b.b.b.c", True),
        ("a.#.c", "a.b.c.d", False),
        ("a.#.c", "x.b.c", False),
        ("#.east", "east", True),
        ("#.east", "ticket.created.east", True),
        ("#.east", "ticket.created.west", False),
        ("#.east", "ticket.east.created", False),
        ("#.created.#", "ticket.created.east", True),
        ("#.created.#", "created", True),
        ("#.created.#", "ticket.closed.east", False),
        ("#.*", "ticket", True),
        ("*.#", "ticket.created.east", True),
        ("*.#.*", "ticket", False),
        ("*.#.*", "ticket.east", True),
        # a word is a whole word, not a prefix or a substring
        ("ticket.created.*", "ticket.created_v2.east", False),
        ("repair.*", "repairs.done", False),
        ("maintenance.issue_found.*", "maintenance.issue_found.southwest", True),
    ],
)
def test_topic_matches_like_amqp(pattern: str, routing_key: str, expected: bool) -> None:
    assert topic_matches(pattern, routing_key) is expected


@pytest.mark.parametrize("region", ["north", "east", "southwest"])
def test_a_consumer_binding_receives_its_type_in_every_region(region: str) -> None:
    key = f"repair.completed.{region}"
    assert topic_matches("repair.completed.*", key)
    assert topic_matches("#", key)
    assert not topic_matches("repair.accepted.*", key)
    assert not topic_matches("repair.*", key)
