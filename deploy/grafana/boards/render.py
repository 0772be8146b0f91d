"""Render the dashboards to the JSON files Grafana provisions, or check they are current."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.cog.encoder import JSONEncoder

from deploy.grafana.boards import eventing, overview, region
from deploy.grafana.boards.kit import Board
from deploy.grafana.boards.kpis import load_targets

DASHBOARD_DIR = Path(__file__).resolve().parents[1] / "dashboards"
BOARDS: dict[str, Callable[[dict[str, float]], Board]] = {
    f"{overview.UID}.json": overview.build,
    f"{region.UID}.json": region.build,
    f"{eventing.UID}.json": eventing.build,
}


def render_all() -> dict[str, str]:
    """Each dashboard file's name and its JSON text."""
    targets = load_targets()
    return {
        name: JSONEncoder(sort_keys=True, indent=2).encode(build(targets).dashboard.build()) + "\n"
        for name, build in BOARDS.items()
    }


def rendered() -> dict[str, dict[str, Any]]:
    """Each dashboard as the JSON object Grafana loads."""
    return {name: json.loads(text) for name, text in render_all().items()}


def main(argv: list[str] | None = None) -> int:
    """Write the dashboards (default) or, with --check, fail if the files are stale."""
    parser = argparse.ArgumentParser(prog="python -m deploy.grafana.boards", description=__doc__)
    parser.add_argument("--output", type=Path, default=DASHBOARD_DIR)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render_all().items():
        path = args.output / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    if stale:
        print("stale, run `python -m deploy.grafana.boards`: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0
