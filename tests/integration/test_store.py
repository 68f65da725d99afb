"""The store as the runtime sees it: whether its database answers, asked of storage (the health check's probe)."""

import pytest

from storage.store import Store
from tests.fakes.memory import FakeClock


async def test_a_store_whose_database_has_its_tables_answers(empty_database):
    store = Store(empty_database, FakeClock())
    try:
        await store.create_schema()
        await store.answers()
    finally:
        await store.close()


async def test_a_store_whose_database_has_no_tables_does_not_answer(empty_database):
    store = Store(empty_database, FakeClock())
    try:
        with pytest.raises(Exception, match="orders"):
            await store.answers()
    finally:
        await store.close()
