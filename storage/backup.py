"""`comptoir backup`: a consistent copy of the SQLite database by SQLite's online backup API, safe while the bot
writes to it (WAL: the copy reads one snapshot, writers go on)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.locations import sqlite_path


class BackupRefused(Exception):
    """Why this backup cannot be made, in one line."""


def backup(url: str, target: str | Path) -> str:
    """Copies the database to `target` (replaced whole, never left half-written); returns what was done."""
    if make_url(url).get_backend_name() != "sqlite":
        raise BackupRefused("the database is PostgreSQL: back it up with pg_dump (docs/operations.md)")
    source = sqlite_path(url)
    if source is None:
        raise BackupRefused("the database is in memory: there is nothing to back up")
    if not source.is_file():
        raise BackupRefused(f"{source} does not exist: check database_url (relative to the config file)")
    target = Path(target).resolve()
    if target == source.resolve():
        raise BackupRefused(f"{target} is the database itself: choose another file")
    if not target.parent.is_dir():
        raise BackupRefused(f"{target.parent} is not a directory")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(source, timeout=30)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer)  # every page in one step: one read transaction, one snapshot
        verdict = writer.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed the integrity check ({verdict})")
        orders = writer.execute("SELECT count(*) FROM orders").fetchone()[0] if writer.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'orders'").fetchone() else 0
        writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the source's mode
    except sqlite3.Error as error:
        failure = BackupRefused(f"SQLite could not copy {source}: {error}")
    else:
        failure = None
    finally:
        writer.close()
        reader.close()
    if failure is not None or not partial.exists():
        partial.unlink(missing_ok=True)
        raise failure or BackupRefused(f"the copy of {source} is gone")
    os.replace(partial, target)
    return f"Backed up {source} to {target}: {target.stat().st_size} bytes, {orders} orders, integrity ok."
