"""Migration 0003 on a database that has people in it: no moderator flag survives it (a role's *name* in any
server may have set one), and what it adds is there for the code that reads it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import inspect, text

from storage.database import connect
from storage.migrate import upgrade_async

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


async def test_upgrading_forgets_every_stored_moderator_flag_and_keeps_the_people(empty_database):
    await upgrade_async(empty_database, "0001")
    engine = connect(empty_database)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO accounts (id, display_name, language, timezone, moderator, suspended, created_at) "
                "VALUES ('eve', 'Eve', 'en', 'UTC', :yes, :no, :at)"), {"yes": True, "no": False, "at": T0})
            await conn.execute(text("INSERT INTO identities (platform, external_id, account_id, chat_id) "
                                    "VALUES ('discord', '42', 'eve', '42')"))
        await upgrade_async(empty_database)
        async with engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("accounts")})
            flags = (await conn.execute(text("SELECT account_id, moderator FROM identities"))).all()
            as_whom = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("audit_log")})
    finally:
        await engine.dispose()
    assert "moderator" not in columns
    assert [(account, bool(flag)) for account, flag in flags] == [("eve", False)]
    assert "as_whom" in as_whom
