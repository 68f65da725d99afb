"""Setting up a database for a benchmark: a fresh schema, people with Telegram identities, an offer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.model import Offer, Option
from storage.database import connect, create_schema
from storage.migrate import upgrade_async
from storage.tables import metadata
from storage.unit_of_work import SqlUnitOfWork

OFFER_ID = "bench-offer"
PRICE = 10_000
OPTION_PRICE = 1_000


async def fresh_schema(url: str, migrated: bool = False) -> None:
    """Drops every table (PostgreSQL: the bench database is reused) and creates the schema: directly, or
    `migrated` through the Alembic migrations as a deployment would (what `comptoir run` expects to find)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    engine = connect(url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.run_sync(metadata.drop_all)
                await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        if migrated:
            await upgrade_async(url)
        else:
            await create_schema(engine)
    finally:
        await engine.dispose()


async def people(engine, clock, buyers: int, sellers: int = 1, first_user_id: int = 1000) -> dict:
    """Buyer and seller accounts, each with a Telegram identity whose chat is its user id,
    and one published offer per seller. Returns ids: {"buyers": [...], "sellers": [...], "offers": [...],
    "buyer_users": [telegram ids], "seller_users": [...]}."""
    out = {"buyers": [], "sellers": [], "offers": [], "buyer_users": [], "seller_users": []}
    user_id = first_user_id
    async with SqlUnitOfWork(engine, clock) as uow:
        for kind, count in (("sellers", sellers), ("buyers", buyers)):
            for i in range(count):
                account = await uow.accounts.ensure("telegram", str(user_id), name=f"{kind[:-1]} {i}",
                                                    chat_id=str(user_id))
                out[kind].append(account.id)
                out[f"{kind[:-1]}_users"].append(user_id)
                user_id += 1
        for i, seller in enumerate(out["sellers"]):
            offer_id = f"{OFFER_ID}-{i}"
            await uow.save_offer(Offer(offer_id, seller, "A logo", "A vector logo", PRICE, "EUR", 3,
                                       options=(Option("source", "Source files", OPTION_PRICE, 1),)))
            out["offers"].append(offer_id)
        await uow.commit()
    return out
