"""Accounts cannot be taken by a link: a /link code is only a question on the other platform, naming the account
it joins; it works only across platforms, only for minutes, never moves an identity away from its own orders,
and nobody holds more than a few. Replayed through python-telegram-bot on the fake Bot API (and discord.py on
simcord for the other side)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.tables import link_codes
from tests.e2e.discord_world import discord_world
from tests.e2e.telegram_shop import started, text_of
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_discord_orders import met, private_answer
from tests.e2e.test_telegram_moderation import ask
from tests.e2e.test_telegram_orders import paid_order

BEN, ANA, EVE = 100, 200, 300
LIFETIME, MOST = timedelta(minutes=10), 3


async def code_of(world, platform: str, external_id: str, name: str) -> str:
    """A code made on `platform` by the account of that identity (created if new)."""
    async with world.rt.store.unit_of_work() as uow:
        account = await uow.accounts.ensure(platform, external_id, name=name, chat_id=external_id)
        await uow.commit()
    return await world.rt.people.new_link_code(account.id, platform, LIFETIME, MOST)


async def live_codes(world) -> int:
    async with world.rt.store.engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(link_codes))


async def kept(world, code: str) -> bool:
    async with world.rt.store.engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(link_codes).where(link_codes.c.code == code)) == 1


async def test_a_start_link_deep_link_only_asks_naming_the_account_and_moves_nothing_until_pressed(tmp_path):
    async with telegram_world(tmp_path, also_discord=True) as world:
        ben, = await started(world, (BEN, "Ben", "en"))
        before = await world.account(BEN)
        code = await code_of(world, "discord", "4242", "Eve")
        asked = await ask(world, ben, f"/start link_{code}", "joins this Telegram account")
        assert "to the account “Eve”, made on Discord" in text_of(asked)
        assert "Join only if that account is yours." in text_of(asked)
        assert world.buttons(asked) == ["Join “Eve”", "Cancel"]
        assert (await world.account(BEN)).id == before.id  # opening the link joined nothing
        ben.press(asked, world.button(asked, "Cancel"))
        await world.fake.wait_for(lambda: "Cancelled" in (world.fake.message(BEN, asked["message_id"])["text"]))
        assert (await world.account(BEN)).id == before.id


async def test_a_link_code_never_moves_an_identity_away_from_its_own_orders(tmp_path):
    async with telegram_world(tmp_path, also_discord=True) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        before = await world.account(BEN)
        code = await code_of(world, "discord", "4242", "Eve")
        refused = await ask(world, ben, f"/start link_{code}", "orders, offers or discussions of its own")
        assert world.buttons(refused) == []
        forged = ben.press(refused, f"x:link:{code}", check=False)  # pressing a join nobody offered
        await world.fake.wait_for(lambda: world.fake.answer_for(forged))
        assert (await world.account(BEN)).id == before.id
        async with world.rt.store.unit_of_work() as uow:
            assert [o.id for o in await uow.orders_of(before.id)] == [order_id]  # still in his /orders


async def test_a_link_code_is_refused_on_the_platform_that_made_it(tmp_path):
    async with telegram_world(tmp_path, also_discord=True) as world:
        ben, eve = await started(world, (BEN, "Ben", "en"), (EVE, "Eve", "en"))
        made = text_of(await ask(world, eve, "/link", "Your code"))
        code = made.split()[2]
        assert "On Discord, send /link" in made and "within 10 min" in made
        refused = await ask(world, ben, f"/link {code}", "use it there")
        assert text_of(refused) == ("A code joins an account on another platform: use it there, not where you "
                                    "asked for it.")
        assert (await world.account(BEN)).id != (await world.account(EVE)).id


async def test_a_link_code_expires_in_minutes_and_expired_codes_are_purged(tmp_path):
    async with telegram_world(tmp_path, also_discord=True) as world:
        ben, = await started(world, (BEN, "Ben", "en"))
        code = await code_of(world, "discord", "4242", "Eve")
        world.clock.advance(LIFETIME + timedelta(seconds=1))
        refused = await ask(world, ben, f"/link {code}", "unknown or expired")
        assert world.buttons(refused) == []
        assert await kept(world, code)
        await ask(world, ben, "/link", "Your code")  # anyone's new code sweeps the expired ones away
        assert not await kept(world, code) and await live_codes(world) == 1


async def test_nobody_holds_more_than_a_few_link_codes_and_is_told_when_to_ask_again(tmp_path):
    async with telegram_world(tmp_path, also_discord=True) as world:
        eve, = await started(world, (EVE, "Eve", "en"))
        for _ in range(MOST):
            await ask(world, eve, "/link", "Your code")
        world.clock.advance(timedelta(minutes=4))
        for _ in range(47):  # the fifty codes
            told = await ask(world, eve, "/link", "")
        assert text_of(told) == ("You already hold 3 unused codes: use one of them, or ask for a new one in 6 min.")
        assert await live_codes(world) == MOST
        world.clock.advance(timedelta(minutes=6))
        assert "Your code" in text_of(await ask(world, eve, "/link", "Your code"))


async def test_on_discord_a_code_only_asks_and_the_join_is_checked_again_when_pressed(tmp_path):
    async with discord_world(tmp_path) as world:
        eve_code = await code_of(world, "telegram", "300", "Eve")
        ben, = await met(world, "ben")
        before = await world.account(ben)
        asked = await ben.slash(world.channel, "link", code=eve_code)
        assert "to the account “Eve”, made on Telegram" in private_answer(asked)
        world.clock.advance(LIFETIME)  # he reads it slowly: the code is gone when he presses
        await ben.click(asked.response, label="Join “Eve”")
        told = world.now(asked.response.message, world.channel, viewer=ben).content
        assert "unknown or expired" in told
        assert (await world.account(ben)).id == before.id
