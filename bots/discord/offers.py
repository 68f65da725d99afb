"""Offers on Discord: /offer create|edit|pause|resume|share for sellers; /offers <member> and /offer view <id>
(an id or link shared from any platform) for buyers.

Every rule (limits, who may change an offer, who may see or order it) is core's (core.storefront and
core.offers); this only reads modals and draws embeds and buttons. Buttons are persistent DynamicItems:
"f:<verb>:<offer id>" for the seller's panel, "f:order:<offer id>" (bots.discord.shop) and "d:ask:<offer id>"
(bots.discord.discussions) for buyers.
"""

from __future__ import annotations

from dataclasses import replace

import discord
from discord import app_commands
from discord.app_commands import Choice

from bots.discord import orders
from bots.discord import custom_ids as ids
from bots.discord.routes import DiscussionButton, OrderOffer, QuestionsSelect, SellerButton
from bots.discord.cards import clip
from bots.discord.commands import localized
from bots.discord.modals import dispatch_submit, open_unkept
from bots.discord.time_off import watch_button
from bots.discord.context import PLATFORM, Person, resolved, runtime
from bots.parsing import offer_id as typed_offer_id
from bots.parsing import parse_amount, parse_days, whole_number
from bots.render import days_text, open_on_discord, zone
from core import offers as rules
from core.events import Refusal
from core.i18n import N_, ZERO_DECIMALS, Money, Text, translate
from core.model import Offer, Option, Viewer
from core.ports import new_id

#: a new offer is priced in what the bot can take: on Discord, euros confirmed by a moderator (as Telegram's manual)
CURRENCY = {"manual": "EUR"}
LABEL_LIMIT = 45
MAX_SHOWN = 10  # embeds in one message


def offer_embed(offer: Offer, lang: str, note: str = "") -> discord.Embed:
    """An offer as a buyer reads it: its title, what it is, price, delivery time, revisions, options."""
    t = lambda msgid, **kw: translate(msgid, lang).format(**kw)  # noqa: E731
    lines = [offer.description, "",
             t(N_("Price: {price}"), price=Money(offer.price, offer.currency).render(lang)),
             t(N_("Delivery time: {days}"), days=days_text(offer.delivery_days, lang)),
             t(N_("Revisions: unlimited")) if offer.revisions is None
             else t(N_("Revisions: {count}"), count=offer.revisions)]
    if offer.options:
        lines.append(t(N_("Options:")))
        lines += [t(N_("• {title}: +{price}, +{days}"), title=o.title,
                    price=Money(o.price, offer.currency).render(lang), days=days_text(o.extra_days, lang))
                  for o in offer.options]
    if note:
        lines += ["", note]
    embed = discord.Embed(title=clip(offer.title, 256), description=clip("\n".join(lines), 4096))
    embed.set_footer(text=t(N_("Offer {id}"), id=offer.id))
    return embed


def typed_amount(amount: int, currency: str) -> str:
    """An amount as the seller would type it again: 12.50 (Stars have no decimals)."""
    return str(amount) if currency in ZERO_DECIMALS else f"{amount // 100}.{amount % 100:02d}"


def order_button(offer: Offer, lang: str, label: str | None = None) -> discord.ui.DynamicItem:

    return OrderOffer(discord.ui.Button(label=clip(label or translate(N_("Order now"), lang), 80),
                                        style=discord.ButtonStyle.success, custom_id=ids.order_offer(offer.id)))


def buyer_buttons(offer: Offer, actions: tuple[str, ...], lang: str, titled: bool = False) -> list[discord.ui.Item]:
    """[Order now] (or, paused, [Tell me when it reopens]) and, when the seller takes questions, [Ask the seller a
    question] (titled: several offers in one message, each button names its offer)."""
    t = lambda msgid: translate(msgid, lang).format(title=offer.title)  # noqa: E731
    buttons = []
    if rules.ORDER in actions:
        buttons.append(order_button(offer, lang, t(N_("Order: {title}")) if titled else None))
    if rules.WATCH in actions:
        buttons.append(watch_button(offer.id, offer.title, lang, titled))
    if rules.ASK in actions:
        label = t(N_("Ask about: {title}")) if titled else t(N_("Ask the seller a question"))
        buttons.append(DiscussionButton(discord.ui.Button(label=clip(label, 80), custom_id=ids.ask(offer.id))))
    return buttons


# --- the seller's forms ------------------------------------------------------------------------------

def read_terms(title: str, description: str, price: str, days: str, currency: str) -> tuple[dict, Text | None]:
    """An offer's (or a custom offer's) typed terms, checked as core checks them: (fields, first problem)."""
    title, description = title.strip(), description.strip()
    problem = rules.check_title(title) or rules.check_description(description)
    if problem:
        return {}, problem
    amount = parse_amount(price, currency)
    if amount is None:
        return {}, Text.of(N_("That is not a price: write it like {example}."), example="12.50")
    delivery_days = parse_days(days)
    if delivery_days is None:
        return {}, Text.of(N_("Please write a whole number of days, like 3."))
    fields = {"title": title, "description": description, "price": amount, "delivery_days": delivery_days}
    return fields, rules.check_price(amount) or rules.check_days(delivery_days)


class OfferModal(discord.ui.Modal):
    """A new offer, or an offer's new version (prefilled): title, description, price, days, revisions."""

    def __init__(self, lang: str, currency: str, offer: Offer | None = None) -> None:
        t = lambda msgid: translate(msgid, lang)  # noqa: E731
        super().__init__(title=clip(t(N_("Edit your offer")) if offer else t(N_("New offer")), LABEL_LIMIT),
                         custom_id=ids.offer_form(offer.id if offer else None), timeout=30 * 60)
        self.offer, self.lang = offer, lang

        def field(key: str, label: str, default: str | None, **kw) -> discord.ui.TextInput:
            text = discord.ui.TextInput(custom_id=key, default=default, **kw)
            self.add_item(discord.ui.Label(text=clip(label, LABEL_LIMIT), component=text))
            return text

        self.title_in = field("title", t(N_("Title")), offer.title if offer else None, max_length=rules.TITLE_MAX)
        self.description = field("description", t(N_("What the buyer gets")), offer.description if offer else None,
                                 style=discord.TextStyle.paragraph, max_length=rules.DESCRIPTION_MAX)
        self.price = field("price", t(N_("Price ({currency})")).format(currency=currency),
                           typed_amount(offer.price, currency) if offer else None, max_length=20, placeholder="12.50")
        self.days = field("days", t(N_("Delivery time, in days")), str(offer.delivery_days) if offer else None,
                          max_length=4, placeholder="3")
        self.revisions = field("revisions", t(N_("Revisions included (blank: unlimited)")),
                               "" if offer is None or offer.revisions is None else str(offer.revisions),
                               required=False, max_length=2, placeholder="2")

    def read(self, currency: str) -> tuple[dict, Text | None]:
        """The typed values, checked as core checks them; or the first problem."""
        fields, problem = read_terms(self.title_in.value, self.description.value, self.price.value,
                                     self.days.value, currency)
        if problem:
            return {}, problem
        revisions = None
        if self.revisions.value.strip():
            revisions = whole_number(self.revisions.value.strip(), 2)
            if revisions is None:
                return {}, Text.of(N_("Revisions: write a whole number, like 2, or leave it blank for unlimited."))
        return {**fields, "revisions": revisions}, rules.check_revisions(revisions)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await orders.guarded(interaction, submit_offer(interaction, self))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await orders.failed(interaction, error)


class OptionModal(discord.ui.Modal):
    """One more option of an offer: its title, price and extra days."""

    def __init__(self, lang: str, offer: Offer) -> None:
        t = lambda msgid: translate(msgid, lang)  # noqa: E731
        super().__init__(title=clip(t(N_("Add an option")), LABEL_LIMIT), custom_id=ids.option_form(offer.id),
                         timeout=30 * 60)
        self.offer_id = offer.id
        self.title_in = discord.ui.TextInput(custom_id="title", max_length=rules.TITLE_MAX)
        self.price = discord.ui.TextInput(custom_id="price", max_length=20, placeholder="12.50")
        self.days = discord.ui.TextInput(custom_id="days", max_length=3, required=False, placeholder="0")
        for text, component in ((t(N_("Title")), self.title_in),
                                (t(N_("Price ({currency})")).format(currency=offer.currency), self.price),
                                (t(N_("Extra days it needs (blank: none)")), self.days)):
            self.add_item(discord.ui.Label(text=clip(text, LABEL_LIMIT), component=component))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await orders.guarded(interaction, submit_option(interaction, self))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await orders.failed(interaction, error)


async def reopen(interaction: discord.Interaction, custom_id: str) -> None:
    """A submitted offer or option modal (`f:form:[<offer>]`, `f:optform:<offer>`), rebuilt (none is kept in
    memory: bots.discord.modals) from the offer as it is now, and submitted as usual."""
    who = resolved(interaction)
    rt = runtime(interaction)
    if custom_id == ids.OFFER_FORM:
        await dispatch_submit(OfferModal(who.lang, CURRENCY[rt.config.discord.payment]), interaction)
        return
    option = custom_id.startswith(ids.OPTION_FORM)
    offer = await rt.storefront.editable(custom_id.removeprefix(ids.OPTION_FORM if option else ids.OFFER_FORM),
                                          who.viewer)
    if isinstance(offer, Refusal):
        await orders.tell(interaction, offer.render(who.lang))
        return
    await dispatch_submit(OptionModal(who.lang, offer) if option else OfferModal(who.lang, offer.currency, offer),
                          interaction)


async def submit_offer(interaction: discord.Interaction, modal: OfferModal) -> None:
    who = resolved(interaction)
    rt = runtime(interaction)
    currency = modal.offer.currency if modal.offer else CURRENCY[rt.config.discord.payment]
    fields, problem = modal.read(currency)
    if problem is not None:
        await orders.tell(interaction, problem.render(who.lang))
        return
    if modal.offer is None:
        draft = Offer("", who.account.id, currency=currency, **fields)
    else:  # the offer as it is now (an option may have been added since the form opened)
        current = await rt.storefront.editable(modal.offer.id, who.viewer)
        if isinstance(current, Refusal):
            await orders.tell(interaction, current.render(who.lang))
            return
        draft = replace(current, **fields)
    offer = await rt.storefront.publish(who.viewer, draft)
    if isinstance(offer, Refusal):
        await orders.tell(interaction, offer.render(who.lang))
        return
    done = N_("Published: “{title}”.") if modal.offer is None else N_("Saved: “{title}”.")
    await show_panel(interaction, who, offer, who.t(done, title=offer.title))


async def submit_option(interaction: discord.Interaction, modal: OptionModal) -> None:
    who = resolved(interaction)
    rt = runtime(interaction)
    offer = await rt.storefront.editable(modal.offer_id, who.viewer)
    if isinstance(offer, Refusal):
        await orders.tell(interaction, offer.render(who.lang))
        return
    price = parse_amount(modal.price.value, offer.currency)
    if price is None:
        await orders.tell(interaction, who.t(N_("That is not a price: write it like {example}."), example="12.50"))
        return
    typed_days = modal.days.value.strip()
    days = whole_number(typed_days, 3) if typed_days else 0
    if days is None:
        await orders.tell(interaction, who.t(N_("Please write a whole number of days, like 3.")))
        return
    option = Option(new_id(6), modal.title_in.value.strip(), price, days)
    problem = rules.check_option(option) or rules.check_option_count(len(offer.options) + 1)
    if problem is not None:
        await orders.tell(interaction, problem.render(who.lang))
        return
    offer = await rt.storefront.publish(who.viewer, replace(offer, options=offer.options + (option,)))
    if isinstance(offer, Refusal):
        await orders.tell(interaction, offer.render(who.lang))
        return
    await show_panel(interaction, who, offer, who.t(N_("Option added: “{title}”."), title=option.title))


# --- the seller's panel ------------------------------------------------------------------------------

def panel(offer: Offer, who: Person) -> discord.ui.View:
    view = discord.ui.View(timeout=None)

    def button(label: str, verb: str, style=discord.ButtonStyle.secondary, row: int = 0) -> None:
        view.add_item(SellerButton(discord.ui.Button(label=who.t(label), style=style, row=row,
                                                     custom_id=ids.seller(verb, offer.id))))

    button(N_("Edit"), "edit")
    if len(offer.options) < rules.OPTIONS_MAX:
        button(N_("Add an option"), "opt")
    if offer.options:
        button(N_("Remove the last option"), "drop")
    if offer.active:
        button(N_("Pause"), "pause", row=1)
        button(N_("Share"), "share", discord.ButtonStyle.primary, row=1)
    else:
        button(N_("Resume"), "resume", discord.ButtonStyle.success, row=1)
    view.add_item(QuestionsSelect(discord.ui.Select(custom_id=ids.questions(offer.id), row=2, options=[
        discord.SelectOption(label=who.t(N_("Buyers may ask questions before ordering")), value="yes",
                             default=offer.contact_allowed),
        discord.SelectOption(label=who.t(N_("No questions: buyers order directly")), value="no",
                             default=not offer.contact_allowed)])))
    return view


async def show_panel(interaction: discord.Interaction, who: Person, offer: Offer, said: str = "") -> None:
    """The seller's offer with its buttons, privately: in place of the pressed panel, or as a new answer."""
    state = who.t(N_("Open to orders.")) if offer.active else who.t(N_("Paused: buyers cannot order it."))
    embed, view = offer_embed(offer, who.lang, state), panel(offer, who)
    content = clip(said, 2000) or None
    if interaction.response.is_done():
        await interaction.followup.send(content or discord.utils.MISSING, embed=embed, view=view, ephemeral=True)
    elif interaction.message is not None and interaction.message.flags.ephemeral:
        await interaction.response.edit_message(content=content, embed=embed, view=view)
    else:
        await interaction.response.send_message(content or discord.utils.MISSING, embed=embed, view=view,
                                                ephemeral=True)


async def manage(interaction: discord.Interaction, verb: str, offer_id: str) -> None:
    """/offer edit|pause|resume|share and the panel's buttons."""
    who = resolved(interaction)
    rt = runtime(interaction)
    if verb in ("pause", "resume"):
        offer = await rt.storefront.set_active(offer_id, who.viewer, verb == "resume")
    else:
        offer = await rt.storefront.editable(offer_id, who.viewer)
    if isinstance(offer, Refusal):
        await orders.tell(interaction, offer.render(who.lang))
        return
    if verb == "edit":
        await open_unkept(interaction, OfferModal(who.lang, offer.currency, offer))
    elif verb == "opt":
        await open_unkept(interaction, OptionModal(who.lang, offer))
    elif verb == "drop":
        offer = await rt.storefront.publish(who.viewer, replace(offer, options=offer.options[:-1]))
        if isinstance(offer, Refusal):
            await orders.tell(interaction, offer.render(who.lang))
            return
        await show_panel(interaction, who, offer)
    elif verb == "share":
        await share(interaction, who, offer)
    else:
        said = N_("Resumed: buyers can order it again.") if offer.active else N_("Paused: buyers cannot order it.")
        await show_panel(interaction, who, offer, who.t(said))


async def share(interaction: discord.Interaction, who: Person, offer: Offer) -> None:
    """The offer, publicly in this channel, with its Order button (a paused offer is not shared)."""
    if not offer.active:
        await orders.tell(interaction, who.t(N_("This offer is paused: buyers cannot order it until you resume it.")))
        return
    embed = offer_embed(offer, who.lang, "\n".join((who.t(N_("Offered by {name}"), name=interaction.user.mention),
                                                    open_on_discord(offer, who.lang))))
    view = discord.ui.View(timeout=None)
    for button in buyer_buttons(offer, rules.buyer_actions(offer), who.lang):
        view.add_item(button)
    await interaction.response.send_message(embed=embed, view=view)


async def view(interaction: discord.Interaction, typed: str) -> None:
    """/offer view <id>: one offer, privately, with what this person may do on it (core decides)."""
    who = resolved(interaction)
    shown = await runtime(interaction).storefront.view(typed_offer_id(typed) or typed.strip(), who.viewer)
    if isinstance(shown, Refusal):
        await orders.tell(interaction, shown.render(who.lang))
        return
    view = discord.ui.View(timeout=None)
    for button in buyer_buttons(shown.offer, shown.actions, who.lang):
        view.add_item(button)
    note = shown.note.render(who.lang, zone(who.account.timezone)) if shown.note else ""
    embed = offer_embed(shown.offer, who.lang, note)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def set_questions(interaction: discord.Interaction, offer_id: str, allowed: bool) -> None:
    who = resolved(interaction)
    rt = runtime(interaction)
    offer = await rt.storefront.editable(offer_id, who.viewer)
    if not isinstance(offer, Refusal):
        offer = await rt.storefront.publish(who.viewer, replace(offer, contact_allowed=allowed))
    if isinstance(offer, Refusal):
        await orders.tell(interaction, offer.render(who.lang))
        return
    await show_panel(interaction, who, offer)


# --- the commands ------------------------------------------------------------------------------------

offer_group = app_commands.Group(name=localized(N_("offer")),
                                 description=localized(N_("Offers: create, edit, pause, share yours; view one")))


@offer_group.command(name=localized(N_("create")), description=localized(N_("Publish a new offer")))
async def create_command(interaction: discord.Interaction) -> None:
    await orders.guarded(interaction, create(interaction))


async def create(interaction: discord.Interaction) -> None:
    currency = CURRENCY[runtime(interaction).config.discord.payment]
    await open_unkept(interaction, OfferModal(resolved(interaction).lang, currency))


def _offer_command(name: str, description: str, verb: str):
    @offer_group.command(name=localized(name), description=localized(description))
    @app_commands.rename(offer=localized(N_("offer")))
    @app_commands.describe(offer=localized(N_("One of your offers")))
    async def command(interaction: discord.Interaction, offer: app_commands.Range[str, 1, 20]) -> None:
        await orders.guarded(interaction, manage(interaction, verb, offer.strip()))

    command.autocomplete("offer")(own_offers)
    return command


async def own_offers(interaction: discord.Interaction, typed: str) -> list[Choice[str]]:
    """Autocomplete: the seller's offers whose title or id holds what they typed."""
    who = resolved(interaction)
    found = await runtime(interaction).storefront.offers_of(who.viewer)
    typed = typed.strip().lower()
    paused = who.t(N_("paused"))
    return [Choice(name=clip(f"{o.title} ({o.id})" + ("" if o.active else f" — {paused}"), 100), value=o.id)
            for o in found if typed in o.title.lower() or typed in o.id.lower()][:25]


edit_command = _offer_command(N_("edit"), N_("Change one of your offers"), "edit")
pause_command = _offer_command(N_("pause"), N_("Stop taking orders for an offer"), "pause")
resume_command = _offer_command(N_("resume"), N_("Take orders for a paused offer again"), "resume")
share_command = _offer_command(N_("share"), N_("Post an offer in this channel with its Order button"), "share")


@offer_group.command(name=localized(N_("view")), description=localized(N_("Open an offer by its id, to order it")))
@app_commands.rename(offer=localized(N_("offer")))
@app_commands.describe(offer=localized(N_("The offer's id (or its Telegram link), as its seller shared it")))
async def view_command(interaction: discord.Interaction, offer: app_commands.Range[str, 1, 100]) -> None:
    await orders.guarded(interaction, view(interaction, offer))


@app_commands.command(name=localized(N_("offers")), description=localized(N_("A member's offers, to order")))
@app_commands.rename(member=localized(N_("member")))
@app_commands.describe(member=localized(N_("Whose offers to show")))
async def offers_command(interaction: discord.Interaction, member: discord.User) -> None:
    await orders.guarded(interaction, browse(interaction, member))


async def browse(interaction: discord.Interaction, member: discord.User) -> None:
    """A member's active offers that this person may order, privately, each with its Order button;
    core hides them all when the seller is suspended (storefront.view)."""
    who = resolved(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    rt = runtime(interaction)
    seller = await rt.people.by_identity(PLATFORM, str(member.id))
    found = await rt.storefront.offers_of(Viewer(seller.id)) if seller is not None else []
    shown, refusal = [], None
    for offer in (o for o in found if o.active):
        seen = await rt.storefront.view(offer.id, who.viewer)
        if isinstance(seen, Refusal):
            refusal = refusal or seen
        else:
            shown.append(seen)
    if not shown:
        text = refusal.render(who.lang) if refusal else who.t(N_("{name} has no offers open to orders."),
                                                              name=member.display_name)
        await interaction.followup.send(clip(text, 2000), ephemeral=True)
        return
    view = discord.ui.View(timeout=None)
    embeds = []
    for seen in shown[:MAX_SHOWN]:
        note = seen.note.render(who.lang, zone(who.account.timezone)) if seen.note else ""
        embeds.append(offer_embed(seen.offer, who.lang, note))
        for button in buyer_buttons(seen.offer, seen.actions, who.lang, titled=True):
            view.add_item(button)
    await interaction.followup.send(who.t(N_("{name}'s offers ({count}):"), name=member.display_name,
                                          count=len(shown)), embeds=embeds, view=view, ephemeral=True)


COMMANDS = (offer_group, offers_command)
