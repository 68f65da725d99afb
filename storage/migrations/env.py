"""Alembic environment: runs the migrations on the async engine of the configured database URL."""

import asyncio

from alembic import context

from storage.database import connect
from storage.tables import metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def main() -> None:
    engine = connect(context.config.get_main_option("sqlalchemy.url"))
    try:
        async with engine.connect() as connection:
            if connection.dialect.name == "sqlite":  # before any BEGIN, where SQLite ignores it
                # a batch migration rebuilds a table: SQLite would check the other tables' keys against the one
                # dropped on the way (the connection is disposed of with the engine, never used again)
                connection.sync_connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            await connection.run_sync(run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(main())
