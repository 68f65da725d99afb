"""Integration fixtures: a real database — a SQLite file by default, PostgreSQL when
COMPTOIR_TEST_DATABASE_URL is set — with a fresh schema for every test."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import text

from core.model import Offer, Option
from core.service import Service
from core.settings import Settings
from storage.database import connect, create_schema
from storage.tables import metadata
from storage.unit_of_work import SqlUnitOfWork
from tests.fakes.memory import FakeClock

POSTGRES_URL = os.environ.get("COMPTOIR_TEST_DATABASE_URL")


@pytest.fixture
def database_url(tmp_path):
    return POSTGRES_URL or f"sqlite+aiosqlite:///{tmp_path / 'comptoir.sqlite3'}"


async def reset(url: str) -> None:
    engine = connect(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()


@pytest.fixture
async def empty_database(database_url):
    """A database with no tables at all."""
    if POSTGRES_URL:
        await reset(database_url)
    return database_url


@pytest.fixture
async def engine(empty_database):
    engine = connect(empty_database)
    await create_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def settings():
    return Settings()


@pytest.fixture
def service(engine, clock, settings):
    return Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, settings)


OFFER = Offer("logo", "seller-1", "A logo", "Vector logo", 10_000, "EUR", 3,
              options=(Option("source", "Source files", 1_000, 1),))


async def people(engine, clock, offer: Offer = OFFER) -> dict[str, str]:
    """A buyer and a seller on Telegram, a moderator, and the seller's offer."""
    async with SqlUnitOfWork(engine, clock) as uow:
        buyer = await uow.accounts.ensure("telegram", "100", name="Ben", chat_id="100")
        seller = await uow.accounts.ensure("telegram", "200", name="Ana", chat_id="200")
        mod = await uow.accounts.ensure("telegram", "900", name="Mo", chat_id="900", moderator=True)
        await uow.save_offer(Offer(offer.id, seller.id, offer.title, offer.description, offer.price, offer.currency,
                                   offer.delivery_days, offer.options))
        await uow.commit()
    return {"buyer": buyer.id, "seller": seller.id, "moderator": mod.id}


def short_settings() -> Settings:
    """Every duration shrunk to seconds, as the spec allows for tests."""
    s = timedelta(seconds=1)
    return Settings(acceptance=48 * s, cancellation_answer=48 * s, revision_answer=48 * s, review_window=7 * 24 * s,
                    revision_refused_choice=7 * 24 * s, chat_after_closing=7 * 24 * s, custom_offer=7 * 24 * s,
                    review_period=180 * 24 * s, expiry=150 * 24 * s, day=24 * s, reminders={})
