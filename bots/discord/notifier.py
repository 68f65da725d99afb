"""Sending outbox notifications by DM on Discord, with the order's card and its buttons attached.

`Outgoing.chat_id` is the person's Discord user id (see bots.discord.context); the DM channel is
opened from it. discord.py waits out short rate limits itself; a longer one (over the client's
`max_ratelimit_timeout`), or a 429 that still comes back, goes to the relay as RetryLater, so the
row waits and nothing is dropped. Closed DMs (403) and unknown users (404) are Undeliverable.

A chat message goes to the order's room when the person is in one (bots.discord.rooms), posted
there once for everyone in it; otherwise by DM. A notice's own buttons (core's `Choice`s) are
drawn when Discord has a persistent item for them (confirming a manual payment, an order's card).

Files come as attachments, whichever platform they were sent from (bots.files): fetched before anything
is sent, so a platform that is down makes the row wait; one too large for Discord is named, with why.
"""

from __future__ import annotations

import discord

from bots.discord.buttons import choice_items
from bots.discord.cards import card_embed, card_view, remember_card, retire_cards
from bots.discord.context import PLATFORM
from bots.discord.files import CONTENT, MAX_FILES, PREFIX, UPLOAD_LIMIT, DiscordFiles, uploads
from bots.discord.rooms import RoomKeeper, Rooms
from bots.files import Missing, name_of
from bots.render import card_for, pack, quote_text, zone
from core.ports import Outgoing, RetryLater, Undeliverable



def retry_after(error: discord.HTTPException) -> float | None:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None


class DiscordNotifier:
    platform = PLATFORM

    def __init__(self, client: discord.Client, runtime) -> None:
        self.client = client
        self.runtime = runtime
        self.rooms = getattr(client, "rooms", None) or Rooms(client, runtime)
        runtime.files.register(PREFIX, DiscordFiles(client))
        if not any(isinstance(observer, RoomKeeper) for observer in runtime.relay.observers):
            runtime.relay.observers.append(RoomKeeper(runtime))

    async def send(self, message: Outgoing) -> str:
        rt = self.runtime
        # every file first (its own, another platform's): if that platform is down, the whole row waits
        found = [await rt.files.fetch(ref, UPLOAD_LIMIT) for ref in message.files[:MAX_FILES]]
        found += [Missing(name_of(ref)) for ref in message.files[MAX_FILES:]]
        card = await card_for(rt.service, message)
        files, notes = uploads(found, message.language)
        lang = message.language
        # the notice, what it carries (whole: split over several messages when long), and the files' notes
        said = message.text.render(lang, zone(message.timezone))  # a new deadline, in the reader's zone
        chunks = pack([said, *(quote_text(q, lang) for q in message.quotes), notes], CONTENT)
        text = chunks[-1] if chunks else ""
        extra = {}
        view = None
        if card is not None:
            extra["embed"] = card_embed(card, message.language)
            view = card_view(card, message.language)
        for item in choice_items(message.buttons, message.language):
            view = view or discord.ui.View(timeout=None)
            view.add_item(item)
        if view is not None:
            extra["view"] = view
        try:
            if card is None and not message.buttons:
                in_room = await self.rooms.relay(message, "\n\n".join(chunks), files)
                if in_room is not None:
                    return in_room
            channel = await self.client.create_dm(discord.Object(int(message.chat_id)))
            for chunk in chunks[:-1]:  # a failure midway sends them all again: at least once, never cut
                await channel.send(chunk)
            sent = await channel.send(text, **({"files": files} if files else {}), **extra)
        except discord.RateLimited as wait:
            raise RetryLater(after=wait.retry_after, reason=str(wait)) from wait
        except (discord.Forbidden, discord.NotFound) as gone:  # DMs closed, no shared server, unknown user
            raise Undeliverable(str(gone)) from gone
        except discord.HTTPException as error:
            if error.status == 429:
                raise RetryLater(after=retry_after(error), reason=str(error)) from error
            if error.status >= 500:
                raise RetryLater(reason=str(error)) from error
            raise
        if card is not None:
            await remember_card(rt, message.chat_id, sent.id, card.order_id, message.account_id)
            await retire_cards(self.client, rt, card.order_id, message.chat_id, keep=sent.id)
        return str(sent.id)
