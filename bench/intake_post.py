"""intake ``POST /tickets`` against a bare Flask + SQLAlchemy insert, measured in the same run.

The focused half of ``bench/eventing.py`` (its baseline B and figure 3), for comparing two
versions of the code on a shared, noisy machine: the rounds of the baseline and of intake
alternate, the best round of each counts, and the figure is intake's rate as a ratio of the
baseline's. Run it against another checkout with ``PYTHONPATH=<checkout>``: it imports the
service code from wherever ``shared`` and ``services`` resolve.

Usage: python bench/intake_post.py [--requests 500] [--rounds 3] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eventing import (
    DEFAULT_POSTGRES,
    baseline_flask,
    post_tickets,
    ticket_bodies,
)
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url


def _database(kind: str, admin_url: str, scratch: Path, name: str) -> tuple[str, object]:
    """A fresh database and a function that drops it."""
    if kind == "sqlite":
        return f"sqlite:///{scratch / f'{name}.db'}", lambda: None
    db = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=db).render_as_string(hide_password=False), drop


def _intake_client(url: str, secret: str) -> tuple[object, dict[str, str], object]:
    from shared.auth import mint_token
    from shared.config import Settings
    from shared.migrations import upgrade
    from shared.service import load_definition
    from shared.web import build_app

    definition = load_definition("intake")
    upgrade(definition, url)
    settings = Settings.from_env("intake").with_overrides(
        database_url=url, transport="inprocess", jwt_secret=secret, log_level="WARNING"
    )
    app = build_app(definition, settings)
    token = mint_token(key=secret, sub="bench", roles=["agent"], audiences=["aftercare.intake"])
    client = app.test_client()
    client.get("/healthz")
    engine = app.extensions["aftercare"].db.engine
    event.listen(engine, "before_cursor_execute", _count_statement)
    return client, {"Authorization": f"Bearer {token}"}, app.extensions["aftercare"].db.dispose


STATEMENTS: list[str] = []


def _count_statement(_conn: object, _cursor: object, statement: str, *_: object) -> None:
    STATEMENTS.append(statement.split(None, 1)[0].upper())


def _statements_per_request(client: object, headers: dict[str, str]) -> dict[str, int]:
    """The SQL one POST /tickets runs, by verb: a count no noisy neighbour changes."""
    STATEMENTS.clear()
    post_tickets(client, headers, ticket_bodies(1))
    counts: dict[str, int] = {}
    for verb in STATEMENTS:
        counts[verb] = counts.get(verb, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args(argv)
    secret = os.environ.setdefault("AFTERCARE_JWT_SECRET", secrets.token_urlsafe(32))
    with tempfile.TemporaryDirectory() as scratch:
        base_url, drop_base = _database(args.database, args.postgres_url, Path(scratch), "bare")
        intake_url, drop_intake = _database(
            args.database, args.postgres_url, Path(scratch), "intake"
        )
        client, headers, dispose = _intake_client(intake_url, secret)
        bare, ours = [], []
        try:
            statements = _statements_per_request(client, headers)
            for _ in range(args.rounds):
                bodies = ticket_bodies(args.requests)
                bare.append(baseline_flask(base_url, bodies)["requests_per_s"])
                ours.append(args.requests / post_tickets(client, headers, bodies))
        finally:
            dispose()  # type: ignore[operator]
            drop_base()  # type: ignore[operator]
            drop_intake()  # type: ignore[operator]
    import shared

    print(f"code: {Path(shared.__file__).resolve().parent.parent}")
    print(f"database: {args.database}, {args.requests} requests x {args.rounds} rounds")
    print(f"bare Flask insert (best round): {max(bare):,.0f} req/s  rounds {bare}")
    print(f"intake POST /tickets (best round): {max(ours):,.0f} req/s  rounds {ours}")
    print(f"ratio: {max(ours) / max(bare):.2f} x the bare insert")
    print(f"SQL statements per POST /tickets: {sum(statements.values())} {statements}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
