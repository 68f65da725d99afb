"""Database URLs: the ones Comptoir can use, where a SQLite file is, and how to name a database without its password."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SQLITE_EXAMPLE = '"sqlite+aiosqlite:///comptoir.sqlite3"'
POSTGRESQL_EXAMPLE = '"postgresql+asyncpg://user:password@host/database"'


def url_problem(url: str) -> str | None:
    """What is wrong with this database URL, or None: SQLite or PostgreSQL, each through its async driver.
    The message never repeats the URL, which may hold a password."""
    if not re.fullmatch(r"[a-z][a-z0-9+]*://\S*", url):
        return f"must be a database URL such as {SQLITE_EXAMPLE}"
    scheme = url.split("://", 1)[0]
    backend, _, driver = scheme.partition("+")
    if backend == "sqlite" and driver != "aiosqlite":
        return f'"{scheme}://" is not the async driver: write "sqlite+aiosqlite://", e.g. {SQLITE_EXAMPLE}'
    if backend in ("postgresql", "postgres") and driver != "asyncpg":
        return f'"{scheme}://" is not the async driver: write "postgresql+asyncpg://", e.g. {POSTGRESQL_EXAMPLE}'
    if backend not in ("sqlite", "postgresql", "postgres"):
        return (f'"{backend}" databases are not supported: use SQLite ({SQLITE_EXAMPLE}) '
                f"or PostgreSQL ({POSTGRESQL_EXAMPLE})")
    try:
        make_url(url)
    except ValueError:  # the only number in a URL is its port
        port = re.search(r"@[^/]*?:([^/]*)", url)
        shown = f' "{port.group(1)}"' if port else ""
        return f"the port{shown} is not a number (write host:5432)"
    except ArgumentError:
        return f"must be a database URL such as {SQLITE_EXAMPLE}"
    return None


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None: not SQLite, or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:" \
            or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def beside(url: str, directory: Path) -> str:
    """A SQLite URL whose file path is relative, made absolute from this directory (the config file's)."""
    path = sqlite_path(url)
    if path is None or path.is_absolute():
        return url
    return make_url(url).set(database=str((directory / path).resolve())).render_as_string(hide_password=False)


def shown(url: str | URL) -> str:
    """The database as a person may see it in a message or a log: the SQLite file, or PostgreSQL's user@host:port/db
    (never the password)."""
    parsed = make_url(url)
    path = sqlite_path(parsed)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {path}" if path is not None else "SQLite in memory"
    user = f"{parsed.username}@" if parsed.username else ""
    return f"PostgreSQL {user}{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"
