"""Order cards as Discord embeds: the card's facts, dates as live timestamps, exactly core's buttons."""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from bots.discord import custom_ids as ids
from bots.discord.routes import BriefButton, MoreButton, OrderButton
from bots.discord.context import PLATFORM
from bots.runtime import Runtime
from core import labels
from core.buttons import ButtonData
from core.card import PRIMARY, STEPS, Card, progress_bar
from core.i18n import N_, Money, translate
from core.model import Action, Stage

EMBED_TEXT = 1024  # a field's value
TITLE = 256
LABEL = 80  # a button's label

log = logging.getLogger(__name__)

#: how a button looks (what it does is core's)
STYLE = {
    Action.ACCEPT: discord.ButtonStyle.success,
    Action.DELIVER: discord.ButtonStyle.success,
    Action.COMPLETE: discord.ButtonStyle.success,
    Action.DECLINE: discord.ButtonStyle.danger,
    Action.CANCEL: discord.ButtonStyle.danger,
    Action.CANCEL_LATE: discord.ButtonStyle.danger,
    Action.OPEN_DISPUTE: discord.ButtonStyle.danger,
    Action.REPORT_DELIVERY: discord.ButtonStyle.danger,
}
COLOUR = {
    Stage.DISPUTED: discord.Colour.red(),
    Stage.COMPLETED: discord.Colour.green(),
    Stage.CANCELLED: discord.Colour.dark_grey(),
    Stage.EXPIRED: discord.Colour.dark_grey(),
}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stamp(at: datetime) -> str:
    """A date every reader sees in their own time zone and language, with a live countdown."""
    unix = int(at.timestamp())
    return f"<t:{unix}:F>\n<t:{unix}:R>"


def timestamp(at: datetime, text: str, countdown: bool) -> str:
    """A live date of a text (bots.render.live) as Discord shows it: the countdown ("in 4 days"), or the date in
    the reader's zone and language; Discord's own, so the plain text core wrote is not needed."""
    return f"<t:{int(at.timestamp())}:{'R' if countdown else 'f'}>"


def card_embed(card: Card, lang: str) -> discord.Embed:
    t = lambda msgid, **kw: translate(msgid, lang).format(**kw)  # noqa: E731
    embed = discord.Embed(title=clip(t(N_("Order #{order} — {title}"), order=card.order_id, title=card.title), TITLE),
                          colour=COLOUR.get(card.stage, discord.Colour.blurple()))
    embed.description = (f"`{progress_bar(card.step, card.stage)}`  {card.step}/7 "
                         f"{translate(STEPS[card.step - 1], lang)} — {translate(labels.STAGE[card.stage], lang)}")
    amount = Money(card.price + card.tip, card.currency).render(lang)
    if card.tip:
        amount += " " + t(N_("(tip {tip} included)"), tip=Money(card.tip, card.currency).render(lang))
    embed.add_field(name=t(N_("Amount")), value=amount, inline=True)
    if card.refunded:
        embed.add_field(name=t(N_("Refunded so far")), value=Money(card.refunded, card.currency).render(lang))
    for label, at in card.dates:
        embed.add_field(name=label.render(lang), value=stamp(at), inline=True)
    if card.payout is not None:
        embed.add_field(name=t(N_("Your payout")), value=t(N_("{amount}, after the platform's commission"),
                                                           amount=Money(card.payout, card.currency).render(lang)))
    if card.brief:
        embed.add_field(name=t(N_("Brief")), value=clip(card.brief, EMBED_TEXT), inline=False)
    if card.notes:
        embed.add_field(name=t(N_("Notes")), value=clip("\n".join(f"• {n.render(lang)}" for n in card.notes),
                                                         EMBED_TEXT), inline=False)
    embed.add_field(name=t(N_("Next step")), value=clip(card.next_step.render(lang), EMBED_TEXT), inline=False)
    return embed


def card_view(card: Card, lang: str, expanded: bool = False) -> discord.ui.View | None:
    """Exactly the card's buttons, persistent (no timeout): the step to take first, the rarely needed ones behind
    "More…" until it is pressed, then [Show the brief]; None when there is nothing to press."""
    shown = card.buttons if expanded else card.main_buttons
    if not shown and not card.links:
        return None
    view = discord.ui.View(timeout=None)
    for button in shown:
        style = STYLE.get(ButtonData.decode(button.data).action, discord.ButtonStyle.secondary)
        if button.rank == PRIMARY:
            style = discord.ButtonStyle.success
        view.add_item(OrderButton(discord.ui.Button(label=clip(button.label.render(lang), LABEL), style=style,
                                                    custom_id=button.data)))
    if card.more_buttons and not expanded:
        view.add_item(MoreButton(discord.ui.Button(label=translate(N_("More…"), lang),
                                                   style=discord.ButtonStyle.secondary,
                                                   custom_id=ids.more(card.order_id))))
    for link in card.links:
        view.add_item(BriefButton(discord.ui.Button(label=clip(link.label.render(lang), LABEL),
                                                    style=discord.ButtonStyle.secondary, custom_id=link.data)))
    return view


def action_label(action: Action, lang: str) -> str:
    return translate(labels.ACTION[action], lang)


async def remember_card(rt: Runtime, user_id: str, message_id: int, order_id: str, account_id: str) -> None:
    await rt.conversations.remember(PLATFORM, user_id, str(message_id), "card", order_id, account_id)


async def send_card(client: discord.Client, rt: Runtime, channel: discord.abc.Messageable, card: Card, lang: str,
                    user_id: str, account_id: str) -> discord.Message:
    """The order's one card in this person's DMs, sent under what was just said to them: their other card of the
    order goes (the card is a message of its own, so that nothing said above it is ever lost with it)."""
    view = card_view(card, lang)
    # silent: the words above it already rang the phone
    sent = await channel.send(embed=card_embed(card, lang), silent=True, **({"view": view} if view else {}))
    await remember_card(rt, user_id, sent.id, card.order_id, account_id)
    await retire_cards(client, rt, card.order_id, user_id, keep=sent.id)
    return sent


async def refresh_card(client: discord.Client, rt: Runtime, card: Card, lang: str, user_id: str) -> None:
    """This person's card of the order in their DMs, if they have one, drawn again as the order is now (they acted
    somewhere else: a card opened in a server)."""
    cards = [message for chat, message, _ in await rt.conversations.cards(PLATFORM, card.order_id)
             if chat == user_id]
    if not cards:
        return
    view = card_view(card, lang)
    try:
        channel = await client.create_dm(discord.Object(int(user_id)))
        await channel.get_partial_message(int(cards[-1])).edit(embed=card_embed(card, lang), view=view)
    except discord.HTTPException:  # deleted, DMs closed: the next notice brings a new card
        log.info("the card of order %s for %s could not be drawn again", card.order_id, user_id, exc_info=True)


async def retire_cards(client: discord.Client, rt: Runtime, order_id: str, user_id: str, keep: int) -> None:
    """Only one message of an order carries its card in a person's DMs, the newest: the others go. A card is a
    message of its own and is deleted; one that also holds a notice's words or files (sent before cards were
    messages of their own) keeps them, without the card."""
    cards = await rt.conversations.cards(PLATFORM, order_id)
    channel = None
    for chat, message_id, _ in cards:
        if chat != user_id or message_id == str(keep):
            continue
        try:
            channel = channel or await client.create_dm(discord.Object(int(chat)))
            old = await channel.fetch_message(int(message_id))
            if old.content or old.attachments:
                await old.edit(embeds=[], view=None)
            else:
                await old.delete()
        except (discord.NotFound, discord.Forbidden):
            pass  # deleted, or DMs closed since: nothing left to retire
        except discord.HTTPException:  # Discord failing for now: retired with the next card
            log.warning("card %s of order %s could not be retired yet", message_id, order_id, exc_info=True)
            continue
        await rt.conversations.retire(PLATFORM, chat, message_id)
