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

from core.events import Choice

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


class BriefButton(discord.ui.DynamicItem[discord.ui.Button], template=r"x:brief:(?P<order>[A-Za-z0-9_-]{1,20})"):
    """[Show the brief] under a card: the whole brief and its files, privately (core says who may read it)."""

    def __init__(self, button: discord.ui.Button, order_id: str = "") -> None:
        super().__init__(button)
        self.order_id = order_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> BriefButton:
        return cls(item, match["order"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders

        await orders.guarded(interaction, orders.show_brief(interaction, self.order_id))


class MoreButton(discord.ui.DynamicItem[discord.ui.Button], template=r"x:more:(?P<order>[A-Za-z0-9_-]{1,20})"):
    """[More…] under a card: the same card with its rarely needed buttons too."""

    def __init__(self, button: discord.ui.Button, order_id: str = "") -> None:
        super().__init__(button)
        self.order_id = order_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> MoreButton:
        return cls(item, match["order"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders

        await orders.guarded(interaction, orders.show_more(interaction, self.order_id))


class PaymentButton(discord.ui.DynamicItem[discord.ui.Button],
                    template=r"p:(?P<verb>ok|no):(?P<checkout>[A-Za-z0-9_-]{1,20})"):
    """Confirm payment / Reject on a manual payment's notice to moderators (core refuses anyone else)."""

    def __init__(self, button: discord.ui.Button, verb: str = "ok", checkout: str = "") -> None:
        super().__init__(button)
        self.verb, self.checkout = verb, checkout

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> PaymentButton:
        return cls(item, match["verb"], match["checkout"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import moderation, orders

        await orders.guarded(interaction, moderation.confirm_payment(interaction, self.verb, self.checkout))


class EvidenceButton(discord.ui.DynamicItem[discord.ui.Button], template=r"x:evidence:(?P<order>[A-Za-z0-9_-]{1,20})"):
    """An entry of /disputes: that order's evidence bundle, as a file, privately."""

    def __init__(self, button: discord.ui.Button, order_id: str = "") -> None:
        super().__init__(button)
        self.order_id = order_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match,
                             /) -> EvidenceButton:
        return cls(item, match["order"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import moderation, orders

        await orders.guarded(interaction, moderation.send_evidence(interaction, self.order_id))


class DisputesPage(discord.ui.DynamicItem[discord.ui.Button], template=r"x:disputes:(?P<page>[0-9]{1,4})"):
    """◀ ▶ of /disputes."""

    def __init__(self, button: discord.ui.Button, page: int = 0) -> None:
        super().__init__(button)
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> DisputesPage:
        return cls(item, int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import moderation, orders

        await orders.guarded(interaction, moderation.turn_disputes(interaction, self.page))


class RouteSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"x:route"):
    """Which order a DM is about, when the person has several: the message waits in their dialog."""

    def __init__(self, select: discord.ui.Select) -> None:
        super().__init__(select)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> RouteSelect:
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import chat, orders

        await orders.guarded(interaction, chat.route(interaction, self.item.values[0]))


class DiscussionButton(discord.ui.DynamicItem[discord.ui.Button],
                       template=r"d:(?P<verb>ask|reply|custom):(?P<target>[A-Za-z0-9_-]{1,20})"):
    """Before an order: [Ask the seller a question] on an offer ("d:ask:<offer>"), [Reply] and [Send a
    custom offer] on a discussion's messages ("d:reply|custom:<discussion>"). Core refuses anyone else."""

    def __init__(self, button: discord.ui.Button, verb: str = "ask", target: str = "") -> None:
        super().__init__(button)
        self.verb, self.target = verb, target

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match,
                             /) -> DiscussionButton:
        return cls(item, match["verb"], match["target"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import discussions, orders

        await orders.guarded(interaction, discussions.press(interaction, self.verb, self.target))


class CustomOfferButton(discord.ui.DynamicItem[discord.ui.Button], template=r"c:pay:(?P<custom>[A-Za-z0-9_-]{1,20})"):
    """[Pay] on a custom offer: the buyer's checkout for it (core refuses it to anyone else, once paid or expired)."""

    def __init__(self, button: discord.ui.Button, custom: str = "") -> None:
        super().__init__(button)
        self.custom = custom

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match,
                             /) -> CustomOfferButton:
        return cls(item, match["custom"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders, shop

        await orders.guarded(interaction, shop.begin(interaction, custom_offer_id=self.custom))


class LinkButton(discord.ui.DynamicItem[discord.ui.Button], template=r"l:(?P<verb>ok|no):(?P<code>[A-Z0-9]{1,16})"):
    """[Join …] / [Cancel] under /link CODE's question, which names the account the code joins."""

    def __init__(self, button: discord.ui.Button, verb: str = "no", code: str = "") -> None:
        super().__init__(button)
        self.verb, self.code = verb, code

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> LinkButton:
        return cls(item, match["verb"], match["code"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import commands, orders

        await orders.guarded(interaction, commands.confirm_link(interaction, self.verb, self.code))


PERSISTENT = (OrderButton, OrdersPage, CardLink, BriefButton, MoreButton, PaymentButton, EvidenceButton,
              DisputesPage, RouteSelect, DiscussionButton, CustomOfferButton, LinkButton)

#: core's notice buttons that mean something on Discord, and the item that answers them
CHOICES = (PaymentButton, CardLink, DiscussionButton, CustomOfferButton)
CHOICE_STYLE = {"p:ok:": discord.ButtonStyle.success, "p:no:": discord.ButtonStyle.danger,
                "c:pay:": discord.ButtonStyle.success, "d:custom:": discord.ButtonStyle.primary}


def choice_items(choices: tuple[Choice, ...], lang: str) -> list[discord.ui.DynamicItem]:
    """A notice's own buttons that Discord can answer; the others (Telegram's own steps) are left out
    rather than drawn dead."""
    items = []
    for choice in choices:
        for kind in CHOICES:
            if kind.__discord_ui_compiled_template__.fullmatch(choice.data):
                style = next((style for prefix, style in CHOICE_STYLE.items() if choice.data.startswith(prefix)),
                             discord.ButtonStyle.secondary)
                items.append(kind(discord.ui.Button(label=choice.label.render(lang)[:80], style=style,
                                                    custom_id=choice.data)))
                break
    return items
