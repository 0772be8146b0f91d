"""pika connection parameters with the settings MESSAGING.md asks for."""

from __future__ import annotations

import contextlib

import pika

HEARTBEAT_SECONDS = 20
BLOCKED_CONNECTION_TIMEOUT = 60


def connection_parameters(amqp_url: str, name: str) -> pika.URLParameters:
    """Heartbeats, a blocked-connection timeout and a connection name visible in the broker."""
    params = pika.URLParameters(amqp_url)
    if "heartbeat=" not in amqp_url:  # the URL may set its own (?heartbeat=N)
        params.heartbeat = HEARTBEAT_SECONDS
    params.blocked_connection_timeout = BLOCKED_CONNECTION_TIMEOUT
    params.connection_attempts = 1
    params.socket_timeout = 5
    params.client_properties = {"connection_name": name}
    return params


def broker_answers(amqp_url: str, timeout: float = 2.0) -> bool:
    """True when a broker accepts a connection at this URL."""
    params = pika.URLParameters(amqp_url)
    params.socket_timeout = timeout
    params.connection_attempts = 1
    params.blocked_connection_timeout = timeout
    try:
        connection = pika.BlockingConnection(params)
    except Exception:
        return False
    with contextlib.suppress(Exception):
        connection.close()
    return True
