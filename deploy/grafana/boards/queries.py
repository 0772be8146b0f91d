"""The PromQL a rendered dashboard runs, and Grafana's variable interpolation, so tests can
run every panel's query against a real Prometheus."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_LABEL_VALUES = re.compile(r"^label_values\((?:(?P<match>.+),\s*)?(?P<label>\w+)\)$")


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref: str
    expr: str
    instant: bool

    def __str__(self) -> str:
        return f"{self.dashboard} / {self.panel} / {self.ref}"


def panels(dashboard: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every panel, those inside collapsed rows included."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def panel_queries(dashboard: Mapping[str, Any]) -> list[PanelQuery]:
    """Each Prometheus query of each panel."""
    return [
        PanelQuery(
            dashboard["uid"],
            panel.get("title", ""),
            target.get("refId", ""),
            target["expr"],
            bool(target.get("instant")),
        )
        for panel in panels(dashboard)
        for target in panel.get("targets", [])
        if "expr" in target
    ]


def label_values(dashboard: Mapping[str, Any]) -> dict[str, tuple[str | None, str]]:
    """Query variables as {name: (series selector or None, label)} (`label_values(...)`)."""
    found = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        parsed = _LABEL_VALUES.match(str(variable["query"]).strip())
        if parsed is None:
            raise ValueError(f"unsupported variable query: {variable['query']}")
        found[variable["name"]] = (parsed["match"], parsed["label"])
    return found


def interpolate(expr: str, values: Mapping[str, str]) -> str:
    """Replace ``$name`` and ``${name}`` as Grafana does; every variable must have a value."""

    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        if name not in values:
            raise KeyError(f"no value for ${name} in {expr}")
        return values[name]

    return _VARIABLE.sub(value, expr)
