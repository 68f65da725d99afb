"""Persistent buttons: their custom id carries everything, so they keep working after a restart.

They are `DynamicItem`s registered once with `client.add_dynamic_items`: discord.py matches any
pressed custom id against their templates, whichever process sent the message. A card's button
carries core's payload as is (`o:<order>:<action>:<version>`) and proves nothing: core checks
everything again when it is pressed. The template takes any `o:` id, forged ones included, so
that a bad one is answered (core says it is not valid) rather than left unanswered.
"""

from __future__ import annotations

import logging

import discord

log = logging.getLogger(__name__)


class OrderButton(discord.ui.DynamicItem[discord.ui.Button], template=r"o:.*"):
    """A button of an order card."""

    def __init__(self, button: discord.ui.Button) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> OrderButton:
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders  # late: orders draws the cards these buttons sit on

        await orders.guarded(interaction, orders.press(interaction, self.item.custom_id))


class OrdersPage(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"x:(?:orders|page):(?P<which>[a-z]{1,10}):(?P<page>[0-9]{1,4})"):
    """A filter or page button of /orders (`orders` for the filters, `page` for ◀ ▶: ids stay unique)."""

    def __init__(self, button: discord.ui.Button, which: str = "act", page: int = 0) -> None:
        super().__init__(button)
        self.which, self.page = which, page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> OrdersPage:
        return cls(item, match["which"], int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders

        await orders.guarded(interaction, orders.turn_page(interaction, self.which, self.page))


class CardLink(discord.ui.DynamicItem[discord.ui.Button], template=r"x:card:(?P<order>[A-Za-z0-9_-]{1,20})"):
    """An entry of /orders: shows that order's card."""

    def __init__(self, button: discord.ui.Button, order_id: str = "") -> None:
        super().__init__(button)
        self.order_id = order_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> CardLink:
        return cls(item, match["order"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders

        await orders.guarded(interaction, orders.show_card(interaction, self.order_id))


PERSISTENT = (OrderButton, OrdersPage, CardLink)
