"""The `comptoir` command: run the bot, migrate the database, or play the demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bots.config import ConfigError, load_config
from core.i18n import LANGUAGES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="comptoir", description="A chat-first order desk for Telegram and Discord.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve the configured chat platforms")
    run.add_argument("--config", help="a config.toml (default: $COMPTOIR_CONFIG, else built-in defaults)")
    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--config")
    demo = commands.add_parser("demo", help="play a scripted marketplace, no token or server needed")
    demo.add_argument("--lang", choices=LANGUAGES, default="en")
    args = parser.parse_args(argv)
    quiet = args.command == "demo"  # the demo's output is the story, not the logs
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # a line per Bot API call and per scheduler poll (twice a second) would bury what matters
    for chatty in ("alembic", "httpx", "apscheduler.executors.default"):
        logging.getLogger(chatty).setLevel(logging.WARNING)

    if args.command == "demo":
        from bots.demo import main as demo_main

        asyncio.run(demo_main(args.lang))
        return 0
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"comptoir: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        from storage.migrate import upgrade

        upgrade(config.database_url)
        print("The database schema is up to date.")
        return 0
    from bots.runtime import serve

    return asyncio.run(serve(config))


if __name__ == "__main__":
    sys.exit(main())
