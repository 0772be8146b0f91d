"""The operator commands kpi adds to ``aftercare``:

- ``aftercare kpi-rebuild [--chunk-size N]`` rebuilds every KPI fact and aggregate from
  kpi's event archive under the current KPI definitions, and prints ``{"replayed",
  "skipped", "seconds", "definitions", "corrections"}``.
- ``aftercare kpi-close-month [--month YYYY-MM]`` closes a month that has ended (without
  waiting for the grace period), or every month due; safe to run again, prints what it
  closed and what was closed already."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from services.kpi import use_cases
from services.kpi.domain.months import MONTH_PATTERN
from services.kpi.repositories import KpiUnitOfWork
from shared.errors import Conflict
from shared.logs import configure_logging
from shared.service import Command, Runtime, load_definition


def rebuild(rt: Runtime, *, chunk_size: int = 1000) -> use_cases.RebuildReport:
    """Rebuild kpi's facts from its archive in one transaction of ``rt``'s database."""
    with rt.unit_of_work() as uow:
        if not isinstance(uow, KpiUnitOfWork):
            raise TypeError(f"kpi's unit of work is a {type(uow).__name__}")
        return use_cases.rebuild_facts(
            uow, subscriptions=rt.definition.subscriptions, chunk_size=chunk_size
        )


def _chunk_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def configure_rebuild(parser: argparse.ArgumentParser) -> None:
    """``--chunk-size``: archived events replayed per flush."""
    parser.add_argument("--chunk-size", type=_chunk_size, default=1000, help="events per flush")


def run_rebuild(args: argparse.Namespace) -> int:
    """Rebuild with the environment's settings; print the report as JSON."""
    rt = Runtime(load_definition("kpi"))
    configure_logging("kpi-rebuild", rt.settings.log_level)
    try:
        report = rebuild(rt, chunk_size=args.chunk_size)
    finally:
        rt.db.dispose()
    print(json.dumps(asdict(report)))
    return 0


REBUILD = Command(
    name="kpi-rebuild",
    help="rebuild kpi's facts from its event archive",
    configure=configure_rebuild,
    run=run_rebuild,
)


def close(rt: Runtime, *, month: str | None, by: str) -> list[use_cases.Closed]:
    """Close ``month`` (from its end, grace or not), or every month due, on ``rt``."""
    with rt.unit_of_work() as uow:
        if not isinstance(uow, KpiUnitOfWork):
            raise TypeError(f"kpi's unit of work is a {type(uow).__name__}")
        if month is None:
            return use_cases.close_due_months(uow, by=by)
        return [use_cases.close_month(uow, month=month, by=by, early=True)]


def _month(text: str) -> str:
    if not MONTH_PATTERN.match(text):
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, not {text!r}")
    return text


def configure_close(parser: argparse.ArgumentParser) -> None:
    """``--month``: the month to close (default: every month past its grace period)."""
    parser.add_argument("--month", type=_month, help="YYYY-MM (default: every month due)")


def run_close(args: argparse.Namespace) -> int:
    """Close with the environment's settings; print one JSON line per month."""
    rt = Runtime(load_definition("kpi"))
    configure_logging("kpi-close-month", rt.settings.log_level)
    try:
        closed = close(rt, month=args.month, by="operator")
    except Conflict as exc:
        print(f"kpi-close-month: {exc}", file=sys.stderr)
        return 1
    finally:
        rt.db.dispose()
    for item in closed:
        print(json.dumps({**asdict(item), "closed_at": item.closed_at.isoformat()}))
    return 0


CLOSE = Command(
    name="kpi-close-month",
    help="close (freeze) a month's KPIs and scorecards, or every month due",
    configure=configure_close,
    run=run_close,
)


def main(argv: list[str] | None = None) -> int:
    """``python -m services.kpi.commands [--chunk-size N]``: the same as ``kpi-rebuild``."""
    parser = argparse.ArgumentParser(prog="kpi-rebuild", description=REBUILD.help)
    configure_rebuild(parser)
    return REBUILD.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
