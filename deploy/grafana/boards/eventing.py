"""Eventing and health: processes up, throughput, lag, outbox, parked messages, HTTP."""

from __future__ import annotations

from deploy.grafana.boards.kit import (
    Board,
    health_stat,
    query,
    ratio,
    service_variable,
    trend,
    up_stat,
)

UID = "aftercare-eventing"
SERVICES = 'service=~"$service"'
WINDOW = "[$__rate_interval]"


def _rate(metric: str, selector: str = "") -> str:
    labels = f"{SERVICES}, {selector}" if selector else SERVICES
    return f"rate({metric}{{{labels}}}{WINDOW})"


def _quantile(q: float, histogram: str, by: str = "service") -> str:
    return f"histogram_quantile({q}, sum by ({by}, le) ({_rate(histogram + '_bucket')}))"


def build(_targets: dict[str, float]) -> Board:
    """What the platform team watches: is every event getting through, and how fast."""
    board = Board(
        UID,
        "Aftercare / Eventing and health",
        "Every service's processes, events through the outbox and the consumers, lag, "
        "parked messages and the HTTP APIs.",
    )
    board.dashboard = board.dashboard.with_variable(service_variable())

    board.row("Processes")
    board.add(
        up_stat(
            "Processes up",
            "Whether Prometheus can scrape each web (gunicorn) and worker (relay + consumer).",
            f'up{{job=~"aftercare-(web|worker)", {SERVICES}}}',
            "{{service}} {{job}}",
        )
    )

    board.row("Throughput")
    board.add(
        trend(
            "Events published",
            "Outbox rows the broker confirmed, per second.",
            [
                query(
                    f"sum by (service) ({_rate('aftercare_outbox_published_total')})",
                    "{{service}}",
                )
            ],
            unit="ops",
            minimum=0,
        ),
        trend(
            "Events handled by outcome",
            "Events each consumer settled per second: applied, duplicate, retried, parked.",
            [
                query(
                    f"sum by (service, outcome) ({_rate('aftercare_events_handled_total')})",
                    "{{service}} {{outcome}}",
                )
            ],
            unit="ops",
            minimum=0,
        ),
        trend(
            "kpi: events consumed by type",
            "Events kpi applied per second, by event type.",
            [
                query(
                    "sum by (type) (rate(aftercare_events_consumed_total[$__rate_interval]))",
                    "{{type}}",
                )
            ],
            unit="ops",
            minimum=0,
        ),
    )

    board.row("Lag")
    board.add(
        trend(
            "Consumer lag (p95)",
            "Event occurred_at to applied, per consuming service; the 95th percentile.",
            [query(_quantile(0.95, "aftercare_consumer_lag_seconds"), "{{service}}")],
            unit="s",
            minimum=0,
        ),
        trend(
            "kpi event lag",
            "Event occurred_at to applied in kpi, from kpi's own record of every event.",
            [
                query(
                    "histogram_quantile(0.5, sum by (le) "
                    "(rate(aftercare_event_lag_seconds_bucket[$__rate_interval])))",
                    "p50",
                ),
                query(
                    "histogram_quantile(0.95, sum by (le) "
                    "(rate(aftercare_event_lag_seconds_bucket[$__rate_interval])))",
                    "p95",
                    ref="B",
                ),
            ],
            unit="s",
            minimum=0,
        ),
        trend(
            "Handler batch duration (p95)",
            "Time to apply one batch of events in the consumer's transaction.",
            [query(_quantile(0.95, "aftercare_handler_duration_seconds"), "{{service}}")],
            unit="s",
            minimum=0,
        ),
    )

    published = _rate("aftercare_outbox_published_total")
    failures = _rate("aftercare_outbox_publish_failures_total")
    board.row("Outbox")
    board.add(
        trend(
            "Outbox backlog",
            "Unsent outbox rows per service.",
            [query(f"max by (service) (aftercare_outbox_backlog{{{SERVICES}}})", "{{service}}")],
            unit="short",
            minimum=0,
        ),
        trend(
            "Oldest unsent event",
            "Age of the oldest unsent outbox row: grows when the relay is down or blocked.",
            [
                query(
                    f"max by (service) (aftercare_outbox_oldest_age_seconds{{{SERVICES}}})",
                    "{{service}}",
                )
            ],
            unit="s",
            minimum=0,
        ),
        trend(
            "Publish failures",
            "Publishes the broker did not confirm (nack, unroutable, lost connection), per "
            "second; 0 for a service that has had none.",
            [
                query(
                    f"sum by (service, reason) ({failures})"
                    f" or on (service) 0 * sum by (service) ({published})",
                    "{{service}} {{reason}}",
                )
            ],
            unit="ops",
            minimum=0,
        ),
    )

    handled = _rate("aftercare_events_handled_total")
    retried_or_parked = _rate("aftercare_events_handled_total", 'outcome=~"retried|parked"')
    board.row("Parked and retried")
    board.add(
        health_stat(
            "Parked messages",
            "Messages in each service's dead-letter queue. List and replay them with "
            "`aftercare dead-letters`.",
            f"max by (service) (aftercare_dead_letters{{{SERVICES}}})",
            "{{service}}",
        ),
        trend(
            "Retried and parked",
            "Events sent for a delayed retry or parked, per second.",
            [
                query(
                    f"sum by (service, outcome) ({retried_or_parked})"
                    f" or on (service) 0 * sum by (service) ({handled})",
                    "{{service}} {{outcome}}",
                )
            ],
            unit="ops",
            minimum=0,
        ),
        trend(
            "Consumer database errors",
            "Batches held back because the consumer's database was unavailable, per second.",
            [
                query(
                    f"sum by (service) ({_rate('aftercare_consumer_database_errors_total')})"
                    f" or on (service) 0 * sum by (service) ({handled})",
                    "{{service}}",
                )
            ],
            unit="ops",
            minimum=0,
        ),
    )

    board.row("HTTP")
    requests = _rate("aftercare_http_requests_total")
    board.add(
        trend(
            "Requests",
            "Requests served per second.",
            [query(f"sum by (service) ({requests})", "{{service}}")],
            unit="reqps",
            minimum=0,
        ),
        trend(
            "Server errors",
            "Share of requests answered with a 5xx.",
            [
                query(
                    ratio(
                        _rate("aftercare_http_requests_total", 'status=~"5.."'), requests, "service"
                    ),
                    "{{service}}",
                )
            ],
            unit="percentunit",
            minimum=0,
        ),
        trend(
            "Client errors",
            "Share of requests refused with a 4xx (invalid input, auth, conflicts).",
            [
                query(
                    ratio(
                        _rate("aftercare_http_requests_total", 'status=~"4.."'), requests, "service"
                    ),
                    "{{service}}",
                )
            ],
            unit="percentunit",
            minimum=0,
        ),
        trend(
            "Latency (p95)",
            "95th percentile of request latency per service.",
            [query(_quantile(0.95, "aftercare_http_request_duration_seconds"), "{{service}}")],
            unit="s",
            minimum=0,
            w=12,
        ),
        trend(
            "Slowest routes (p95)",
            "The five routes with the highest 95th percentile latency.",
            [
                query(
                    "topk(5, "
                    + _quantile(0.95, "aftercare_http_request_duration_seconds", "service, route")
                    + ")",
                    "{{service}} {{route}}",
                )
            ],
            unit="s",
            minimum=0,
            w=12,
        ),
    )
    return board
