"""The `comptoir` command: run the desk, check a deployment, migrate, back up, move to PostgreSQL, or play the demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version

from bots.config import CONFIG_ENV, DATABASE_URL_ENV, Config, ConfigError, load_config
from bots.command.startup import StartupFailure, redacted
from core.i18n import LANGUAGES

ENVIRONMENT = f"""\
environment:
  {CONFIG_ENV:<25} the config file, when --config is not given
  {DATABASE_URL_ENV:<25} replaces database_url
  COMPTOIR_TELEGRAM_TOKEN   the Telegram bot token (the variable's name is telegram.token_env)
  COMPTOIR_DISCORD_TOKEN    the Discord bot token (the variable's name is discord.token_env)
Tokens are only ever read from the environment. Every setting: config.example.toml."""


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="comptoir", description="A chat-first order desk for freelance marketplaces, on Telegram and Discord.",
        epilog=ENVIRONMENT, formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--version", action="version", version=f"comptoir {_version()}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, description=textwrap.fill(description, 100), epilog=ENVIRONMENT,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        if name != "demo":
            sub.add_argument("--config", metavar="FILE",
                             help=f"the config file (default: ${CONFIG_ENV}, else the built-in defaults); a "
                                  "relative SQLite path in it is relative to the file")
        return sub

    command("run", "serve the configured chat platforms until stopped",
            "Migrates the database to the newest schema, then serves Telegram and/or Discord (each platform whose "
            "token is set) until SIGTERM or Ctrl-C. A start-up failure is one line on stderr and exit status 2.")
    command("check", "check a deployment: config, database, tokens, permissions (✓/✗)",
            "Checks the config, the database (reachable, migrated, writable), each configured platform (the "
            "token, and on Discord the intent, the server, the roles, the channel and the bot's permissions "
            "there) and settings that cannot work together. Prints a checklist with the fix for each ✗; the exit "
            "status is 0 only when everything holds.")
    command("migrate", "bring the database schema up to date",
            "Applies the database migrations up to the newest (`run` does it too when it starts).")
    backup = command("backup", "copy the SQLite database to a file, safely while the bot runs",
                     "Copies the SQLite database with SQLite's online backup, a consistent snapshot even while "
                     "`comptoir run` writes to it. For PostgreSQL, use pg_dump.")
    backup.add_argument("file", help="where the copy goes (an existing file is replaced)")
    copy = command("copy-to", "copy every table of this SQLite database to an empty PostgreSQL database",
                   "Migrates the target, copies every table, and checks row counts and a checksum per table. "
                   "Refuses a target that already holds data. Stop `comptoir run` first (docs/operations.md).")
    copy.add_argument("url", metavar="POSTGRESQL_URL", help="the target, postgresql+asyncpg://user:password@host/db")
    demo = command("demo", "play a scripted marketplace, no token or server needed",
                   "Plays a marketplace's orders from start to end on a temporary database.")
    demo.add_argument("--lang", choices=LANGUAGES, default="en", help="the demo's language (default: en)")
    return main


def _version() -> str:
    try:
        return version("comptoir")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "demo":
        import logging

        from bots.demo import main as demo_main

        logging.basicConfig(level=logging.WARNING)  # the demo's output is the story, not the logs
        asyncio.run(demo_main(args.lang))
        return 0
    if args.command == "check":
        from bots.command.doctor import main as check

        return asyncio.run(check(args.config))
    try:
        config = load_config(args.config)
    except ConfigError as error:
        return refuse(str(error))
    from bots.command import logs

    logs.configure(config)
    try:
        return _run(args, config)
    except StartupFailure as failure:
        return refuse(redacted(str(failure), config))


def _run(args: argparse.Namespace, config: Config) -> int:
    if args.command == "migrate":
        from storage.migrate import upgrade
        from storage.probe import why

        try:
            upgrade(config.database_url)
        except Exception as error:
            reason = why(error, config.database_url)
            if reason is None:
                raise
            raise StartupFailure(reason) from None
        print("The database schema is up to date.")
        return 0
    if args.command == "backup":
        from storage.backup import BackupRefused, backup

        try:
            print(backup(config.database_url, args.file))
        except BackupRefused as refused:
            raise StartupFailure(f"backup: {refused}") from None
        return 0
    if args.command == "copy-to":
        from storage.copy import CopyRefused, copy_to

        try:
            for line in asyncio.run(copy_to(config.database_url, args.url)):
                print(line)
        except CopyRefused as refused:
            raise StartupFailure(f"copy-to: {refused}") from None
        return 0
    from bots.command.run import serve

    return asyncio.run(serve(config))


def refuse(line: str) -> int:
    print(f"comptoir: {line}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
