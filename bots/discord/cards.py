"""Order cards in Discord's Components V2: one container per card (its title, progress, live dates, next step) with
exactly core's buttons; `layout` draws any card so (texts, sections and buttons in a container) within Discord's
limits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import discord

from bots.discord import custom_ids as ids
from bots.discord.routes import BriefButton, MoreButton, OrderButton
from bots.discord.context import PLATFORM
from bots.discord.markdown import plain
from bots.runtime import Runtime
from core import labels
from core.buttons import ButtonData
from core.card import PRIMARY, STEPS, Card, progress_bar
from core.i18n import N_, Money, translate
from core.model import Action, Stage

#: Discord's limits of a Components V2 message (discord.ui.LayoutView checks the first two as it is built)
COMPONENTS = 40  # every component, nested ones included
TEXT = 4000  # every text display together
ROW = 5  # buttons in an action row
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

#: a text of a card, alone or beside the one button it is about (a section)
Part = str | tuple[str, discord.ui.Item]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stamp(at: datetime) -> str:
    """A date every reader sees in their own time zone and language: how far it is, live, then the date."""
    unix = int(at.timestamp())
    return f"<t:{unix}:R> (<t:{unix}:f>)"


def timestamp(at: datetime, text: str, countdown: bool) -> str:
    """A live date of a text (bots.render.live) as Discord shows it: the countdown ("in 4 days"), or the date in
    the reader's zone and language; Discord's own, so the plain text core wrote is not needed."""
    return f"<t:{int(at.timestamp())}:{'R' if countdown else 'f'}>"


def fitted(texts: Sequence[str], limit: int = TEXT) -> list[str]:
    """The texts cut, the longest first, until together they hold within Discord's limit."""
    texts = list(texts)
    while (excess := sum(map(len, texts)) - limit) > 0:
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        texts[longest] = clip(texts[longest], max(1, len(texts[longest]) - excess))
    return texts


def layout(groups: Sequence[Sequence[Part]], buttons: Sequence[discord.ui.Item] = (),
           accent: discord.Colour | None = None) -> discord.ui.LayoutView:
    """A card as one container, persistent (no timeout): its groups of texts one under the other, a line between
    two groups, a text beside its button as a section; then the buttons, five to a row. Texts are Markdown (people's
    words escaped by the caller), cut to fit; more than COMPONENTS components in all is a ValueError."""
    blocks: list[list[str | discord.ui.Item]] = []
    for group in groups:
        block: list[str | discord.ui.Item] = []
        for part in group:
            text, item = part if isinstance(part, tuple) else (part, None)
            if not text:
                continue
            if item is None and block and isinstance(block[-1], str):
                block[-1] += "\n" + text  # one text display for the texts that follow each other
            else:
                block.append(text)
                if item is not None:
                    block.append(item)
        if block:
            blocks.append(block)
    texts = iter(fitted([part for block in blocks for part in block if isinstance(part, str)]))
    container = discord.ui.Container(accent_colour=accent)
    for number, block in enumerate(blocks):
        if number:
            container.add_item(discord.ui.Separator())
        for index, part in enumerate(block):
            if isinstance(part, discord.ui.Item):
                continue
            beside = block[index + 1] if index + 1 < len(block) else None
            display = discord.ui.TextDisplay(next(texts))
            container.add_item(discord.ui.Section(display, accessory=beside)
                               if isinstance(beside, discord.ui.Item) else display)
    for start in range(0, len(buttons), ROW):
        container.add_item(discord.ui.ActionRow(*buttons[start:start + ROW]))
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(container)
    return view


def card_layout(card: Card, lang: str, expanded: bool = False) -> discord.ui.LayoutView:
    """The order's card as one container: its number, title and amount (the tip included); the progress through
    the stages; the amounts and dates (live: "in 2 days"); the brief's start beside [Show the brief]; the notes;
    "→ the next step"; exactly the card's buttons: the step to take first, the rarely needed ones behind "More…"
    until it is pressed."""
    def t(msgid: str, **kw: object) -> str:
        return translate(msgid, lang).format(**kw)

    def labelled(label: str, value: str) -> str:
        return f"**{t(N_('{label}:'), label=label)}** {value}"

    amount = Money(card.price + card.tip, card.currency).render(lang)
    if card.tip:
        amount += " " + t(N_("(tip {tip} included)"), tip=Money(card.tip, card.currency).render(lang))
    title = plain(t(N_("Order #{order} — {title}"), order=card.order_id, title=card.title))
    progress = (f"`{progress_bar(card.step, card.stage)}`  {card.step}/7 {translate(STEPS[card.step - 1], lang)} "
                f"— {translate(labels.STAGE[card.stage], lang)}")
    facts = []
    if card.refunded:
        facts.append(labelled(t(N_("Refunded so far")), Money(card.refunded, card.currency).render(lang)))
    if card.payout is not None:
        facts.append(labelled(t(N_("Your payout")), t(N_("{amount}, after the platform's commission"),
                                                      amount=Money(card.payout, card.currency).render(lang))))
    facts += [labelled(label.render(lang), stamp(at)) for label, at in card.dates]
    links = [BriefButton(discord.ui.Button(label=clip(link.label.render(lang), LABEL),
                                           style=discord.ButtonStyle.secondary, custom_id=link.data))
             for link in card.links]
    about: list[Part] = []
    if card.brief or links:
        brief = labelled(t(N_("Brief")), plain(card.brief) if card.brief else t(N_("(no text: only files)")))
        about.append((brief, links.pop(0)) if links else brief)
    about += [plain(f"• {note.render(lang)}") for note in card.notes]
    next_step = f"→ {card.next_step.render(lang)}"  # as on Telegram's card: what the reader does, or waits for
    return layout([[f"### {title}", f"**{amount}**", progress], facts + about, [next_step]],
                  [*card_buttons(card, lang, expanded), *links], COLOUR.get(card.stage, discord.Colour.blurple()))


def card_buttons(card: Card, lang: str, expanded: bool = False) -> list[discord.ui.Item]:
    """Exactly the card's buttons: the step to take first, then the others, then "More…" (the rarely needed ones
    are behind it until it is pressed)."""
    items: list[discord.ui.Item] = []
    for button in card.buttons if expanded else card.main_buttons:
        style = STYLE.get(ButtonData.decode(button.data).action, discord.ButtonStyle.secondary)
        if button.rank == PRIMARY:
            style = discord.ButtonStyle.success
        items.append(OrderButton(discord.ui.Button(label=clip(button.label.render(lang), LABEL), style=style,
                                                   custom_id=button.data)))
    if card.more_buttons and not expanded:
        items.append(MoreButton(discord.ui.Button(label=translate(N_("More…"), lang),
                                                  style=discord.ButtonStyle.secondary,
                                                  custom_id=ids.more(card.order_id))))
    return items


def action_label(action: Action, lang: str) -> str:
    return translate(labels.ACTION[action], lang)


async def remember_card(rt: Runtime, user_id: str, message_id: int, order_id: str, account_id: str) -> None:
    await rt.conversations.remember(PLATFORM, user_id, str(message_id), "card", order_id, account_id)


async def send_card(client: discord.Client, rt: Runtime, channel: discord.abc.Messageable, card: Card, lang: str,
                    user_id: str, account_id: str) -> discord.Message:
    """The order's one card in this person's DMs, sent under what was just said to them: their other card of the
    order goes (the card is a message of its own, so that nothing said above it is ever lost with it)."""
    # silent: the words above it already rang the phone
    sent = await channel.send(view=card_layout(card, lang), silent=True)
    await remember_card(rt, user_id, sent.id, card.order_id, account_id)
    await retire_cards(client, rt, card.order_id, user_id, keep=sent.id)
    return sent


async def refresh_card(client: discord.Client, rt: Runtime, card: Card, lang: str, user_id: str,
                       account_id: str) -> None:
    """This person's card of the order in their DMs, if they have one, drawn again as the order is now (they acted
    somewhere else: a card opened in a server). One that also holds a notice's words or files (sent with them by a
    version before cards were messages of their own) keeps them: a new card comes under it instead, since a
    Components V2 card cannot sit beside words."""
    cards = [message for chat, message, _ in await rt.conversations.cards(PLATFORM, card.order_id)
             if chat == user_id]
    if not cards:
        return
    try:
        channel = await client.create_dm(discord.Object(int(user_id)))
        current = await channel.fetch_message(int(cards[-1]))
        if current.content or current.attachments:
            await send_card(client, rt, channel, card, lang, user_id, account_id)
        else:
            await redraw(current.edit, card_layout(card, lang))
    except discord.HTTPException:  # deleted, DMs closed: the next notice brings a new card
        log.info("the card of order %s for %s could not be drawn again", card.order_id, user_id, exc_info=True)


async def redraw(edit: Callable[..., Awaitable[object]], view: discord.ui.LayoutView) -> None:
    """A message drawn again as this card: whatever it held goes (a card sent before cards were in Components V2
    had an embed), since Discord takes no words nor embeds beside a V2 layout."""
    await edit(content=None, embeds=[], view=view)


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
