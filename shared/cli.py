"""``aftercare``: operator commands (migrate, topology, tokens, dead letters, docs, run), and
the commands services add (``ServiceDefinition.commands``)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from shared.config import Settings
from shared.network import audiences, declare_topology, ensure_jwt_secret, rabbitmq_definitions
from shared.service import all_definitions, load_definition, service_names


def _cmd_migrate(args: argparse.Namespace) -> int:
    from shared.migrations import upgrade

    for name in args.services or service_names():
        upgrade(load_definition(name), Settings.from_env(name).database_url, args.revision)
        print(f"{name}: migrated to {args.revision}")
    return 0


def _cmd_topology(args: argparse.Namespace) -> int:
    if args.definitions:
        text = json.dumps(rabbitmq_definitions(), indent=2) + "\n"
        if args.definitions == "-":
            sys.stdout.write(text)
        else:
            Path(args.definitions).write_text(text)
        return 0
    declare_topology(Settings.common().amqp_url)
    print("topology declared")
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    from shared.auth import mint_token

    ensure_jwt_secret(Path(os.environ.get("AFTERCARE_VAR_DIR", "var")))
    settings = Settings.common()
    if not settings.jwt_secret:
        print(
            "minting needs AFTERCARE_JWT_SECRET (HS256); RS256 tokens come from your IdP",
            file=sys.stderr,
        )
        return 2
    print(
        mint_token(
            key=settings.jwt_secret,
            sub=args.sub,
            roles=args.roles.split(","),
            audiences=audiences(),
            issuer=settings.jwt_issuer,
            region=args.region,
            ttl=dt.timedelta(hours=args.hours),
        )
    )
    return 0


def _cmd_dead_letters(args: argparse.Namespace) -> int:
    from shared.messaging.deadletters import list_dead_letters, replay_dead_letters
    from shared.messaging.topology import dead_letter_queue, lane_name, queue_name

    settings = Settings.from_env(args.service)
    url = settings.amqp_url
    lane = lane_name(settings.consume_regions)
    if args.action == "list":
        letters = list_dead_letters(url, args.service, lane=lane)
        for letter in letters:
            print(json.dumps(letter.as_dict()))
        print(f"{len(letters)} parked in {dead_letter_queue(args.service, lane)}", file=sys.stderr)
        return 0
    if not args.id and not args.all:
        print("replay needs --id EVENT_ID or --all", file=sys.stderr)
        return 2
    count = replay_dead_letters(url, args.service, event_id=args.id, lane=lane)
    print(f"replayed {count} message(s) to {queue_name(args.service, lane)}")
    return 0 if count or args.all else 1


def _cmd_notices(args: argparse.Namespace) -> int:
    from shared.db import Database
    from shared.notices.store import list_parked, retry_parked

    if args.action == "retry" and not (args.id or args.all):
        print("retry needs --id NOTICE_ID or --all", file=sys.stderr)
        return 2
    db = Database(Settings.from_env(args.service).database_url)
    try:
        with db.session() as session:
            if args.action == "list":
                rows = list_parked(session)
                for row in rows:
                    print(json.dumps(row._asdict(), default=str, ensure_ascii=False))
                print(f"{len(rows)} parked notice(s) in {args.service}", file=sys.stderr)
                return 0
            count = retry_parked(session, notice_id=args.id)
            session.commit()
    finally:
        db.dispose()
    print(f"{count} notice(s) back in line for sending in {args.service}")
    return 0 if count or args.all else 1


def _cmd_asyncapi(args: argparse.Namespace) -> int:
    import yaml

    from shared.asyncapi import build_asyncapi

    text = yaml.safe_dump(build_asyncapi(all_definitions()), sort_keys=False)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
    return 0


def _cmd_run(_args: argparse.Namespace) -> int:
    from shared.runner import main as run

    return run()


def _cmd_worker(args: argparse.Namespace) -> int:
    from shared.worker import main as worker

    return worker([args.service])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aftercare", description=__doc__)
    names = service_names()
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="apply Alembic migrations")
    p.add_argument("services", nargs="*", metavar="SERVICE")
    p.add_argument("--revision", default="head")
    p.set_defaults(func=_cmd_migrate)

    p = sub.add_parser("topology", help="declare exchange and queues on RabbitMQ")
    p.add_argument(
        "--definitions",
        metavar="FILE",
        help="write RabbitMQ definitions JSON instead ('-' for stdout)",
    )
    p.set_defaults(func=_cmd_topology)

    p = sub.add_parser("token", help="mint a JWT for local use")
    p.add_argument("--sub", default="local-user")
    p.add_argument("--roles", default="admin", help="comma-separated roles")
    p.add_argument("--region", default=None)
    p.add_argument("--hours", type=float, default=8.0)
    p.set_defaults(func=_cmd_token)

    p = sub.add_parser(
        "dead-letters",
        help="list or replay parked messages (of the AFTERCARE_CONSUME_REGIONS lane, if set)",
    )
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("service", choices=names)
    p.add_argument("--id", help="replay only this event id")
    p.add_argument("--all", action="store_true", help="replay every parked message")
    p.set_defaults(func=_cmd_dead_letters)

    p = sub.add_parser("notices", help="list parked customer notices or send them again")
    p.add_argument("action", choices=["list", "retry"])
    p.add_argument("service", choices=names)
    p.add_argument("--id", help="retry only this notice")
    p.add_argument("--all", action="store_true", help="retry every parked notice")
    p.set_defaults(func=_cmd_notices)

    p = sub.add_parser("asyncapi", help="write the AsyncAPI document of every event")
    p.add_argument("--output", default="-")
    p.set_defaults(func=_cmd_asyncapi)

    sub.add_parser("run", help="start the whole network locally").set_defaults(func=_cmd_run)
    p = sub.add_parser("worker", help="run one service's relay and consumer")
    p.add_argument("service", choices=names)
    p.set_defaults(func=_cmd_worker)

    for definition in all_definitions():
        for command in definition.commands():
            p = sub.add_parser(command.name, help=command.help)
            command.configure(p)
            p.set_defaults(func=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
