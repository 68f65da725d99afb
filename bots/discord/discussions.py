"""Talking before an order on Discord: a buyer's question, the seller's answer, the custom offer made from it.

Each message is typed in a modal opened by a persistent button (bots.discord.routes.DiscussionButton):
[Ask the seller a question] on an offer, [Reply] and [Send a custom offer] on the messages the relay
brings by DM. The messages travel through core and the outbox like every notice, so the other party
hears on whatever platform they are (a buyer on Telegram, a seller on Discord). Core decides who may
ask, answer or make an offer, before the modal opens and again when it is sent.
"""

from __future__ import annotations

import discord

from bots.discord import custom_ids as ids
from bots.discord import orders
from bots.discord.cards import clip
from bots.discord.context import Person, resolved, runtime
from bots.discord.modals import LABEL_LIMIT, TEXT_LIMIT, dispatch_submit, open_unkept
from bots.discord.offers import read_terms, typed_amount
from core import offers as rules
from core.events import Refusal
from core.i18n import N_, Money
from core.model import Offer

FORM_TIMEOUT = 30 * 60
#: the modal's title and its field, for a question and for an answer
MESSAGE_FORM = {
    "ask": (N_("Ask the seller a question"), N_("The seller's answer comes to you by direct message.")),
    "reply": (N_("Reply"), None),
}


async def press(interaction: discord.Interaction, verb: str, target: str) -> None:
    """Ask (target: an offer), Reply or Send a custom offer (target: a discussion): the modal to write it
    in, or core's reason why not, privately (someone else's discussion, questions switched off...)."""
    who = resolved(interaction)
    modal = await form(interaction, who, verb, target)
    if isinstance(modal, Refusal):
        await orders.tell(interaction, modal.render(who.lang))
        return
    await open_unkept(interaction, modal)


async def reopen(interaction: discord.Interaction, custom_id: str) -> None:
    """A submitted modal of a discussion (`d:form:<verb>:<target>:<user>`), rebuilt (none is kept in memory:
    bots.discord.modals) and submitted as usual."""
    who = resolved(interaction)
    verb, target = ids.discussion_form_of(custom_id)
    modal = await form(interaction, who, verb, target) if verb in ("ask", "reply", "custom") and target else None
    if modal is None:
        await orders.tell(interaction, who.t(N_("This button is not valid.")))
    elif isinstance(modal, Refusal):
        await orders.tell(interaction, modal.render(who.lang))
    else:
        await dispatch_submit(modal, interaction)


async def form(interaction: discord.Interaction, who: Person, verb: str,
               target: str) -> MessageModal | CustomOfferModal | Refusal:
    """The modal of this button, for this person; or core's reason why they may not write it."""
    rt = runtime(interaction)
    if verb == "ask":
        offer = await rt.storefront.askable(target, who.viewer)
    elif verb == "reply":
        offer = await rt.storefront.discussed_offer(target, who.viewer)
    else:
        offer = await rt.storefront.custom_offer_draft(target, who.viewer)
    if isinstance(offer, Refusal):
        return offer
    if verb == "custom":
        return CustomOfferModal(who, target, offer)
    return MessageModal(who, verb, target, offer, rt.config.settings.max_text)


class MessageModal(discord.ui.Modal):
    """A question to an offer's seller, or an answer to the discussion's other party."""

    def __init__(self, who: Person, verb: str, target: str, offer: Offer, max_text: int) -> None:
        title, description = MESSAGE_FORM[verb]
        super().__init__(title=clip(f"{who.t(title)} · {offer.title}", LABEL_LIMIT),
                         custom_id=ids.discussion_form(verb, target, who.user_id), timeout=FORM_TIMEOUT)
        self.verb, self.target = verb, target
        self.text = discord.ui.TextInput(custom_id="text", style=discord.TextStyle.paragraph,
                                         max_length=min(max_text, TEXT_LIMIT))
        self.add_item(discord.ui.Label(text=clip(who.t(N_("Your message")), LABEL_LIMIT),
                                       description=who.t(description) if description else None, component=self.text))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await orders.guarded(interaction, send(interaction, self))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await orders.failed(interaction, error)


async def send(interaction: discord.Interaction, modal: MessageModal) -> None:
    """Core relays it (masking contact details) or says why not; nothing is sent on a refusal."""
    who = resolved(interaction)
    rt = runtime(interaction)
    if modal.verb == "ask":
        result = await rt.storefront.ask(modal.target, who.viewer, modal.text.value or "")
    else:
        result = await rt.storefront.say(modal.target, who.viewer, modal.text.value or "")
    if isinstance(result, Refusal):
        await orders.tell(interaction, result.render(who.lang))
        return
    await orders.tell(interaction, who.t(N_("Sent: the answer will come to you by direct message.")))


class CustomOfferModal(discord.ui.Modal):
    """A custom offer for the discussion's buyer: its title, price, delivery time and what it includes."""

    def __init__(self, who: Person, discussion_id: str, offer: Offer) -> None:
        t = who.t
        super().__init__(title=clip(t(N_("Send a custom offer")), LABEL_LIMIT),
                         custom_id=ids.discussion_form("custom", discussion_id, who.user_id), timeout=FORM_TIMEOUT)
        self.discussion_id, self.currency = discussion_id, offer.currency

        def field(label: str, component: discord.ui.TextInput, description: str | None = None) -> None:
            self.add_item(discord.ui.Label(text=clip(label, LABEL_LIMIT), description=description,
                                           component=component))

        self.title_in = discord.ui.TextInput(custom_id="title", default=offer.title[:rules.TITLE_MAX],
                                             max_length=rules.TITLE_MAX)
        self.price = discord.ui.TextInput(custom_id="price", max_length=20,
                                          placeholder=typed_amount(offer.price, offer.currency))
        self.days = discord.ui.TextInput(custom_id="days", max_length=4, placeholder=str(offer.delivery_days))
        self.description = discord.ui.TextInput(custom_id="description", style=discord.TextStyle.paragraph,
                                                max_length=rules.DESCRIPTION_MAX)
        field(t(N_("Title")), self.title_in)
        field(t(N_("Price ({currency})"), currency=offer.currency), self.price)
        field(t(N_("Delivery time, in days")), self.days)
        field(t(N_("What the buyer gets")), self.description, t(N_("The buyer can pay it once, until it expires.")))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await orders.guarded(interaction, make_offer(interaction, self))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await orders.failed(interaction, error)


async def make_offer(interaction: discord.Interaction, modal: CustomOfferModal) -> None:
    """The typed terms, checked as core checks them; core makes the offer and tells the buyer (outbox)."""
    who = resolved(interaction)
    fields, problem = read_terms(modal.title_in.value, modal.description.value, modal.price.value,
                                 modal.days.value, modal.currency)
    if problem is not None:
        await orders.tell(interaction, problem.render(who.lang))
        return
    custom = await runtime(interaction).storefront.send_custom_offer(modal.discussion_id, who.viewer, **fields)
    if isinstance(custom, Refusal):
        await orders.tell(interaction, custom.render(who.lang))
        return
    await orders.tell(interaction, who.t(N_("Sent: the buyer can now pay “{title}” ({price})."), title=custom.title,
                                         price=Money(custom.price, custom.currency).render(who.lang)))
