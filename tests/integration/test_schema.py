"""The Alembic migrations build exactly the schema the code declares."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import connect
from storage.migrate import upgrade_async
from storage.tables import metadata


async def test_upgrade_head_on_an_empty_database_matches_the_models(empty_database):
    await upgrade_async(empty_database)
    engine = connect(empty_database)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), metadata))
    finally:
        await engine.dispose()
    assert set(metadata.tables) <= tables
    assert diff == []


async def test_upgrading_twice_is_harmless(empty_database):
    await upgrade_async(empty_database)
    await upgrade_async(empty_database)
