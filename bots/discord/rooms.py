"""Order rooms: a private thread per order in the marketplace channel, kept in step with the order.

When: the room opens the first time a notice of an order that has a party on Discord is delivered
(on any platform) — in practice when the order is placed, since the chat is open from `pending`.
Who: the buyer's and seller's Discord identities, and the moderator who takes a dispute. Not
invitable: nobody else can be added by a member. Locked while core's chat policy lets neither party
write (the delivery window, a chat ended after closing), with a notice per party saying why and until
when; unlocked when the policy opens the chat again (a revision request, completion). The end of the chat
after closing is a moment of its own (core's CHAT_END timer tells both parties): its notice brings the room
in step, locked for good. Each delivery's words and files are posted there too, once: both parties read
the delivery where they talk.

Every decision is core's (`core.chat.may_send`); this module only mirrors it on Discord. The relay
tells `RoomKeeper` of every delivered notice, so a room follows its order whichever platform the
notice went to (a buyer on Telegram is told their order was delivered: the room locks).

Rooms are kept in `platform_messages`: (discord, <thread id>, "room", kind "room") names the room,
"member:<account>" rows the people added, "chat:<message id>" rows the chat messages already
visible in the room (written there, or posted once for everyone in it), "delivery:<number>" rows the
deliveries posted. A lock per order keeps this process from opening a room twice or posting a message
twice. Between processes (shards sharing one
database, each running a relay) the database decides who opens a room: the first to claim it
(`Conversations.claim`, a row keyed by the order); the others wait for that room and use it. A claim
left unfinished by a process that died is taken over after CLAIM_LEASE.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta

import discord

from bots.discord.cards import clip
from bots.discord.context import PLATFORM
from bots.discord.files import MAX_FILES, UPLOAD_LIMIT, uploads
from bots.discord.markdown import plain
from bots.files import Missing, name_of
from bots.render import pack
from core.chat import may_send
from core.i18n import N_, translate
from core.model import Order, Stage, Viewer
from core.notices import shown
from core.ports import Outgoing

log = logging.getLogger(__name__)

ROOM, ROOM_KIND, MEMBER_KIND, SAID_KIND = "room", "room", "room-member", "said"
DELIVERED = N_("📦 The seller delivered order #{order}:")
DELIVERED_AGAIN = N_("📦 The seller delivered order #{order} again (delivery {number}):")
CONTENT = 2000
WEEK = 10080  # minutes: the longest auto-archive Discord offers
CHAT_KEY = re.compile(r"^[^:]+:chat:(?P<id>[0-9]+):")  # core's key for a chat message's notices
CLAIM_LEASE = timedelta(minutes=2)  # opening a thread takes seconds: a claim this old was left by a dead process
WAIT_FOR_ROOM = 15.0  # seconds a process that lost the claim waits for the winner's room (then: next notice)


def stamp(at: datetime) -> str:
    unix = int(at.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def chat_message_id(dedupe_key: str) -> int | None:
    """The stored chat message a notice carries, or None for any other notice."""
    found = CHAT_KEY.match(dedupe_key)
    return int(found["id"]) if found else None


class Rooms:
    def __init__(self, client: discord.Client, runtime) -> None:
        self.client = client
        self.runtime = runtime
        self._locks: dict[str, asyncio.Lock] = {}
        self._locked: dict[int, bool] = {}  # what this process last set, ahead of the gateway's echo
        #: the version of each order its room was last kept in step with: a notice's order is the one its batch
        #: read, and a later batch's may already have passed here (the room never steps back)
        self._synced: dict[str, int] = {}

    def lock(self, order_id: str) -> asyncio.Lock:
        return self._locks.setdefault(order_id, asyncio.Lock())

    @property
    def channel_id(self) -> int | None:
        return self.runtime.config.discord.marketplace_channel_id

    async def room_of(self, order_id: str) -> int | None:
        found = await self.runtime.conversations.chat_of(PLATFORM, order_id, ROOM_KIND)
        return int(found) if found else None

    async def order_of(self, channel_id: int) -> str | None:
        return await self.runtime.conversations.order_of_message(PLATFORM, str(channel_id), ROOM)

    async def _remembered(self, thread_id: int, key: str) -> bool:
        return await self.runtime.conversations.order_of_message(PLATFORM, str(thread_id), key) is not None

    async def _remember(self, thread_id: int, key: str, kind: str, order_id: str, account: str | None = None) -> None:
        await self.runtime.conversations.remember(PLATFORM, str(thread_id), key, kind, order_id, account)

    async def thread(self, thread_id: int) -> discord.Thread:
        found = self.client.get_channel(thread_id)
        return found if isinstance(found, discord.Thread) else await self.client.fetch_channel(thread_id)

    async def _on_discord(self, accounts) -> dict[str, tuple[int, str]]:
        """account -> (Discord user id, language) for those of these accounts who are on Discord."""
        on_discord = await self.runtime.people.on_platform(accounts, PLATFORM)
        return {account_id: (int(identity.external_id), account.language)
                for account_id, (account, identity) in on_discord.items()}

    # --- keeping a room in step with its order -----------------------------------------------------

    async def sync(self, order: Order) -> None:
        """The order's room in step with the order as given (a notice's: as its batch read it, no read here)."""
        if self.channel_id is None:
            return  # no marketplace channel: Discord parties talk through the bot's DMs
        async with self.lock(order.id):
            if order.version < self._synced.get(order.id, 0):
                return  # a newer version of it was kept in step already
            self._synced[order.id] = order.version
            parties = await self._on_discord((order.buyer, order.seller))
            if not parties:
                return
            thread = await self._room(order, parties)
            if thread is None:
                return
            people = dict(parties)
            dispute = order.dispute
            if order.stage is Stage.DISPUTED and dispute is not None and dispute.moderator:
                people.update(await self._on_discord((dispute.moderator,)))
            for account_id, (user_id, _) in people.items():
                await self._add(thread, order.id, account_id, user_id)
            try:
                await self._post_deliveries(thread, order, parties)
            except Exception:  # noqa: BLE001 — a file's platform down: posted with a later notice; the lock goes on
                log.warning("order %s: a delivery could not be posted in its room yet", order.id, exc_info=True)
            await self._set_lock(thread, order, parties)

    async def _room(self, order: Order, parties: dict[str, tuple[int, str]]) -> discord.Thread | None:
        """The order's room: the one it has, else one this process opens if the database lets it claim the
        opening, else the one the process that claimed it opens (None if that does not come in time)."""
        key = f"{ROOM}:{order.id}"
        give_up = asyncio.get_running_loop().time() + WAIT_FOR_ROOM
        while True:
            thread_id = await self.room_of(order.id)
            if thread_id is not None:
                return await self.thread(thread_id)
            if order.closed_at is not None:
                return None  # an order closed before it had a room does not get one now
            if await self.runtime.conversations.claim(PLATFORM, key, order.id, CLAIM_LEASE):
                try:
                    return await self._open(order, parties, key)
                except Exception:
                    await self.runtime.conversations.release(PLATFORM, key)
                    raise
            if asyncio.get_running_loop().time() >= give_up:
                log.warning("order %s: its room, claimed by another process, did not come; next notice tries again",
                            order.id)
                return None
            await asyncio.sleep(0.2)

    async def _open(self, order: Order, parties: dict[str, tuple[int, str]], claim: str) -> discord.Thread:
        parent = self.client.get_channel(self.channel_id) or await self.client.fetch_channel(self.channel_id)
        thread = await parent.create_thread(name=clip(f"#{order.id} {order.title}", 100),
                                            type=discord.ChannelType.private_thread, invitable=False,
                                            auto_archive_duration=WEEK)
        await self.runtime.conversations.claimed_room(PLATFORM, claim, str(thread.id), ROOM, ROOM_KIND, order.id)
        self._locked[thread.id] = False
        elsewhere = [account for account in (order.buyer, order.seller) if account not in parties]
        lines = []
        for lang in dict.fromkeys(lang for _, lang in parties.values()):
            line = translate(N_("Order #{order} — {title}: this private room is for the buyer and the seller "
                                "(and a moderator, in a dispute). Everything written here is kept with the "
                                "order; contact details are masked."), lang).format(order=order.id,
                                                                                     title=plain(order.title))
            if elsewhere:
                line += " " + translate(N_("The other party is on another platform: what you write here is "
                                           "relayed to them, and their messages appear here."), lang)
            lines.append(line)
        await thread.send(clip("\n\n".join(lines), CONTENT))
        return thread

    async def _add(self, thread: discord.Thread, order_id: str, account_id: str, user_id: int) -> None:
        key = f"member:{account_id}"
        if await self._remembered(thread.id, key):
            return
        await thread.add_user(discord.Object(user_id))
        await self._remember(thread.id, key, MEMBER_KIND, order_id, account_id)

    async def _post_deliveries(self, thread: discord.Thread, order: Order, parties: dict[str, tuple[int, str]]) -> None:
        """Each delivery's words (masked as the chat is) and files in the room too, once: both parties read it
        where they talk, whichever platform the seller delivered from."""
        rt = self.runtime
        langs = dict.fromkeys(lang for _, lang in parties.values())
        for number, delivery in enumerate(order.deliveries, 1):
            key = f"delivery:{number}"
            if await self._remembered(thread.id, key):
                continue
            found = [await rt.files.fetch(ref, UPLOAD_LIMIT) for ref in delivery.files[:MAX_FILES]]
            found += [Missing(name_of(ref)) for ref in delivery.files[MAX_FILES:]]
            files, _ = uploads(found, next(iter(langs)))  # its notes are written below, in every party's language
            heading = DELIVERED if number == 1 else DELIVERED_AGAIN
            lines = [translate(heading, lang).format(order=order.id, number=number) for lang in langs]
            notes = [missing.note(lang) for lang in langs for missing in found if isinstance(missing, Missing)]
            said = plain(shown(delivery.message, rt.config.settings))  # the seller's words, as words
            chunks = pack(["\n".join(lines), said, "\n".join(notes)], CONTENT)
            for chunk in chunks[:-1]:  # a long message in several, never cut
                await thread.send(chunk, suppress_embeds=True)
            await thread.send(chunks[-1], suppress_embeds=True, **({"files": files} if files else {}))
            await self._remember(thread.id, key, SAID_KIND, order.id)

    async def _set_lock(self, thread: discord.Thread, order: Order, parties: dict[str, tuple[int, str]]) -> None:
        """Locked exactly when core lets neither party write; the change is said in the room."""
        rt = self.runtime
        now = rt.clock.now()
        decisions = {account: may_send(order, Viewer(account), now, rt.config.settings)
                     for account in (order.buyer, order.seller)}
        locked = not any(d.allowed for d in decisions.values())
        was = self._locked.get(thread.id, thread.locked)
        if locked == was:
            return
        if locked:
            told: dict[str, list[str]] = {}  # what each is told, and to whom: the same words once, to both
            for account, (user_id, lang) in parties.items():
                decision = decisions[account]
                head = (translate(N_("🔒 This room is locked until {until}."), lang).format(until=stamp(decision.until))
                        if decision.until else translate(N_("🔒 This room is locked."), lang))
                told.setdefault(f"{head} {decision.reason.render(lang)}", []).append(f"<@{user_id}>")
            await thread.send(clip("\n".join(f"{' '.join(who)} {text}" for text, who in told.items()), CONTENT))
            await thread.edit(locked=True)
        else:
            await thread.edit(locked=False, archived=False)
            langs = dict.fromkeys(lang for _, lang in parties.values())
            await thread.send("\n".join(translate(N_("🔓 This room is open again."), lang) for lang in langs))
        self._locked[thread.id] = locked

    # --- the chat in the room --------------------------------------------------------------------

    async def said_here(self, thread_id: int, order_id: str, message_id: int) -> None:
        """A chat message written in the room: everyone in it has seen it already."""
        await self._remember(thread_id, f"chat:{message_id}", SAID_KIND, order_id)

    async def relay(self, message: Outgoing, text: str, files: list[discord.File] = ()) -> str | None:
        """A chat notice for someone in the order's room, posted there once for everyone in it (or not at
        all if it was written there); None when this person has no room (the notice goes by DM)."""
        said = chat_message_id(message.dedupe_key)
        if said is None or message.order_id is None or self.channel_id is None:
            return None
        async with self.lock(message.order_id):
            thread_id = await self.room_of(message.order_id)
            if thread_id is None or not await self._remembered(thread_id, f"member:{message.account_id}"):
                return None
            key = f"chat:{said}"
            if await self._remembered(thread_id, key):
                return f"{thread_id}:{key}"
            thread = await self.thread(thread_id)
            chunks = pack([text], CONTENT) or [""]
            for chunk in chunks[:-1]:  # a long message in several, never cut
                await thread.send(chunk, suppress_embeds=True)
            sent = await thread.send(chunks[-1], suppress_embeds=True, **({"files": list(files)} if files else {}))
            await self._remember(thread_id, key, SAID_KIND, message.order_id)
            return str(sent.id)


class RoomKeeper:
    """The relay's observer: after each delivered notice of an order, its room follows the order.
    It asks for the Discord notifier of the moment, so a restarted client takes over."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime

    async def __call__(self, message: Outgoing) -> None:
        notifier = self.runtime.relay.notifiers.get(PLATFORM)
        rooms = getattr(notifier, "rooms", None)
        if message.order is not None and rooms is not None:  # the order as the notice's batch read it
            await rooms.sync(message.order)
