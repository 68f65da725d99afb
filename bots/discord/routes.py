"""The Discord bot's wiring in one screen: every slash command, every persistent button and select, every modal,
and the handler each goes to (`register`, `on_modal`); their custom ids' formats are in bots.discord.custom_ids.

Buttons and selects are `DynamicItem`s registered once with `client.add_dynamic_items`: their custom id carries
everything, so discord.py matches any pressed one against their templates, whichever process sent the message and
after a restart. A card's button carries core's payload as is and proves nothing: core checks everything again
when it is pressed. Each handler is imported late: the modules that handle them draw these items too.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bots.discord import custom_ids as ids
from core.events import Choice

log = logging.getLogger(__name__)


class OrderButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.ORDER):
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
                 template=ids.ORDERS):
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


class CardLink(discord.ui.DynamicItem[discord.ui.Button], template=ids.CARD):
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


class BriefButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.BRIEF):
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


class MoreButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.MORE):
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
                    template=ids.PAYMENT):
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


class EvidenceButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.EVIDENCE):
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


class DisputesPage(discord.ui.DynamicItem[discord.ui.Button], template=ids.DISPUTES):
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


class RouteSelect(discord.ui.DynamicItem[discord.ui.Select], template=ids.ROUTE):
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
                       template=ids.DISCUSSION):
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


class CustomOfferButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.CUSTOM_OFFER):
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


class LinkButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.LINK):
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


class SellerButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.SELLER):
    """A button of the seller's panel; core refuses anyone but the offer's seller."""

    def __init__(self, button: discord.ui.Button, verb: str = "edit", offer_id: str = "") -> None:
        super().__init__(button)
        self.verb, self.offer_id = verb, offer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> SellerButton:
        return cls(item, match["verb"], match["offer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import offers, orders

        await orders.guarded(interaction, offers.manage(interaction, self.verb, self.offer_id))


class QuestionsSelect(discord.ui.DynamicItem[discord.ui.Select], template=ids.QUESTIONS):
    """Whether buyers may ask the seller questions before they order."""

    def __init__(self, select: discord.ui.Select, offer_id: str = "") -> None:
        super().__init__(select)
        self.offer_id = offer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match, /) -> QuestionsSelect:
        return cls(item, match["offer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import offers, orders

        await orders.guarded(interaction,
                             offers.set_questions(interaction, self.offer_id, self.item.values[0] == "yes"))


class OrderOffer(discord.ui.DynamicItem[discord.ui.Button], template=ids.ORDER_OFFER):
    """[Order] on an offer: opens the buyer's private checkout, or says privately why they cannot order."""

    def __init__(self, button: discord.ui.Button, offer_id: str = "") -> None:
        super().__init__(button)
        self.offer_id = offer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> OrderOffer:
        return cls(item, match["offer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders, shop

        await orders.guarded(interaction, shop.begin(interaction, offer_id=self.offer_id))


class CheckoutControl(discord.ui.DynamicItem[discord.ui.Item], template=ids.CHECKOUT):
    """A button, or the options or tip select, of the buyer's private checkout message."""

    def __init__(self, item: discord.ui.Button | discord.ui.Select, verb: str = "cancel", flow: str = "") -> None:
        super().__init__(item)
        self.verb, self.flow = verb, flow

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match,
                             /) -> CheckoutControl:
        return cls(item, match["verb"], match["flow"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders, shop

        chosen = tuple(getattr(self.item, "values", ()))  # a select's choice; a button has none
        await orders.guarded(interaction, shop.step(interaction, self.verb, self.flow, values=chosen))


class WatchButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.WATCH):
    """[Tell me when it reopens] on a paused offer: told once when it reopens (core.availability)."""

    def __init__(self, button: discord.ui.Button, offer_id: str = "") -> None:
        super().__init__(button)
        self.offer_id = offer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> WatchButton:
        return cls(item, match["offer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders, time_off

        await orders.guarded(interaction, time_off.watch(interaction, self.offer_id))


class DigestButton(discord.ui.DynamicItem[discord.ui.Button], template=ids.DIGEST):
    """[Turn off the morning digest] / [Turn on …] under the Today card and the digest (core.today)."""

    def __init__(self, button: discord.ui.Button, verb: str = "off") -> None:
        super().__init__(button)
        self.verb = verb

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> DigestButton:
        return cls(item, match["verb"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders, today

        await orders.guarded(interaction, today.switch_digest(interaction, self.verb == "on"))


PERSISTENT = (OrderButton, OrdersPage, CardLink, BriefButton, MoreButton, PaymentButton, EvidenceButton,
              DisputesPage, RouteSelect, DiscussionButton, CustomOfferButton, LinkButton, SellerButton,
              QuestionsSelect, OrderOffer, CheckoutControl, WatchButton, DigestButton)


def add_commands(tree: app_commands.CommandTree) -> None:
    """Every slash command, on the client's command tree."""
    from bots.discord import commands, moderation, offers, time_off

    for command in commands.COMMANDS + moderation.COMMANDS + offers.COMMANDS + time_off.COMMANDS:
        tree.add_command(command)


def add_items(client: discord.Client) -> None:
    """Every persistent button and select, so that the buttons of messages sent before this start work too."""
    client.add_dynamic_items(*PERSISTENT)


async def on_modal(interaction: discord.Interaction) -> None:
    """A submitted modal, rebuilt by its handler from its custom id's start (no process keeps one:
    bots.discord.modals)."""
    from bots.discord import discussions, offers, orders, shop

    custom_id = (interaction.data or {}).get("custom_id", "")
    for prefix, reopen in ((ids.ACTION_FORM, orders.reopen), (ids.BRIEF_FORM, shop.reopen),
                           (ids.DISCUSSION_FORM, discussions.reopen), (ids.OFFER_FORM, offers.reopen),
                           (ids.OPTION_FORM, offers.reopen)):
        if custom_id.startswith(prefix):
            await orders.guarded(interaction, reopen(interaction, custom_id))
            return


#: core's notice buttons that mean something on Discord, and the item that answers them
CHOICES = (PaymentButton, CardLink, DiscussionButton, CustomOfferButton, DigestButton)
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
