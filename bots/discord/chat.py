"""The order's chat on Discord: what people write in an order room, or to the bot by DM, goes through core.

In a room the order is the room's. In a DM (where no marketplace channel is configured, or for someone
who prefers it) it is the order of the message replied to; else the person's only order they can write
about; else they pick it in a select menu while the message waits. Core decides whether it may be
sent (`service.say`), keeps it as evidence, masks contact details and relays it to the other parties,
on whatever platform they are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bots.discord import custom_ids as ids
from bots.discord.routes import RouteSelect
from bots.discord.cards import clip, send_card
from bots.discord.context import PLATFORM, Person, person, person_of, resolved, runtime
from bots.discord.files import file_ref
from bots.discord.markdown import plain
from bots.discord.rooms import stamp
from bots.limits import MESSAGES, TOO_FAST, check
from bots.render import pack
from core.chat import ChatMessage
from core.events import Refusal
from core.i18n import N_, translate
from core.routing import Blocked, Pick, Relayed, Unsendable

log = logging.getLogger(__name__)

CONTENT = 2000
ROUTE_CHOICES = 25  # Discord's limit for a select menu's options


async def on_message(client: discord.Client, message: discord.Message) -> None:
    if message.author.bot or message.type not in (discord.MessageType.default, discord.MessageType.reply):
        return
    if message.guild is None:
        if await within_limits(client, message):
            await in_dm(client, message)
    elif isinstance(message.channel, discord.Thread):
        await in_room(client, message)


async def within_limits(client: discord.Client, message: discord.Message) -> bool:
    """Whether this person may send one more chat message now (bots.limits). One over the limit is refused before
    any work is done for it; in a room it is taken down too (nobody reads what was not kept and masked). The
    person hears of it once per wait, with how long to wait."""
    verdict = check(client.runtime, MESSAGES, PLATFORM, message.author.id)
    if verdict.allowed:
        return True
    if message.guild is not None:
        try:
            await message.delete()
        except discord.HTTPException:
            log.warning("a message over the limit could not be taken down from room %s", message.channel.id)
    if verdict.tell:  # once per wait: a read for their language is no flood
        account = await client.runtime.people.by_identity(PLATFORM, str(message.author.id))
        lang = account.language if account else client.runtime.config.default_language
        await message.channel.send(clip(f"{message.author.mention} " + translate(TOO_FAST[MESSAGES], lang).format(
            seconds=verdict.wait), CONTENT))
    return False


def files_of(message: discord.Message) -> list[str]:
    return [file_ref(a) for a in message.attachments]


# --- in an order's room -----------------------------------------------------------------------------

async def in_room(client: discord.Client, message: discord.Message) -> None:
    rooms = client.rooms
    order_id = await rooms.order_of(message.channel.id)
    if order_id is None:
        return  # a thread that is no order's room
    if not await within_limits(client, message):
        return
    rt = client.runtime
    who = await person_of(rt, message.author, client=client)  # in the marketplace's server: roles come with it
    if who is None:
        return
    async with rooms.lock(order_id):  # the relay must see this message as the room's before relaying it
        routed = await rt.route(who.viewer, message.content, PLATFORM, tuple(files_of(message)), str(message.id),
                                order_id=order_id)
        if isinstance(routed, Relayed):
            await rooms.said_here(message.channel.id, order_id, routed.message.id)
    if isinstance(routed, Blocked):
        # Discord keeps people out of a locked room; this answers whatever still gets through (a moderator who
        # is not the dispute's, a message sent as the room was locking): to the writer alone, and the message
        # leaves the room, since core did not let the others read it
        try:
            await refused(client, who, routed, written=message)
        except discord.HTTPException:  # their DMs are closed: the message stays, rather than vanish unexplained
            log.warning("could not tell %s why their message in order %s's room was refused", who.user_id, order_id)
            return
        try:
            await message.delete()
        except discord.HTTPException:
            pass
        return
    kept = routed.message
    if kept.flagged:
        await take_down(rt, message, kept, who.t(N_(
            "{name} wrote (contact details hidden: sharing them is against the marketplace rules): {text}"),
            name=who.account.display_name, text=kept.text))


async def take_down(rt, message: discord.Message, kept: ChatMessage, masked: str) -> None:
    """What the room saw unmasked is replaced by what the evidence keeps; if Discord refuses to delete it (the
    bot's permissions changed), the moderators are told at once: the other party may have read it."""
    try:
        await message.delete()
    except discord.HTTPException:
        log.warning("order %s: flagged message %s could not be deleted", kept.order_id, kept.id)
        await rt.service.left_visible(kept)
    await message.channel.send(clip(plain(masked), CONTENT), suppress_embeds=True)


# --- edits ------------------------------------------------------------------------------------------

async def on_edit(client: discord.Client, payload: discord.RawMessageUpdateEvent) -> None:
    """A message edited in an order's room or in a DM to the bot: if it is one of the chat's, the edit is kept
    beside it, masked, flagged, and relayed as an edit (core decides); in a room, an edit that hid contact
    details is taken down like a message that did."""
    message = payload.message
    if "content" not in payload.data or message.author.bot or message.type not in (
            discord.MessageType.default, discord.MessageType.reply):
        return
    if message.guild is not None and not isinstance(message.channel, discord.Thread):
        return
    if message.guild is None and not await within_limits(client, message):
        return
    rt = client.runtime
    who = await person_of(rt, message.author, client=client)
    if who is None:
        return
    if message.guild is None:
        who = await as_writer(rt, who, lambda: person_of(rt, message.author, client=client, moderating=True))
        edited = await rt.service.edit(PLATFORM, str(message.id), who.viewer, message.content)
        if edited is not None:
            kept, refusal = edited
            await message.channel.send(**edit_answer(rt, who, kept, refusal))
        return
    order_id = await client.rooms.order_of(message.channel.id)
    if order_id is None or not await within_limits(client, message):
        return
    async with client.rooms.lock(order_id):  # like a new message: the room has seen it, the relay must know
        edited = await rt.service.edit(PLATFORM, str(message.id), who.viewer, message.content)
        if edited is not None:
            await client.rooms.said_here(message.channel.id, order_id, edited[0].id)
    if edited is not None and edited[0].flagged:
        await take_down(rt, message, edited[0], who.t(N_(
            "{name} edited a message (contact details hidden: sharing them is against the marketplace rules): "
            "{text}"), name=who.account.display_name, text=edited[0].text))


def edit_answer(rt, who: Person, kept: ChatMessage, refusal: Refusal | None) -> dict:
    """What the person who edited a chat message by DM is told: relayed, or why not."""
    if refusal is not None:
        return {"content": clip(who.t(N_("Your edit is kept with the order but was not relayed: {reason}"),
                                      reason=refusal.reason.render(who.lang)), CONTENT)}
    note = who.t(N_("Edit sent to order #{order}."), order=kept.order_id)
    if kept.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    return {"content": note}


# --- by DM ------------------------------------------------------------------------------------------

async def as_writer(rt, who: Person, checked: Callable[[], Awaitable[Person | None]]) -> Person:
    """A moderator writing about a dispute they took writes as a moderator: checked live (a request to Discord,
    from a DM), and only for someone who took a dispute."""
    return (await checked() or who) if await rt.service.took_a_dispute(who.viewer) else who


async def in_dm(client: discord.Client, message: discord.Message) -> None:
    rt = client.runtime
    who = await person_of(rt, message.author, client=client)
    if who is None:
        return
    who = await as_writer(rt, who, lambda: person_of(rt, message.author, client=client, moderating=True))
    files = files_of(message)
    replied = message.reference.message_id if message.reference is not None else None
    routed = await rt.route(who.viewer, message.content, PLATFORM, tuple(files), str(message.id),
                            reply_to=(str(who.user_id), str(replied)) if replied else None)
    if isinstance(routed, Unsendable):
        await message.channel.send(routed.reason.render(who.lang))
        return
    if isinstance(routed, Pick):
        await rt.conversations.keep_dialog(PLATFORM, str(who.user_id), {
            "kind": "route", "text": message.content, "files": files, "source": str(message.id)})
        select = discord.ui.Select(custom_id=ids.ROUTE, placeholder=who.t(N_("Which order is this message about?")),
                                   options=[discord.SelectOption(label=clip(f"#{o.id} {o.title}", 100), value=o.id)
                                            for o in routed.orders[:ROUTE_CHOICES]])
        view = discord.ui.View(timeout=None)
        view.add_item(RouteSelect(select))
        await message.channel.send(who.t(N_("Which order is this message about?")), view=view)
        return
    note = await answer(client, who, routed)
    if note:
        await message.channel.send(note)


async def route(interaction: discord.Interaction, order_id: str) -> None:
    """The person picked the order their waiting message is about."""
    who = resolved(interaction)
    rt = runtime(interaction)
    who = await as_writer(rt, who, lambda: person(interaction, moderating=True))
    dialog = await rt.conversations.take_dialog(PLATFORM, str(who.user_id), "route")
    if dialog is None:
        await interaction.response.edit_message(content=who.t(N_("Nothing to answer here any more.")), view=None)
        return
    await interaction.response.edit_message(content=who.t(N_("Order #{order}:"), order=order_id), view=None)
    note = await answer(interaction.client, who, await rt.route(who.viewer, dialog["text"], PLATFORM,
                                                                  tuple(dialog["files"]), dialog.get("source"),
                                                                  order_id=order_id))
    if note:
        await interaction.followup.send(note)


async def answer(client: discord.Client, who: Person, routed: Relayed | Blocked) -> str | None:
    """What to answer the person whose message core routed, or None when it was not sent (they were told why)."""
    if isinstance(routed, Blocked):
        await refused(client, who, routed)
        return None
    note = who.t(N_("Sent to order #{order}."), order=routed.message.order_id)
    if routed.message.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    return note


async def refused(client: discord.Client, who: Person, blocked: Blocked,
                  written: discord.Message | None = None) -> None:
    """A message core did not send is answered to its writer alone, by DM: why, until when, what they wrote (when
    it was taken out of a room), then — when a button reopens the chat — the order's card, which has it."""
    parts = [blocked_text(who, blocked)]
    if written is not None:
        lines = ([written.content] if written.content else []) + [f"📎 {a.filename}" for a in written.attachments]
        parts.append("\n".join([who.t(N_("Your message, not sent:")), *lines]))
    channel = await client.create_dm(discord.Object(who.user_id))
    for chunk in pack(parts, CONTENT):
        await channel.send(chunk)
    if blocked.card is not None:
        await send_card(client, client.runtime, channel, blocked.card, who.lang, str(who.user_id), who.account.id)


def blocked_text(who: Person, blocked: Blocked) -> str:
    text = who.t(N_("Not sent (order #{order}): {reason}"), order=blocked.order_id,
                 reason=blocked.refusal.reason.render(who.lang))
    if blocked.until:
        text += "\n" + who.t(N_("Until: {date}"), date=stamp(blocked.until))
    return text
