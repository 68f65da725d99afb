"""The Discord bot: one function builds the client, its command tree and its persistent buttons."""

from __future__ import annotations

import asyncio
import logging

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bots.discord import chat, orders, routes
from bots.discord.admission import DeskTree
from bots.discord.context import PLATFORM, still_moderator
from bots.discord.notifier import DiscordNotifier
from bots.discord.files import PREFIX, DiscordFiles
from bots.discord.rooms import RoomKeeper, Rooms
from bots.discord.today import DiscordToday
from bots.discord.translator import CatalogTranslator
from bots.runtime import Plug, Runtime
from bots.turns import Turns

log = logging.getLogger(__name__)

#: a rate limit longer than this is not waited out in place: the notifier hands it to the relay
MAX_RATE_LIMIT_WAIT = 10.0


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


def client_options() -> dict:
    # people's words (titles, reasons, chat) are shown as they wrote them: they never ping anyone
    return {"intents": intents(), "max_ratelimit_timeout": MAX_RATE_LIMIT_WAIT,
            "allowed_mentions": discord.AllowedMentions.none()}


class _Desk:
    """What the single and the sharded client share: the runtime, the commands, the buttons, the rooms."""

    runtime: Runtime
    tree: app_commands.CommandTree
    rooms: Rooms
    turns: Turns

    def _set_up_desk(self, runtime: Runtime, sync_commands: bool) -> None:
        self.runtime = runtime
        self.turns = Turns()
        self.sync_commands = sync_commands
        self.rooms = Rooms(self, runtime)
        self.tree = DeskTree(self)
        self.tree.error(_on_command_error)
        routes.add_commands(self.tree)  # every command, button, select and modal: bots.discord.routes

    async def on_message(self, message: discord.Message) -> None:
        """Chat: in an order's room, or to the bot by DM (bots.discord.chat); each person's messages in turn."""
        try:
            async with self.turns.turn(message.author.id):
                await chat.on_message(self, message)
        except Exception:  # noqa: BLE001 — one message must not stop the others
            log.exception("while handling message %s", message.id)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit: raw, so that a message written before this process started is seen too."""
        try:
            async with self.turns.turn(payload.message.author.id):
                await chat.on_edit(self, payload)
        except Exception:  # noqa: BLE001 — one edit must not stop the others
            log.exception("while handling the edit of message %s", payload.message_id)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A submitted modal: rebuilt by its route, since no process keeps one (bots.discord.modals)."""
        if interaction.type is discord.InteractionType.modal_submit:
            await routes.on_modal(interaction)

    async def setup_hook(self) -> None:
        routes.add_items(self)  # buttons of messages sent before this start work too
        await self.tree.set_translator(CatalogTranslator())
        if self.sync_commands:
            await self.tree.sync()


class DeskClient(_Desk, discord.Client):
    def __init__(self, runtime: Runtime, *, sync_commands: bool = True, **options) -> None:
        super().__init__(**client_options(), **options)
        self._set_up_desk(runtime, sync_commands)


class ShardedDeskClient(_Desk, discord.AutoShardedClient):
    def __init__(self, runtime: Runtime, *, sync_commands: bool = True, **options) -> None:
        super().__init__(**client_options(), **options)
        self._set_up_desk(runtime, sync_commands)


def build_client(runtime: Runtime) -> DeskClient | ShardedDeskClient:
    """The client for this process: sharded when the config names shards. Only the process that runs
    shard 0 (or the only one) syncs the commands, so a fleet of processes does it once."""
    config = runtime.config.discord
    if config.shard_count is None and config.shard_ids is None:
        return DeskClient(runtime)
    shard_ids = list(config.shard_ids) if config.shard_ids is not None else None
    return ShardedDeskClient(runtime, sync_commands=shard_ids is None or 0 in shard_ids,
                             shard_count=config.shard_count, shard_ids=shard_ids)


async def _on_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    await orders.failed(interaction, error)


def use_api(base_url: str) -> None:
    """Sends discord.py's REST calls to another Discord API (a rate-limit proxy, a test's fake Discord).

    discord.py keeps the API's address, and the gateway's, in class attributes: it is one API per process."""
    Route.BASE = base_url.rstrip("/")


async def use_its_gateway(client: discord.Client) -> None:
    """The gateway that API names: a client that is not sharded automatically never asks, it goes to
    Discord's own (DiscordWebSocket.DEFAULT_GATEWAY); resuming a session uses the address READY gave."""
    _, url, _ = await client.http.get_bot_gateway()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


def plug(runtime: Runtime, client: discord.Client) -> Plug:
    """What this adapter adds to the desk, for the composition root to register (Runtime.plug): its notifier, its
    files, whether a Discord user moderates now (checked live), the keeper of the orders' rooms, and its Today
    cards (in each person's DMs)."""
    return Plug(PLATFORM, DiscordNotifier(client, runtime), (PREFIX, DiscordFiles(client)),
                lambda user_id: still_moderator(client, user_id), observers=(RoomKeeper(runtime),),
                today=DiscordToday(client, runtime))


async def start_discord(runtime: Runtime) -> DeskClient | ShardedDeskClient:
    """Logs in, connects to the gateway (in the background) and registers the notifier with the relay."""
    config = runtime.config.discord
    if config.base_url:
        use_api(config.base_url)
    client = build_client(runtime)
    runtime.plug(plug(runtime, client))
    try:
        await client.login(config.token)
        if config.base_url:
            await use_its_gateway(client)
    except BaseException:  # a refused token, an unreachable API: the HTTP session is closed before saying so
        await client.close()
        raise
    client.gateway = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
    ready = asyncio.create_task(client.wait_until_ready())
    await asyncio.wait((client.gateway, ready), return_when=asyncio.FIRST_COMPLETED)
    if client.gateway.done():  # could not connect (a bad token, intents not enabled in the portal)
        ready.cancel()
        await stop_discord(client)
        client.gateway.result()
        raise RuntimeError("the Discord gateway closed while starting")
    return client


async def stop_discord(client: discord.Client) -> None:
    await client.close()
    gateway = getattr(client, "gateway", None)
    if gateway is not None and not gateway.done():
        await asyncio.gather(gateway, return_exceptions=True)
