"""Aftercare's Grafana dashboards as code (grafana-foundation-sdk), rendered to the JSON files
in deploy/grafana/dashboards/ by ``python -m deploy.grafana.boards``.

- overview: every KPI per region against its target, and the trends;
- region: one region's KPIs, the facts behind them and its technicians ranked;
- eventing: processes up, throughput, lag, outbox, parked messages, HTTP.
"""
