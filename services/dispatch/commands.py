"""Operator commands dispatch adds to ``aftercare``: stage the day-before reminders now (cron,
or after an outage), on this process's clock."""

from __future__ import annotations

import argparse

from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.use_cases import REMINDER_BATCH, remind_tomorrows_visits
from shared.service import Command, Runtime, load_definition


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing (exit status only)")


def _run(args: argparse.Namespace) -> int:
    rt = Runtime(load_definition("dispatch"))
    reminded = 0
    try:
        while True:
            with rt.unit_of_work() as uow:
                assert isinstance(uow, DispatchUnitOfWork)
                batch = remind_tomorrows_visits(uow)
            reminded += batch
            if batch < REMINDER_BATCH:
                break
    finally:
        rt.db.dispose()
    if not args.quiet:
        print(f"dispatch: {reminded} reminder(s) staged for tomorrow's visits")
    return 0


def commands() -> list[Command]:
    """The commands this service adds."""
    return [
        Command(
            name="dispatch-reminders",
            help="stage the day-before reminders of tomorrow's visits (safe to run any time)",
            configure=_configure,
            run=_run,
        )
    ]
