"""Request edges as gunicorn delivers them (issue 8): a chunked body over the size limit is
refused with a problem, never cut short and accepted; one within it is taken whole; headers
too large get a problem body, not gunicorn's HTML page."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

from tests.e2e.conftest import Network
from tests.helpers import auth, ticket_body


def _chunked_post(base: str, body: bytes) -> tuple[int, str, dict[str, object]]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    headers = {"Content-Type": "application/json", **auth("agent")}
    try:
        connection.request("POST", "/tickets", body=chunks(), headers=headers, encode_chunked=True)
        response = connection.getresponse()
        payload = json.loads(response.read() or b"{}")
        return response.status, response.getheader("Content-Type") or "", payload
    finally:
        connection.close()


def test_chunked_bodies_are_measured_whole(network: Network) -> None:
    base = network.web("intake", workers=1)
    oversized = json.dumps(ticket_body(symptom="x" * 70_000)).encode()
    status, content_type, problem = _chunked_post(base, oversized)
    assert (status, content_type) == (413, "application/problem+json"), problem

    status, _, created = _chunked_post(base, json.dumps(ticket_body(symptom="pitting")).encode())
    assert status == 201, created
    assert created["symptom"] == "pitting"


def test_oversized_headers_get_a_problem_body(network: Network) -> None:
    base = network.web("intake", workers=1)
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", "/tickets", headers={**auth("agent"), "X-Padding": "p" * 20_000})
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 431
    assert response.getheader("Content-Type") == "application/problem+json"
    assert body["type"].endswith("/headers-too-large")
