"""intake → kpi end to end: each service as its own gunicorn web and worker processes."""

from __future__ import annotations

import uuid

import requests

from tests.e2e.conftest import Network, kpi_count
from tests.helpers import auth, metric_value, ticket_body, wait_until


def test_ticket_posted_to_intake_appears_in_kpi_counter(network: Network) -> None:
    kpi = network.web("kpi")
    network.worker("kpi")
    network.wait_consumer_queue("kpi")
    intake = network.web("intake")
    network.worker("intake")

    created = requests.post(
        f"{intake}/tickets", json=ticket_body(region="east"), headers=auth("agent"), timeout=10
    )
    assert created.status_code == 201, created.text

    wait_until(lambda: kpi_count(kpi) == 1, timeout=10, what="kpi counted the ticket")
    text = requests.get(f"{kpi}/metrics", timeout=5).text
    assert (metric_value(text, "aftercare_event_lag_seconds_count") or 0) == 1
    intake_metrics = requests.get(f"{intake}/metrics", timeout=5).text
    assert metric_value(intake_metrics, "aftercare_outbox_backlog", service="intake") == 0


def test_http_metrics_add_up_across_gunicorn_workers(network: Network) -> None:
    intake = network.web("intake", workers=2)
    requests_made = 30
    for _ in range(requests_made):
        assert requests.get(f"{intake}/tickets", headers=auth("agent"), timeout=5).ok

    text = requests.get(f"{intake}/metrics", timeout=5).text
    # Whichever worker answers the scrape, it reports the requests of both workers.
    for _ in range(5):
        counted = metric_value(
            text,
            "aftercare_http_requests_total",
            service="intake",
            method="GET",
            route="/tickets",
            status="200",
        )
        assert counted == requests_made
        text = requests.get(f"{intake}/metrics", timeout=5).text


def test_idempotent_retry_through_gunicorn_creates_one_ticket(network: Network) -> None:
    kpi = network.web("kpi")
    network.worker("kpi")
    network.wait_consumer_queue("kpi")
    intake = network.web("intake")
    network.worker("intake")
    headers = {**auth("agent"), "Idempotency-Key": str(uuid.uuid4())}
    body = ticket_body(region="east")

    answers = [
        requests.post(f"{intake}/tickets", json=body, headers=headers, timeout=10) for _ in range(3)
    ]

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    wait_until(lambda: kpi_count(kpi) == 1, timeout=10, what="one ticket counted")
    listed = requests.get(f"{intake}/tickets", headers=auth("agent"), timeout=5).json()
    assert len(listed) == 1
