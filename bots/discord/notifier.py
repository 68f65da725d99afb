"""Sending outbox notifications by DM on Discord: the notice's words, then the order's card under them.

A notice is words (what happened, what it carries, its files); the order's card — its state and buttons —
is a message of its own, sent under each notice that has one, and the person's previous card of that order
is deleted (bots.discord.cards): their DMs hold one card per order, under the latest notice about it and
always current, and every notice keeps its words whatever is pressed later.

`Outgoing.chat_id` is the person's Discord user id (see bots.discord.context); the DM channel is
opened from it. discord.py waits out short rate limits itself; a longer one (over the client's
`max_ratelimit_timeout`), or a 429 that still comes back, goes to the relay as RetryLater, so the
row waits and nothing is dropped. Closed DMs (403) and unknown users (404) are Undeliverable.

A chat message goes to the order's room when the person is in one (bots.discord.rooms), posted
there once for everyone in it; otherwise by DM. A notice's own buttons (core's `Choice`s) are
drawn on the notice's words when Discord has a persistent item for them (confirming a manual payment, an
order's card).

Files come as attachments, whichever platform they were sent from (bots.files): fetched before anything
is sent, so a platform that is down makes the row wait; one too large for Discord is named, with why.
"""

from __future__ import annotations

import discord

from bots.discord.routes import choice_items
from bots.discord.cards import send_card, timestamp
from bots.discord.context import PLATFORM
from bots.discord.files import CONTENT, MAX_FILES, UPLOAD_LIMIT, uploads
from bots.discord.markdown import plain
from bots.discord.rooms import Rooms
from bots.files import Missing, name_of
from bots.render import live, pack, quote_text, stamps, zone
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

    async def send(self, message: Outgoing) -> str:
        rt = self.runtime
        # every file first (its own, another platform's): if that platform is down, the whole row waits
        found = [await rt.files.fetch(ref, UPLOAD_LIMIT) for ref in message.files[:MAX_FILES]]
        found += [Missing(name_of(ref)) for ref in message.files[MAX_FILES:]]
        card = rt.service.notice_card(message)  # from the order the relay's batch read: no read here
        files, notes = uploads(found, message.language)
        lang = message.language
        # the notice, what it carries (whole: split over several messages when long), and the files' notes
        # a new deadline, live: its marks become Discord timestamps once people's words are escaped (bots.render)
        said = message.text.render(lang, zone(message.timezone), rt.clock.now(), live)
        chunks = [stamps(chunk, timestamp) for chunk in pack(
            [plain(said), *(plain(quote_text(q, lang)) for q in message.quotes), notes],
            CONTENT)]  # people's words as words (bots.discord.markdown)
        view = None
        for item in choice_items(message.buttons, lang):
            view = view or discord.ui.View(timeout=None)
            view.add_item(item)
        try:
            if card is None and not message.buttons:
                in_room = await self.rooms.relay(message, "\n\n".join(chunks), files)
                if in_room is not None:
                    return in_room
            channel = await self.client.create_dm(discord.Object(int(message.chat_id)))
            for chunk in chunks[:-1]:  # a failure midway sends them all again: at least once, never cut
                await channel.send(chunk, suppress_embeds=True)  # (no link previewed: bots.discord.markdown)
            sent = await channel.send(chunks[-1], suppress_embeds=True, **({"files": files} if files else {}),
                                      **({"view": view} if view else {}))
            if card is not None:  # under the notice, the order's one card in these DMs: the previous one goes
                await send_card(self.client, rt, channel, card, lang, message.chat_id, message.account_id)
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
        return str(sent.id)
