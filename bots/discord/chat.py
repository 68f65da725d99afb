"""The order's chat on Discord: what people write in an order room, or to the bot by DM, goes through core.

In a room the order is the room's. In a DM (where no marketplace channel is configured, or for someone
who prefers it) it is the order of the message replied to; else the person's only order they can write
about; else they pick it in a select menu while the message waits. Core decides whether it may be
sent (`service.say`), keeps it as evidence, masks contact details and relays it to the other parties,
on whatever platform they are.
"""

from __future__ import annotations

import logging

import discord

from bots.discord.buttons import RouteSelect
from bots.discord.cards import clip, send_card
from bots.discord.context import PLATFORM, Person, person, person_of, runtime
from bots.discord.files import file_ref
from bots.discord.rooms import stamp
from bots.render import pack
from bots.routing import chattable_orders
from core.chat import may_send
from core.events import Refusal
from core.i18n import N_

log = logging.getLogger(__name__)

CONTENT = 2000
ROUTE_CHOICES = 25  # Discord's limit for a select menu's options


async def on_message(client: discord.Client, message: discord.Message) -> None:
    if message.author.bot or message.type not in (discord.MessageType.default, discord.MessageType.reply):
        return
    if message.guild is None:
        await in_dm(client, message)
    elif isinstance(message.channel, discord.Thread):
        await in_room(client, message)


def files_of(message: discord.Message) -> list[str]:
    return [file_ref(a) for a in message.attachments]


# --- in an order's room -----------------------------------------------------------------------------

async def in_room(client: discord.Client, message: discord.Message) -> None:
    rooms = client.rooms
    order_id = await rooms.order_of(message.channel.id)
    if order_id is None:
        return  # a thread that is no order's room
    rt = client.runtime
    who = await person_of(rt, message.author)
    if who is None:
        return
    async with rooms.lock(order_id):  # the relay must see this message as the room's before relaying it
        result = await rt.service.say(order_id, who.viewer, message.content, PLATFORM, tuple(files_of(message)))
        if not isinstance(result, Refusal):
            await rooms.said_here(message.channel.id, order_id, result.id)
    if isinstance(result, Refusal):
        # Discord keeps people out of a locked room; this answers whatever still gets through (a moderator who
        # is not the dispute's, a message sent as the room was locking): to the writer alone, and the message
        # leaves the room, since core did not let the others read it
        try:
            await refused(client, rt, who, order_id, result, written=message)
        except discord.HTTPException:  # their DMs are closed: the message stays, rather than vanish unexplained
            log.warning("could not tell %s why their message in order %s's room was refused", who.user_id, order_id)
            return
        try:
            await message.delete()
        except discord.HTTPException:
            pass
        return
    if result.flagged:  # what the room saw unmasked is replaced by what the evidence keeps
        try:
            await message.delete()
        except discord.HTTPException:
            pass
        await message.channel.send(clip(who.t(N_("{name} wrote (contact details hidden: sharing them is against "
                                                 "the marketplace rules): {text}"),
                                              name=who.account.display_name, text=result.text), CONTENT))


# --- by DM ------------------------------------------------------------------------------------------

async def in_dm(client: discord.Client, message: discord.Message) -> None:
    rt = client.runtime
    who = await person_of(rt, message.author)
    if who is None:
        return
    files = files_of(message)
    order_id = None
    if message.reference is not None and message.reference.message_id:
        async with rt.store.unit_of_work() as uow:
            order_id = await uow.conversations.order_of_message(PLATFORM, str(who.user_id),
                                                                str(message.reference.message_id))
    if order_id is None:
        candidates = await chattable_orders(rt, who)
        if not candidates:
            await message.channel.send(who.t(N_("You have no order to write about. Your orders: /orders")))
            return
        if len(candidates) > 1:
            async with rt.store.unit_of_work() as uow:
                await uow.conversations.start_dialog(PLATFORM, str(who.user_id),
                                                     {"kind": "route", "text": message.content, "files": files})
                await uow.commit()
            select = discord.ui.Select(custom_id="x:route", placeholder=who.t(N_("Which order is this message about?")),
                                       options=[discord.SelectOption(label=clip(f"#{o.id} {o.title}", 100), value=o.id)
                                                for o in candidates[:ROUTE_CHOICES]])
            view = discord.ui.View(timeout=None)
            view.add_item(RouteSelect(select))
            await message.channel.send(who.t(N_("Which order is this message about?")), view=view)
            return
        order_id = candidates[0].id
    note = await say(client, rt, who, order_id, message.content, files)
    if note:
        await message.channel.send(note)


async def route(interaction: discord.Interaction, order_id: str) -> None:
    """The person picked the order their waiting message is about."""
    who = await person(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    async with rt.store.unit_of_work() as uow:
        dialog = await uow.conversations.dialog(PLATFORM, str(who.user_id))
        if dialog is not None and dialog.get("kind") == "route":
            await uow.conversations.end_dialog(PLATFORM, str(who.user_id))
            await uow.commit()
    if dialog is None or dialog.get("kind") != "route":
        await interaction.response.edit_message(content=who.t(N_("Nothing to answer here any more.")), view=None)
        return
    await interaction.response.edit_message(content=who.t(N_("Order #{order}:"), order=order_id), view=None)
    note = await say(interaction.client, rt, who, order_id, dialog["text"], dialog["files"])
    if note:
        await interaction.followup.send(note)


async def say(client: discord.Client, rt, who: Person, order_id: str, text: str, files: list[str]) -> str | None:
    """Sends through core: what to answer the person, or None when core refused it (they were told why)."""
    result = await rt.service.say(order_id, who.viewer, text, PLATFORM, tuple(files))
    if isinstance(result, Refusal):
        await refused(client, rt, who, order_id, result)
        return None
    note = who.t(N_("Sent to order #{order}."), order=order_id)
    if result.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    return note


async def refused(client: discord.Client, rt, who: Person, order_id: str, refusal: Refusal,
                  written: discord.Message | None = None) -> None:
    """A message core did not send is answered to its writer alone, by DM: why, until when, what they wrote (when
    it was taken out of a room), then — when a button reopens the chat — the order's card, which has it."""
    parts = [blocked_text(rt, who, order_id, refusal)]
    if written is not None:
        lines = ([written.content] if written.content else []) + [f"📎 {a.filename}" for a in written.attachments]
        parts.append("\n".join([who.t(N_("Your message, not sent:")), *lines]))
    channel = await client.create_dm(discord.Object(who.user_id))
    for chunk in pack(parts, CONTENT):
        await channel.send(chunk)
    if refusal.order is not None and refusal.allowed:
        card = await rt.service.card(order_id, who.viewer)
        if not isinstance(card, Refusal):
            await send_card(client, rt, channel, card, who.lang, str(who.user_id), who.account.id)


def blocked_text(rt, who: Person, order_id: str, refusal: Refusal) -> str:
    text = who.t(N_("Not sent (order #{order}): {reason}"), order=order_id, reason=refusal.reason.render(who.lang))
    order = refusal.order
    if order is not None:
        decision = may_send(order, who.viewer, rt.clock.now(), rt.config.settings)
        if decision.until and not decision.allowed:
            text += "\n" + who.t(N_("Until: {date}"), date=stamp(decision.until))
    return text
