"""`comptoir copy-to`: every table of this database into an empty PostgreSQL database, checked by row counts and a
checksum per table. The way a community's desk grows from one SQLite file to PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from storage.database import connect
from storage.locations import shown, url_problem
from storage.migrate import upgrade_async
from storage.probe import head, probe, why
from storage.tables import metadata

BATCH = 2_000


class CopyRefused(Exception):
    """Why the copy cannot be made (or did not check out), in one line."""


async def copy_to(source_url: str, target_url: str) -> list[str]:
    """Copies every table; returns a line per table (rows, checksum) and a summary. Nothing is written to a target
    that holds data; the copy is one transaction, so a failed one leaves the target's tables empty."""
    problem = url_problem(target_url)
    if problem:
        raise CopyRefused(f"the target URL: {problem}")
    if make_url(target_url).get_backend_name() != "postgresql":
        raise CopyRefused('the target must be PostgreSQL ("postgresql+asyncpg://user:password@host/database")')
    found = await probe(source_url)
    if found.unreachable or found.schema:
        raise CopyRefused(f"the source, {found.where}: {found.unreachable or found.schema}")
    target = connect(target_url)
    try:
        try:
            await _refuse_data(target)
            await upgrade_async(target_url)
        except CopyRefused:
            raise
        except Exception as error:
            reason = why(error, target_url)
            if reason is None:
                raise
            raise CopyRefused(f"the target: {reason.removeprefix('database: ')}") from None
        source = connect(source_url)
        try:
            await _copy(source, target)
            lines = await _verify(source, target)
        finally:
            await source.dispose()
    finally:
        await target.dispose()
    total = sum(int(line.split(": ")[1].split()[0]) for line in lines)
    return lines + [f"Copied {total} rows of {len(lines)} tables from {found.where} to {shown(target_url)} "
                    f"(migration {head()}); counts and checksums match. Point database_url at it and start "
                    "`comptoir run`."]


async def _refuse_data(target) -> None:
    async with target.connect() as conn:
        existing = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        for table in metadata.sorted_tables:
            if table.name in existing:
                rows = await conn.scalar(select(func.count()).select_from(table))
                if rows:
                    raise CopyRefused(f"the target already holds data ({rows} rows in {table.name}): copy-to only "
                                      "fills an empty database")


async def _copy(source, target) -> None:
    async with target.begin() as out:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns)
            offset = 0
            async with source.connect() as conn:
                while True:
                    rows = (await conn.execute(select(table).order_by(*order).limit(BATCH).offset(offset))).mappings().all()
                    if rows:
                        await out.execute(table.insert(), [dict(row) for row in rows])
                    if len(rows) < BATCH:
                        break
                    offset += BATCH
            serial = [column for column in table.primary_key.columns if column.autoincrement is True]
            for column in serial:  # rows came with their ids: the sequence continues after the highest
                await out.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"))


async def _verify(source, target) -> list[str]:
    lines = []
    for table in metadata.sorted_tables:
        before, after = await _fingerprint(source, table), await _fingerprint(target, table)
        if before != after:
            raise CopyRefused(f"{table.name} differs after the copy ({before[0]} rows and checksum {before[1][:12]} "
                              f"in the source, {after[0]} and {after[1][:12]} in the target)")
        lines.append(f"{table.name}: {before[0]} rows, checksum {before[1][:16]}")
    return lines


async def _fingerprint(engine, table) -> tuple[int, str]:
    """(rows, checksum): the sum of each row's SHA-256 over its values as read back through the schema's types (so
    SQLite's and PostgreSQL's storage of a time or a JSON value compare equal), independent of row order."""
    total, count = 0, 0
    async with engine.connect() as conn:
        for row in (await conn.execute(select(table))).all():
            digest = hashlib.sha256(json.dumps([_plain(value) for value in row], sort_keys=True,
                                               ensure_ascii=False).encode()).digest()
            total = (total + int.from_bytes(digest, "big")) % (1 << 256)
            count += 1
    return count, f"{total:064x}"


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value
