"""Processes killed at the worst moments lose nothing and apply nothing twice.

Each test commits tickets in intake's database, runs a worker armed with a crash point
(AFTERCARE_FAULTS) until it dies, restarts it unarmed, and compares the event ids intake
committed with the ones kpi applied.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.intake import SERVICE as INTAKE
from services.intake.use_cases import register_ticket
from services.kpi import SERVICE as KPI
from services.kpi.models import ArchivedEvent, EventCount
from shared.auth import Principal
from shared.config import Settings
from shared.db import InboxMessage, OutboxMessage
from shared.service import Runtime
from tests.e2e.conftest import Network
from tests.helpers import ticket_in, wait_until

AGENT = Principal(sub="agent", roles=frozenset({"agent"}))


def commit_tickets(network: Network, count: int) -> set[str]:
    rt = Runtime(
        INTAKE, Settings.from_env("intake").with_overrides(database_url=network.database("intake"))
    )
    for _ in range(count):
        with rt.unit_of_work() as uow:
            register_ticket(uow, ticket_in=ticket_in(), by=AGENT)
    with rt.db.session() as session:
        ids = set(session.scalars(select(OutboxMessage.event_id)))
    rt.db.dispose()
    return ids


def kpi_state(network: Network) -> tuple[list[str], int, int]:
    """Applied event ids (inbox), archived events, and the counter's total."""
    rt = Runtime(KPI, Settings.from_env("kpi").with_overrides(database_url=network.database("kpi")))
    with rt.db.session() as session:
        inbox = list(session.scalars(select(InboxMessage.event_id)))
        archived = len(list(session.scalars(select(ArchivedEvent.event_id))))
        counted = sum(session.scalars(select(EventCount.count)))
    rt.db.dispose()
    return inbox, archived, int(counted)


def unsent(network: Network) -> int:
    rt = Runtime(
        INTAKE, Settings.from_env("intake").with_overrides(database_url=network.database("intake"))
    )
    with rt.db.session() as session:
        count = len(
            list(
                session.scalars(
                    select(OutboxMessage.position).where(OutboxMessage.sent_at.is_(None))
                )
            )
        )
    rt.db.dispose()
    return count


def assert_exactly_once(network: Network, committed: set[str]) -> None:
    def all_applied() -> bool:
        return set(kpi_state(network)[0]) == committed

    wait_until(all_applied, timeout=20, what="every committed event applied in kpi")
    inbox, archived, counted = kpi_state(network)
    assert len(inbox) == len(committed) == archived == counted


@pytest.mark.parametrize("crash", ["relay.before_publish", "relay.after_confirm"])
def test_relay_killed_between_commit_and_mark_sent_loses_and_doubles_nothing(
    network: Network, crash: str
) -> None:
    network.worker("kpi")
    network.wait_consumer_queue("kpi")
    committed = commit_tickets(network, 40)

    doomed = network.worker("intake", faults=crash)
    assert doomed.wait_exit(timeout=30) == 137, doomed.log()
    assert unsent(network) == 40  # the crash came before any row was marked sent

    network.worker("intake")
    assert_exactly_once(network, committed)
    wait_until(lambda: unsent(network) == 0, what="outbox marked sent")


@pytest.mark.parametrize("crash", ["consumer.before_commit", "consumer.after_commit"])
def test_consumer_killed_around_its_commit_loses_and_doubles_nothing(
    network: Network, crash: str
) -> None:
    committed = commit_tickets(network, 40)
    doomed = network.worker("kpi", faults=crash)
    # kpi's queue must exist before intake's relay publishes: otherwise the events route only
    # to queues an earlier test left bound to ticket.* (maintenance's), are confirmed and
    # marked sent, and never reach kpi (the relay's confirm is the broker's, not kpi's).
    network.wait_consumer_queue("kpi")
    network.worker("intake")
    assert doomed.wait_exit(timeout=30) == 137, doomed.log()
    applied_before_restart = len(kpi_state(network)[0])
    if crash == "consumer.before_commit":
        assert applied_before_restart == 0
    else:
        assert applied_before_restart > 0  # committed, never acked: will be redelivered

    network.worker("kpi")
    assert_exactly_once(network, committed)
