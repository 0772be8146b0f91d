"""Operator commands maintenance adds to ``aftercare``: run the scheduler once (cron, or
after an outage), on this process's clock."""

from __future__ import annotations

import argparse

from services.maintenance.use_cases import run_scheduler
from shared.service import Command, Runtime, load_definition


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing (exit status only)")


def _run(args: argparse.Namespace) -> int:
    rt = Runtime(load_definition("maintenance"))
    try:
        announced = run_scheduler(rt.unit_of_work)  # type: ignore[arg-type]
    finally:
        rt.db.dispose()
    if not args.quiet:
        print(f"maintenance: {announced} notice(s) and visit(s) announced")
    return 0


def commands() -> list[Command]:
    """The commands this service adds."""
    return [
        Command(
            name="maintenance-schedule",
            help="announce the maintenance notices and visits due (safe to run any time)",
            configure=_configure,
            run=_run,
        )
    ]
