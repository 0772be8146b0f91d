"""The operator command kpi adds to ``aftercare``: ``aftercare kpi-rebuild [--chunk-size N]``
rebuilds every KPI fact and aggregate from kpi's event archive under the current KPI
definitions, and prints ``{"replayed", "skipped", "seconds", "definitions"}``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from services.kpi import use_cases
from services.kpi.repositories import KpiUnitOfWork
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


def main(argv: list[str] | None = None) -> int:
    """``python -m services.kpi.commands [--chunk-size N]``: the same as ``kpi-rebuild``."""
    parser = argparse.ArgumentParser(prog="kpi-rebuild", description=REBUILD.help)
    configure_rebuild(parser)
    return REBUILD.run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
