"""/metrics is for the monitoring network only (issue 8, finding 11): kpi's per-technician
gauges are not for whoever reaches the API."""

from __future__ import annotations

from services.kpi import SERVICE as KPI
from shared.migrations import upgrade
from shared.web import build_app
from tests.helpers import settings_for


def test_metrics_answer_the_monitoring_network_only(sqlite_url: str) -> None:
    upgrade(KPI, sqlite_url)
    app = build_app(KPI, settings_for(KPI, sqlite_url, transport="inprocess"))
    client = app.test_client()

    def scrape(remote: str, **headers: str) -> int:
        return client.get(
            "/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote}
        ).status_code

    assert scrape("127.0.0.1") == 200
    assert scrape("10.1.2.3") == 200  # a scraper on the private network
    assert scrape("203.0.113.5") == 404  # the outside
    assert scrape("127.0.0.1", **{"X-Forwarded-For": "203.0.113.5"}) == 404  # via an ingress
    assert scrape("10.1.2.3", Forwarded="for=203.0.113.5") == 404
    assert client.get("/healthz", environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 200

    widened = settings_for(
        KPI, sqlite_url, transport="inprocess", metrics_allow=("203.0.113.0/24",)
    )
    other = build_app(KPI, widened).test_client()
    assert other.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 200
    assert other.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
    app.extensions["aftercare"].db.dispose()
