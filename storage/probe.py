"""Probing a database before using it — reachable, at the newest migration, writable — and saying in one line why
it cannot be used (nothing listening, an unknown host, a refused password, an unwritable SQLite file)."""

from __future__ import annotations

import asyncio
import errno
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import asyncpg
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from storage.database import connect
from storage.locations import shown, sqlite_path
from storage.migrate import alembic_config

#: seconds a database gets to answer a probe
PROBE_TIMEOUT = 10.0


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error and everything behind it: causes, contexts, a driver's original error, a group's members."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [current.__cause__, current.__context__, getattr(current, "orig", None)]
        todo += list(getattr(current, "exceptions", ()) or ())


def why(error: BaseException, url: str) -> str | None:
    """Why this database cannot be used, as one line naming the cause and the fix; None if the error is not one of
    the known ways a database fails to open (a bug, then: the caller lets it through)."""
    parsed = make_url(url)
    path = sqlite_path(parsed)
    if parsed.get_backend_name() == "sqlite":
        for cause in causes(error):
            reason = _sqlite_reason(cause)
            if reason:
                return (f"database: cannot open or write the SQLite file {path} ({reason}): point database_url at a "
                        "file in a directory the bot's user can write (a relative path is relative to the config "
                        "file)")
        return None
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    for cause in causes(error):
        if isinstance(cause, (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError)):
            return (f"database: PostgreSQL at {where} refused user {parsed.username or '(none)'} (wrong password, or "
                    "no such role): correct the user and password in database_url")
        if isinstance(cause, asyncpg.InvalidCatalogNameError):
            return (f'database: PostgreSQL at {where} has no database "{parsed.database}": create it '
                    f"(createdb -O {parsed.username or 'comptoir'} {parsed.database}) or correct database_url")
        if isinstance(cause, socket.gaierror):
            return f"database: the host {parsed.host} is unknown: correct the host in database_url"
        if isinstance(cause, ConnectionRefusedError) or (
                isinstance(cause, OSError) and ("Connect call failed" in str(cause) or cause.errno == errno.ECONNREFUSED)):
            return (f"database: nothing answers at {where} (connection refused): start PostgreSQL there, or correct "
                    "the host and port in database_url")
        if isinstance(cause, (TimeoutError, asyncio.TimeoutError)):
            return f"database: {where} did not answer in time: check the network and the firewall, or database_url"
    return None


def _sqlite_reason(cause: BaseException) -> str | None:
    if isinstance(cause, (NotADirectoryError, FileExistsError)):  # making its directory met a file
        return "a part of the path is a file, not a directory"
    if isinstance(cause, (PermissionError, IsADirectoryError)):
        return cause.strerror or type(cause).__name__
    if isinstance(cause, OSError) and cause.errno in (errno.EROFS, errno.ENOSPC, errno.EACCES):
        return cause.strerror
    if isinstance(cause, sqlite3.OperationalError):
        message = str(cause)
        if any(words in message for words in ("unable to open", "readonly database", "disk I/O error",
                                              "database or disk is full", "not a database")):
            return message
    if isinstance(cause, sqlite3.DatabaseError) and "not a database" in str(cause):
        return str(cause)
    return None


@dataclass(frozen=True)
class Probe:
    """What a database looks like to Comptoir: each field None when it holds, else what is wrong and what to do."""

    where: str
    unreachable: str | None = None
    schema: str | None = None
    read_only: str | None = None
    revision: str | None = None  # the schema's migration, once reachable
    created: bool = True  # False: a SQLite file that `comptoir migrate` will create


def head() -> str:
    """The newest migration this version of Comptoir ships."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def probe(url: str) -> Probe:
    """Reaches the database, reads its migration, and tries a write that is rolled back. Creates nothing (a SQLite
    file that does not exist yet is only looked for)."""
    where = shown(url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        directory = next((p for p in path.parents if p.exists()), None)
        if directory is None or not directory.is_dir():
            return Probe(where, unreachable=f"{directory} is not a directory: point database_url elsewhere")
        return Probe(where, created=False, schema="the file does not exist yet: run `comptoir migrate` (or `comptoir run`, which "
                                   "migrates first)")
    engine = connect(url)
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            async with engine.connect() as conn:  # each look in a transaction of its own, rolled back
                revision = await _revision(conn)
                read_only = await _read_only(conn, has_schema=revision is not None)
    except Exception as error:  # noqa: BLE001 — every failure is a finding, said in one line
        return Probe(where, unreachable=why(error, url) or f"{type(error).__name__}: {error}")
    finally:
        await engine.dispose()
    newest = head()
    if revision is None:
        schema = "no schema yet: run `comptoir migrate` (or `comptoir run`, which migrates first)"
    elif revision != newest:
        known = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision
        try:
            known(revision)
            schema = f"at migration {revision}, not {newest}: run `comptoir migrate`"
        except Exception:  # noqa: BLE001 — alembic raises its own errors for an unknown revision
            schema = f"at migration {revision}, which this Comptoir does not know: a newer version migrated it"
    else:
        schema = None
    return Probe(where, schema=schema, read_only=read_only, revision=revision)


async def _revision(conn) -> str | None:
    try:
        await conn.begin()
        return await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except (OperationalError, ProgrammingError):  # no such table: never migrated
        return None
    finally:
        await conn.rollback()


async def _read_only(conn, has_schema: bool) -> str | None:
    """None if a write goes through (then rolled back): the runtime's kind of write once there is a schema, else the
    migration's kind."""
    statement = ("UPDATE alembic_version SET version_num = version_num" if has_schema
                 else "CREATE TABLE comptoir_write_probe (id INTEGER)")
    try:
        await conn.begin()
        await conn.execute(text(statement))
    except DBAPIError as error:
        return f"a write was refused ({str(error.orig).splitlines()[0]})"
    finally:
        await conn.rollback()
    return None
