"""Ordering an offer on Discord: the [Order] button, then options, tip, brief and a summary, privately.

The [Order] button ("f:order:<offer id>") is persistent: it sits on shared offers and /offers. The choice
itself is made on the buyer's private message (options as a multi-select, the tip as a select, the brief
through a modal) and checked by core when [Confirm order] is pressed (Service.checkout), then again when
the payment is confirmed. Discord has no payments for bots: the configured provider is `manual`, and a
moderator confirms the money arrived (core's notice, with the PaymentButton of bots.discord.buttons).
"""

from __future__ import annotations

import discord

from bots.discord import orders
from bots.discord.cards import clip
from bots.discord.context import Person, person, runtime
from bots.discord.modals import MAX_FILES, TEXT_LIMIT, file_ref
from core.checkout import quote, tip_choices
from core.events import Refusal
from core.i18n import N_, Money
from core.model import Offer

FLOW_TIMEOUT = 30 * 60
LABEL_LIMIT = 45


class OrderOffer(discord.ui.DynamicItem[discord.ui.Button], template=r"f:order:(?P<offer>[A-Za-z0-9_-]{1,20})"):
    """[Order] on an offer: opens the buyer's private checkout, or says privately why they cannot order."""

    def __init__(self, button: discord.ui.Button, offer_id: str = "") -> None:
        super().__init__(button)
        self.offer_id = offer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match, /) -> OrderOffer:
        return cls(item, match["offer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await orders.guarded(interaction, begin(interaction, self.offer_id))


async def begin(interaction: discord.Interaction, offer_id: str) -> None:
    who = await person(interaction)
    if who is None:
        return
    found = await runtime(interaction).storefront.orderable(who.viewer, offer_id)
    if isinstance(found, Refusal):
        await orders.tell(interaction, found.render(who.lang))
        return
    flow = Checkout(who, found, runtime(interaction).config.settings.tip_cap_percent)
    await interaction.response.send_message(embed=flow.embed(), view=flow, ephemeral=True)


class Checkout(discord.ui.View):
    """One buyer's choice for one offer, on their private message (it lives as long as that message)."""

    def __init__(self, who: Person, offer: Offer, tip_cap: int) -> None:
        super().__init__(timeout=FLOW_TIMEOUT)
        self.who, self.offer, self.tip_cap = who, offer, tip_cap
        self.options: list[str] = []
        self.percent = 0
        self.brief, self.files = "", ()
        self.step = "choose"
        self.draw()

    # what is chosen

    def money(self, amount: int) -> str:
        return Money(amount, self.offer.currency).render(self.who.lang)

    def tips(self) -> dict[int, int]:
        return dict(tip_choices(quote(self.offer, tuple(self.options), 0), self.tip_cap))

    @property
    def tip(self) -> int:
        return self.tips().get(self.percent, 0)

    def embed(self) -> discord.Embed:
        t, offer = self.who.t, self.offer
        names = [o.title for o in offer.options if o.id in self.options]
        lines = [t(N_("Options: {options}"), options=", ".join(names) or t(N_("none"))),
                 t(N_("Tip: {tip}"), tip=self.money(self.tip))]
        if self.step == "summary":
            brief = clip(self.brief, 300)
            lines += [t(N_("Brief: {brief}"), brief=brief or t(N_("(empty: you can still write it after paying)"))),
                      t(N_("Files: {count}"), count=len(self.files))]
        lines.append(t(N_("Total to pay: {total}"), total=self.money(quote(offer, tuple(self.options), self.tip))))
        if self.step == "choose":
            lines += ["", t(N_("Choose your options and a tip, then write your brief."))]
        else:
            lines += ["", t(N_("The payment is confirmed by a moderator: you will be told how to pay."))]
        return discord.Embed(title=clip(t(N_("Your order: “{title}”"), title=offer.title), 256),
                             description=clip("\n".join(lines), 4096))

    # what is drawn

    def draw(self) -> None:
        self.clear_items()
        t = self.who.t
        if self.step == "choose":
            if self.offer.options:
                select = discord.ui.Select(
                    custom_id="options", min_values=0, max_values=len(self.offer.options), row=0,
                    placeholder=t(N_("Options")),
                    options=[discord.SelectOption(label=clip(f"{o.title} (+{self.money(o.price)})", 100), value=o.id,
                                                  default=o.id in self.options) for o in self.offer.options])
                select.callback = self.on_options
                self.add_item(select)
            tip = discord.ui.Select(
                custom_id="tip", row=1, placeholder=t(N_("Add a tip for the seller?")),
                options=[discord.SelectOption(label=t(N_("No tip")) if p == 0 else f"{p} % (+{self.money(a)})",
                                              value=str(p), default=p == self.percent)
                         for p, a in self.tips().items()])
            tip.callback = self.on_tip
            self.add_item(tip)
            self.button(N_("Write the brief"), "brief", self.on_brief, discord.ButtonStyle.primary)
        else:
            total = self.money(quote(self.offer, tuple(self.options), self.tip))
            self.button(t(N_("Confirm order ({total})"), total=total), "confirm", self.on_confirm,
                        discord.ButtonStyle.success, translated=True)
            self.button(N_("Back"), "back", self.on_back)
        self.button(N_("Cancel"), "cancel", self.on_cancel, discord.ButtonStyle.danger)

    def button(self, label: str, key: str, callback, style=discord.ButtonStyle.secondary,
               translated: bool = False) -> None:
        item = discord.ui.Button(label=clip(label if translated else self.who.t(label), 80), custom_id=key,
                                 style=style, row=2)
        item.callback = callback
        self.add_item(item)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.who.user_id

    async def on_error(self, interaction: discord.Interaction, error: Exception, item) -> None:
        await orders.failed(interaction, error)

    async def redraw(self, interaction: discord.Interaction, content: str | None = None) -> None:
        self.draw()
        await interaction.response.edit_message(content=content, embed=self.embed(), view=self)

    # what the buyer does

    async def on_options(self, interaction: discord.Interaction) -> None:
        picked = set(interaction.data.get("values", []))
        self.options = [o.id for o in self.offer.options if o.id in picked]
        await self.redraw(interaction)

    async def on_tip(self, interaction: discord.Interaction) -> None:
        values = interaction.data.get("values", [])
        self.percent = int(values[0]) if values and values[0].isdigit() else 0
        await self.redraw(interaction)

    async def on_brief(self, interaction: discord.Interaction) -> None:
        limit = runtime(interaction).config.settings.max_text
        await interaction.response.send_modal(BriefModal(self, limit))

    async def on_back(self, interaction: discord.Interaction) -> None:
        self.step = "choose"
        await self.redraw(interaction)

    async def on_cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content=self.who.t(N_("Cancelled: nothing was ordered.")),
                                                embed=None, view=None)

    async def on_confirm(self, interaction: discord.Interaction) -> None:
        """Core checks the whole choice now (the offer may have been paused since): a checkout waiting for
        a moderator to confirm the payment, or the reason it cannot be."""
        rt = runtime(interaction)
        checkout = await rt.service.checkout(self.who.viewer, rt.config.discord.payment, offer_id=self.offer.id,
                                             options=tuple(self.options), tip=self.tip, brief=self.brief,
                                             files=tuple(self.files))
        if isinstance(checkout, Refusal):
            await self.redraw(interaction, clip(checkout.render(self.who.lang), 2000))
            return
        self.stop()
        total = Money(checkout.amount, checkout.currency).render(self.who.lang)
        await interaction.response.edit_message(content=self.who.t(
            N_("Your order will be placed as soon as a moderator confirms your payment of {total}. "
               "Mention the reference {reference} with your payment."), total=total, reference=checkout.id),
            embed=None, view=None)


class BriefModal(discord.ui.Modal):
    """The brief: everything the seller needs to know, and files (optional: it can be written after paying)."""

    def __init__(self, flow: Checkout, limit: int) -> None:
        t = flow.who.t
        super().__init__(title=clip(t(N_("Brief")), LABEL_LIMIT), timeout=FLOW_TIMEOUT)
        self.flow = flow
        self.text = discord.ui.TextInput(custom_id="text", required=False, default=flow.brief or None,
                                         style=discord.TextStyle.paragraph, max_length=min(limit, TEXT_LIMIT))
        self.add_item(discord.ui.Label(text=clip(t(N_("Brief")), LABEL_LIMIT),
                                       description=t(N_("Everything the seller needs to know; files are welcome.")),
                                       component=self.text))
        self.files = discord.ui.FileUpload(custom_id="files", required=False, min_values=0, max_values=MAX_FILES)
        self.add_item(discord.ui.Label(text=t(N_("Files (optional)")), component=self.files))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        flow = self.flow
        flow.brief = (self.text.value or "").strip()
        flow.files = tuple(file_ref(a) for a in self.files.values)
        flow.step = "summary"
        await flow.redraw(interaction)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await orders.failed(interaction, error)


PERSISTENT = (OrderOffer,)
