"""The Today card's poll, shared by both adapters: the morning digests due (through the outbox), then each card out
of date drawn again on every platform its person uses, at most once per debounce (core.today decides what and when;
each adapter's `TodayDesk` draws it its platform's way: pinned on Telegram, in the DMs on Discord)."""

from __future__ import annotations

import logging
from typing import Protocol

from core.people import Account
from core.ports import Undeliverable
from core.today import TodayCard, TodayMessage, Todays

log = logging.getLogger(__name__)


class TodayDesk(Protocol):
    """How one platform shows a person's Today card."""

    platform: str

    async def show(self, account: Account, chat_id: str, card: TodayCard, where: TodayMessage | None,
                   fresh: bool = False) -> TodayMessage:
        """The card in this person's private chat: `where` edited in place (or, when `fresh` or gone, a new message
        in its place); returns where it now is. Raises Undeliverable when it can never be (the bot blocked),
        anything else when the platform refused it for now."""


class TodayPoll:
    """A poll of the scheduler (registered by `Runtime.plug` once, however many adapters show cards)."""

    def __init__(self, todays: Todays, seconds: float, batch: int) -> None:
        self.todays = todays
        self.seconds = seconds  # the scheduler's interval for this poll (today.poll_seconds)
        self.batch = batch
        self.desks: dict[str, TodayDesk] = {}

    async def __call__(self) -> int:
        """Sends the digests due and draws the cards out of date; returns how many people it looked at."""
        looked = await self.todays.digests(self.batch)
        for due in await self.todays.due_cards(self.batch):
            placed, drawn = [], True
            for reader in due.readers:
                desk = self.desks.get(reader.identity.platform)
                if desk is None or reader.identity.chat_id is None:
                    continue  # a platform this process does not run: its own process draws it
                where = next((m for m in due.messages if m.platform == desk.platform), None)
                try:
                    placed.append(await desk.show(reader.account, reader.identity.chat_id, due.card, where))
                except Undeliverable:  # blocked the bot, closed their DMs: nothing to draw there, nor to retry
                    log.info("the Today card of %s on %s cannot be delivered", due.state.account, desk.platform)
                except Exception:  # noqa: BLE001 — one person's platform failing must not hold the others back
                    drawn = False  # still out of date: drawn again after the debounce
                    log.warning("the Today card of %s on %s was not drawn", due.state.account, desk.platform,
                                exc_info=True)
            await self.todays.shown(due.state, placed, drawn)
            looked += 1
        return looked
