"""kpi's use cases run on ``FakeKpiUnitOfWork``: no database, no broker, a fixed clock."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_configured_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    """Weights come from the test's settings only, never from the shell running it."""
    monkeypatch.delenv("AFTERCARE_KPI_SCORECARD_WEIGHTS", raising=False)
