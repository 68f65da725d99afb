"""A fake Discord on 127.0.0.1 — a slice of REST API v10 and the gateway — for the real discord.py client.

Enough for a bot to log in, connect (HELLO, IDENTIFY → READY and GUILD_CREATE, heartbeats acknowledged,
RESUME after a drop), sync its slash commands, receive interactions and answer them (callbacks, follow-ups,
edits), send messages and DMs, and open private threads. It serves one server ("Marketplace") with an
#orders text channel, a Moderator role and the bot's own role (holding the permissions it was invited with), and
what `comptoir check` reads: the application's flags, the server, a member, a channel — in a thread of its own (aiohttp on its own event loop), so a test
can drive a bot in the same process or a `comptoir run` process alike:

    with FakeDiscord() as fake:      # config: [discord] base_url = fake.base_url; the token is fake.token
        ben = fake.user("ben")
        interaction = await fake.slash(ben, "orders")
        [answer] = await fake.wait_for(lambda: fake.answers(interaction))

What the bot did is recorded: `requests`, `commands`, `messages(channel)`, `threads`, `identifies`,
`resumes`, `closes`. Every message sent or edited is checked as Discord checks it (simcord's validation of the wire
format: Components V2 ⇔ the IS_COMPONENTS_V2 flag and no content nor embeds, what may nest in what, 40 components,
4,000 characters of text, unique custom ids of at most 100 characters, five buttons a row; the flag never removed
by an edit): a message Discord would refuse is answered 400 "Invalid Form Body" (50035), as Discord does, and kept in
`refused`, so that a test fails loudly. tests.fakes.discord_messages reads what a stored message shows.

`drop()` cuts every gateway connection as a network failure would; `fail` and `delay`
make a route answer an error once, or slowly. Anything the fake does not serve answers 404 and is kept in
`unserved`, so a test sees what the bot asked for.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import secrets
import socket
import threading
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple

from aiohttp import WSMsgType, web
from simcord.components import ComponentValidationError, merge_edit_flags, validate_message_state

from tests.fakes.discord_messages import controls

__all__ = ["Call", "FakeDiscord", "TOKEN"]

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.fake.discord-token-for-comptoir-tests"
PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19  # the application flag of the intent, for a bot in fewer than 100 servers
#: the permissions the bot's invite URL asks for (docs/setup-discord.md): view channel, send messages (also in
#: threads), create private threads, manage threads and messages, attach files, embed links, read message history
INVITED = (1 << 10) | (1 << 11) | (1 << 38) | (1 << 36) | (1 << 34) | (1 << 13) | (1 << 15) | (1 << 14) | (1 << 16)
RESUMABLE_DROP = 4000  # "unknown error": Discord's code for a connection to resume
EPHEMERAL = 1 << 6
GUILD_TEXT, DM, PRIVATE_THREAD = 0, 1, 12
_API = "/api/v10"
_BODY = web.RequestKey("body", object)


class Call(NamedTuple):
    method: str
    route: str  # the route's template, e.g. "POST /channels/{channel_id}/messages"
    path: str
    body: Any


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class FakeDiscord:
    def __init__(self, token: str = TOKEN, *, heartbeat_interval: float = 41.25,
                 privileged_intents: bool = True, bot_permissions: int = INVITED) -> None:
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents  # False: as if the portal had not enabled them
        # snowflakes a millisecond (1 << 22) apart: each id has its own creation time, as on Discord
        self._ids = itertools.count(1_300_000_000_000_000_000, 1 << 22)
        self.bot = self._user("Comptoir", bot=True)
        self.application_id = self.bot["id"]
        self.owner = self._user("Owner")  # who made the server (and invited the bot)
        self.guild = {"id": self._id(), "name": "Marketplace"}
        self.channel = self._channel(GUILD_TEXT, name="orders", guild_id=self.guild["id"], position=0)
        self.moderator_role = {"id": self._id(), "name": "Moderator", "color": 0, "hoist": False, "position": 1,
                               "permissions": "0", "managed": False, "mentionable": False, "flags": 0}
        # the role Discord gives a bot invited with permissions, holding them
        self.bot_role = {**self.moderator_role, "id": self._id(), "name": "Comptoir", "position": 2, "managed": True,
                         "permissions": str(bot_permissions), "tags": {"bot_id": self.bot["id"]}}
        self.users: dict[str, dict] = {self.bot["id"]: self.bot, self.owner["id"]: self.owner}
        self.roles: dict[str, list[str]] = {}  # member id -> role ids in the server
        self.channels: dict[str, dict] = {self.channel["id"]: self.channel}
        self._messages: dict[str, list[dict]] = defaultdict(list)
        self.thread_members: dict[str, list[str]] = defaultdict(list)
        self.commands: dict[str | None, list[dict]] = {}  # None: global; else a guild's
        self.requests: list[Call] = []
        self.unserved: list[Call] = []
        self.refused: list[tuple[Call, str]] = []  # messages Discord would not take, with why
        self.identifies: list[dict] = []
        self.resumes: list[dict] = []
        self.heartbeats = 0
        self.closes: list[int | None] = []  # the close code of each gateway connection the bot ended
        self.failures: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # route -> (status, code, text)
        self.delays: dict[str, float] = {}
        self._interactions: dict[str, dict] = {}
        self._sessions: dict[str, dict] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> FakeDiscord:
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="FakeDiscord", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application(middlewares=[self._record])
        for method, path, handler in self._routes():
            app.router.add_route(method, _API + path, _coroutine(handler))
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1)
        self._loop.run_until_complete(self._runner.setup())
        listener = socket.create_server(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        self._loop.run_until_complete(web.SockSite(self._runner, listener).start())
        started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def stop(self) -> None:
        if self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    async def __aenter__(self) -> FakeDiscord:
        return self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await asyncio.to_thread(self.stop)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{_API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def _on_loop(self, work) -> asyncio.Future:
        """Runs a coroutine on the fake's loop; awaitable from the test's."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))

    # --- the world: people, channels, messages -----------------------------------------------------------------
    def _id(self) -> str:
        return str(next(self._ids))

    def _user(self, name: str, bot: bool = False) -> dict:
        return {"id": self._id(), "username": name, "global_name": name.title(), "discriminator": "0",
                "avatar": None, "bot": bot}

    def _channel(self, kind: int, **fields) -> dict:
        return {"id": self._id(), "type": kind, "last_message_id": None, "permission_overwrites": [], "nsfw": False,
                "rate_limit_per_user": 0, "parent_id": None, **fields}

    def user(self, name: str, *, moderator: bool = False) -> dict:
        """A member of the server (with the Moderator role if asked)."""
        user = self._user(name)
        self.users[user["id"]] = user
        self.roles[user["id"]] = [self.moderator_role["id"]] if moderator else []
        return user

    def member(self, user: dict) -> dict:
        return {"user": user, "roles": self.roles[user["id"]], "joined_at": _now(), "deaf": False, "mute": False,
                "flags": 0, "permissions": "0"}

    def dm_channel(self, user: dict) -> dict:
        for channel in self.channels.values():
            if channel["type"] == DM and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = self._channel(DM, recipients=[user])
        self.channels[channel["id"]] = channel
        return channel

    def messages(self, channel: dict | str) -> list[dict]:
        """What was posted in a channel (a DM, a thread), oldest first, as it is now (edits applied)."""
        return list(self._messages[channel["id"] if isinstance(channel, dict) else str(channel)])

    def dms(self, user: dict) -> list[dict]:
        return self.messages(self.dm_channel(user))

    @property
    def threads(self) -> list[dict]:
        return [c for c in self.channels.values() if c["type"] == PRIVATE_THREAD]

    def _post(self, channel_id: str, body: dict, author: dict | None = None, **extra) -> dict:
        body = {**body, "components": _checked(body, previous_flags=0)}
        message = {"id": self._id(), "channel_id": channel_id, "author": author or self.bot, "type": 0,
                   "content": body.get("content") or "", "embeds": body.get("embeds") or [],
                   "components": body.get("components") or [], "flags": body.get("flags") or 0,
                   "attachments": [], "mentions": [], "mention_roles": [], "mention_everyone": False,
                   "pinned": False, "tts": False, "timestamp": _now(), "edited_timestamp": None, **extra}
        if channel_id in self.channels and self.channels[channel_id].get("guild_id"):
            message["guild_id"] = self.channels[channel_id]["guild_id"]
        self._messages[channel_id].append(message)
        return message

    def _edit(self, message: dict, body: dict) -> dict:
        """The message edited as Discord edits it: what the body holds replaces what it had; its flags but
        SUPPRESS_EMBEDS and IS_COMPONENTS_V2 stay, and IS_COMPONENTS_V2 is never removed (checked with the rest)."""
        flags = merge_edit_flags(message["flags"], body.get("flags", message["flags"]) or 0)
        after = {**message, **{key: body[key] for key in ("content", "embeds", "components") if key in body},
                 "flags": flags}
        after["components"] = _checked(after, previous_flags=message["flags"])
        message.update(after, content=after["content"] or "", embeds=after["embeds"] or [], edited_timestamp=_now())
        return message

    def _find_message(self, message_id: str) -> dict | None:
        return next((m for ms in self._messages.values() for m in ms if m["id"] == message_id), None)

    # --- the gateway ---------------------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}, "s": None,
                            "t": None})
        session = None
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                break
            op, data = (payload := json.loads(frame.data))["op"], payload.get("d")
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                session = await self._identify(ws, data)
            elif op == 6:
                session = await self._resume(ws, data)
        if session is not None and session["ws"] is ws:
            session["ws"] = None
            if not session.pop("dropped", False):
                self.closes.append(ws.close_code)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> dict | None:
        self.identifies.append(data)
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if not self.privileged_intents and data.get("intents", 0) & PRIVILEGED:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = data.get("shard") or [0, 1]
        session = {"id": secrets.token_hex(16), "shard": shard, "seq": 0, "sent": [], "ws": ws}
        self._sessions[session["id"]] = session
        mine = [g for g in (self.guild,) if (int(g["id"]) >> 22) % shard[1] == shard[0]]
        await self._send(session, "READY", {
            "v": 10, "user": self.bot, "session_id": session["id"], "resume_gateway_url": self.gateway_url,
            "shard": shard, "guilds": [{"id": g["id"], "unavailable": True} for g in mine],
            "application": {"id": self.application_id, "flags": self.application_flags}})
        for _ in mine:
            await self._send(session, "GUILD_CREATE", self._guild_payload())
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> dict | None:
        self.resumes.append(data)
        session = self._sessions.get(data.get("session_id"))
        if session is None or data.get("token") != self.token:
            await ws.send_json({"op": 9, "d": False, "s": None, "t": None})  # start afresh: IDENTIFY
            return None
        session["ws"] = ws
        for seq, event, payload in session["sent"]:
            if seq > (data.get("seq") or 0):
                await ws.send_json({"op": 0, "s": seq, "t": event, "d": payload})
        await self._send(session, "RESUMED", {})
        return session

    @property
    def application_flags(self) -> int:
        return GATEWAY_MESSAGE_CONTENT_LIMITED if self.privileged_intents else 0

    def _bot_member(self) -> dict:
        return {"user": self.bot, "roles": [self.bot_role["id"]], "joined_at": _now(), "deaf": False, "mute": False,
                "flags": 0}

    def _roles_payload(self) -> list[dict]:
        everyone = {**self.moderator_role, "id": self.guild["id"], "name": "@everyone", "position": 0,
                    "permissions": str(1 << 11 | 1 << 10)}  # send and view messages
        return [everyone, self.moderator_role, self.bot_role]

    def _guild_payload(self) -> dict:
        members = [self.member(self.users[uid]) for uid in self.roles]
        members.append(self._bot_member())
        return {**self.guild, "owner_id": self.owner["id"], "unavailable": False, "member_count": len(members),
                "roles": self._roles_payload(), "channels": [self.channel], "threads": [],
                "members": members, "features": [], "emojis": [], "stickers": [], "voice_states": [],
                "presences": [], "stage_instances": [], "guild_scheduled_events": [], "large": False,
                "joined_at": _now(), "preferred_locale": "en-US", "premium_tier": 0, "system_channel_flags": 0}

    async def _send(self, session: dict, event: str, payload: dict) -> None:
        session["seq"] += 1
        session["sent"].append((session["seq"], event, payload))
        if session["ws"] is not None and not session["ws"].closed:
            await session["ws"].send_json({"op": 0, "s": session["seq"], "t": event, "d": payload})

    async def dispatch(self, event: str, payload: dict) -> None:
        """A gateway event for the bot, on the shard that has the server (or shard 0, for DMs)."""
        async def send() -> None:
            guild = payload.get("guild_id")
            for session in list(self._sessions.values()):
                shard, count = session["shard"]
                if (int(guild) >> 22) % count == shard if guild else shard == 0:
                    await self._send(session, event, payload)
        await self._on_loop(send())

    @property
    def connected(self) -> int:
        """How many gateway connections are open now."""
        return sum(session["ws"] is not None for session in self._sessions.values())

    async def drop(self) -> None:
        """Cuts every gateway connection as a network failure would: the bot must resume its session."""
        async def cut() -> None:
            for session in self._sessions.values():
                if session["ws"] is not None:
                    session["dropped"] = True
                    await session["ws"].close(code=RESUMABLE_DROP)
        await self._on_loop(cut())

    # --- interactions --------------------------------------------------------------------------------------------
    def _command(self, name: str) -> dict:
        for command in self.commands.get(self.guild["id"], []) + self.commands.get(None, []):
            if command["name"] == name:
                return command
        raise AssertionError(f"/{name} was never synced: {[c['name'] for cs in self.commands.values() for c in cs]}")

    async def _interact(self, user: dict, kind: int, data: dict, channel: dict | None, locale: str,
                        message: dict | None = None) -> str:
        interaction_id = self._id()
        payload = {"id": interaction_id, "application_id": self.application_id, "type": kind, "data": data,
                   "token": f"{interaction_id}-{secrets.token_hex(8)}", "version": 1, "locale": locale,
                   "app_permissions": str((1 << 53) - 1), "entitlements": [], "attachment_size_limit": 10 << 20}
        channel = channel or self.channel
        if channel.get("guild_id"):
            payload.update(guild_id=self.guild["id"], guild_locale="en-US", member=self.member(user), context=0,
                           guild={"id": self.guild["id"], "locale": "en-US", "features": []},
                           authorizing_integration_owners={"0": self.guild["id"]})
        else:
            payload.update(user=user, context=1, authorizing_integration_owners={"1": user["id"]})
        payload.update(channel_id=channel["id"], channel=channel)
        if message is not None:
            payload["message"] = message
        self._interactions[payload["token"]] = {"payload": payload, "callbacks": [], "answers": [], "original": None}
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload["token"]

    async def slash(self, user: dict, name: str, *, dm: bool = False, locale: str = "en-US", **options) -> str:
        """The person runs /name (in #orders, or in their DM with the bot); returns the interaction's token."""
        command = self._command(name)
        kinds = {option["name"]: option["type"] for option in command.get("options", [])}
        data = {"id": command["id"], "name": name, "type": 1,
                "options": [{"name": key, "type": kinds.get(key, 3), "value": value} for key, value in options.items()]}
        return await self._interact(user, 2, data, self.dm_channel(user) if dm else None, locale)

    async def press(self, user: dict, message: dict, custom_id: str, *, locale: str = "en-US") -> str:
        """The person presses the button `custom_id` of a message the bot sent; returns the interaction's token."""
        assert any(button.get("custom_id") == custom_id for button in controls(message)), \
            f"no button {custom_id!r} on the message"
        return await self._interact(user, 3, {"custom_id": custom_id, "component_type": 2},
                                    self.channels[message["channel_id"]], locale, message)

    def callbacks(self, token: str) -> list[dict]:
        """How the bot answered the interaction (its callbacks: {"type": ..., "data": ...})."""
        return list(self._interactions[token]["callbacks"])

    def answers(self, token: str) -> list[dict]:
        """The messages the bot answered the interaction with (the response, follow-ups), as they are now."""
        return list(self._interactions[token]["answers"])

    # --- REST ------------------------------------------------------------------------------------------------------
    def _routes(self) -> list[tuple[str, str, Callable]]:
        return [
            ("GET", "/users/@me", lambda r: self.bot),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/gateway", lambda r: {"url": self.gateway_url}),
            ("GET", "/gateway/bot", lambda r: {"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}),
            ("PUT", "/applications/{app}/commands", self._sync_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._sync_commands),
            ("POST", "/interactions/{id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._follow_up),
            ("GET", "/webhooks/{app}/{token}/messages/@original", self._original),
            ("PATCH", "/webhooks/{app}/{token}/messages/@original", self._original),
            ("PATCH", "/webhooks/{app}/{token}/messages/{message_id}", self._edit_follow_up),
            ("POST", "/users/@me/channels", self._open_dm),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("PATCH", "/channels/{channel_id}", self._edit_channel),
            ("POST", "/channels/{channel_id}/messages", self._send_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("POST", "/channels/{channel_id}/threads", self._open_thread),
            ("PUT", "/channels/{channel_id}/thread-members/{user_id}", self._add_thread_member),
            ("GET", "/channels/{channel_id}/thread-members", self._list_thread_members),
        ]

    @web.middleware
    async def _record(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        body = await _body(request)
        resource = request.match_info.route.resource
        route = f"{request.method} {resource.canonical[len(_API):] if resource else request.path}"
        call = Call(request.method, route, request.path, body)
        self.requests.append(call)
        if resource is None or request.match_info.http_exception is not None:
            self.unserved.append(call)
            return _error(404, 0, "404: Not Found")
        public = request.path.startswith((f"{_API}/interactions/", f"{_API}/webhooks/"))
        if not public and request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, 0, "401: Unauthorized")
        if route in self.delays:
            await asyncio.sleep(self.delays[route])
        if self.failures[route]:
            return _error(*self.failures[route].pop(0))
        try:
            answer = await handler(request)
        except LookupError as unknown:
            return _error(404, 10003, f"Unknown {unknown.args[0]}")
        except ComponentValidationError as refused:
            self.refused.append((call, str(refused)))
            return _json({"message": "Invalid Form Body", "code": 50035,
                          "errors": {"components": {"_errors": [{"code": "BASE_TYPE_INVALID",
                                                                 "message": str(refused)}]}}}, 400)
        if isinstance(answer, web.StreamResponse):
            return answer
        return _json(answer) if answer is not None else web.Response(status=204)

    def fail(self, route: str, status: int = 500, code: int = 0, text: str = "Internal Server Error") -> None:
        """The next call of this route (e.g. "POST /channels/{channel_id}/threads") answers this error."""
        self.failures[route].append((status, code, text))

    def _application(self, request: web.Request) -> dict:
        return {"id": self.application_id, "name": "Comptoir", "description": "", "icon": None, "bot_public": True,
                "bot_require_code_grant": False, "owner": self.users[self.bot["id"]], "verify_key": "0" * 64,
                "flags": self.application_flags, "team": None, "summary": "", "interactions_endpoint_url": None}

    def _guild(self, request: web.Request) -> dict:
        if request.match_info["guild_id"] != self.guild["id"]:
            raise LookupError("guild")  # Discord: 404 for a server that does not exist, 403 for one the bot is not in
        return self.guild

    def _get_guild(self, request: web.Request) -> dict:
        self._guild(request)
        return {**self.guild, "owner_id": self.owner["id"], "roles": self._roles_payload(), "features": [],
                "emojis": [], "stickers": [], "preferred_locale": "en-US", "premium_tier": 0, "system_channel_flags": 0,
                "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
                "mfa_level": 0, "nsfw_level": 0, "approximate_member_count": len(self.roles) + 1}

    def _get_member(self, request: web.Request) -> dict:
        self._guild(request)
        user_id = request.match_info["user_id"]
        if user_id == self.bot["id"]:
            return self._bot_member()
        if user_id not in self.roles:
            raise LookupError("member")
        return self.member(self.users[user_id])

    async def _sync_commands(self, request: web.Request) -> list[dict]:
        guild = request.match_info.get("guild")
        synced = [{**command, "id": self._id(), "application_id": self.application_id, "version": self._id(),
                   **({"guild_id": guild} if guild else {})} for command in await _body(request)]
        self.commands[guild] = synced
        return synced

    def _interaction(self, request: web.Request) -> dict:
        found = self._interactions.get(request.match_info["token"])
        if found is None or request.match_info.get("id", found["payload"]["id"]) != found["payload"]["id"]:
            raise LookupError("interaction")
        return found

    async def _callback(self, request: web.Request) -> dict | web.Response:
        interaction, body = self._interaction(request), await _body(request)
        if interaction["callbacks"]:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        interaction["callbacks"].append(body)
        payload, kind, data = interaction["payload"], body["type"], body.get("data") or {}
        message = None
        if kind == 4:  # a message
            message = self._post(payload["channel_id"], data)
            interaction["answers"].append(message)
        elif kind == 5:  # "thinking…", replaced by the first follow-up or an edit of @original
            message = self._post(payload["channel_id"], {"flags": data.get("flags", 0)})
            interaction["answers"].append(message)
            interaction["thinking"] = True
        elif kind in (6, 7):  # a component's own message: acknowledged, or updated now
            message = self._find_message(payload["message"]["id"])
            if kind == 7:
                self._edit(message, data)
        interaction["original"] = message
        flags = (message or {}).get("flags", 0)
        return {"interaction": {"id": payload["id"], "type": payload["type"], "response_message_loading": kind == 5,
                                "response_message_ephemeral": bool(flags & EPHEMERAL),
                                **({"response_message_id": message["id"]} if message else {})},
                "resource": {"type": kind, **({"message": message} if message and kind != 6 else {})}}

    async def _follow_up(self, request: web.Request) -> dict:
        interaction, body = self._interaction(request), await _body(request)
        if interaction.pop("thinking", False):  # the first follow-up of a "thinking…" answer takes its place
            return self._edit(interaction["original"], body)
        message = self._post(interaction["payload"]["channel_id"], body)
        interaction["answers"].append(message)
        return message

    async def _original(self, request: web.Request) -> dict:
        interaction = self._interaction(request)
        if interaction["original"] is None:
            raise LookupError("message")
        if request.method == "PATCH":
            interaction.pop("thinking", None)
            self._edit(interaction["original"], await _body(request))
        return interaction["original"]

    async def _edit_follow_up(self, request: web.Request) -> dict:
        interaction = self._interaction(request)
        message = next((m for m in interaction["answers"] if m["id"] == request.match_info["message_id"]), None)
        if message is None:
            raise LookupError("message")
        return self._edit(message, await _body(request))

    async def _open_dm(self, request: web.Request) -> dict:
        user = self.users.get(str((await _body(request))["recipient_id"]))
        if user is None:
            raise LookupError("user")
        return self.dm_channel(user)

    def _get_channel(self, request: web.Request) -> dict:
        channel = self.channels.get(request.match_info["channel_id"])
        if channel is None:
            raise LookupError("channel")
        return channel

    async def _edit_channel(self, request: web.Request) -> dict:
        channel, body = self._get_channel(request), await _body(request)
        channel.update({key: body[key] for key in ("name", "topic") if key in body})
        if "thread_metadata" in channel:
            channel["thread_metadata"].update({key: body[key] for key in ("locked", "archived", "invitable",
                                                                          "auto_archive_duration") if key in body})
        return channel

    async def _send_message(self, request: web.Request) -> dict:
        channel = self._get_channel(request)
        return self._post(channel["id"], await _body(request))

    def _message_of(self, request: web.Request) -> dict:
        message = self._find_message(request.match_info["message_id"])
        if message is None or message["channel_id"] != request.match_info["channel_id"]:
            raise LookupError("message")
        return message

    async def _get_message(self, request: web.Request) -> dict:
        return self._message_of(request)

    async def _edit_message(self, request: web.Request) -> dict:
        return self._edit(self._message_of(request), await _body(request))

    async def _delete_message(self, request: web.Request) -> None:
        message = self._message_of(request)
        self._messages[message["channel_id"]].remove(message)

    async def _open_thread(self, request: web.Request) -> dict:
        parent, body = self._get_channel(request), await _body(request)
        thread = self._channel(body.get("type", PRIVATE_THREAD), name=body["name"], guild_id=parent["guild_id"],
                               parent_id=parent["id"], owner_id=self.bot["id"], member_count=1, message_count=0,
                               thread_metadata={"archived": False, "locked": False, "archive_timestamp": _now(),
                                                "auto_archive_duration": body.get("auto_archive_duration", 4320),
                                                "invitable": body.get("invitable", True)})
        self.channels[thread["id"]] = thread
        self.thread_members[thread["id"]].append(self.bot["id"])
        return thread

    def _add_thread_member(self, request: web.Request) -> None:
        thread, user_id = self._get_channel(request), request.match_info["user_id"]
        if user_id not in self.users:
            raise LookupError("user")
        if user_id not in self.thread_members[thread["id"]]:
            self.thread_members[thread["id"]].append(user_id)

    def _list_thread_members(self, request: web.Request) -> list[dict]:
        thread = self._get_channel(request)
        return [{"id": thread["id"], "user_id": uid, "join_timestamp": _now(), "flags": 0}
                for uid in self.thread_members[thread["id"]]]

    # --- waiting ---------------------------------------------------------------------------------------------------
    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        """Polls predicate() until it is truthy (never blocking the caller's loop); returns its value."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (value := predicate()):
            if asyncio.get_running_loop().time() > deadline:
                recent = [f"{r.route}" for r in self.requests[-8:]]
                raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}; "
                                     f"recent requests: {recent}; unserved: {self.unserved}")
            await asyncio.sleep(0.02)
        return value


async def _body(request: web.Request) -> Any:
    """A request's JSON, from the body or, with files, from the multipart's payload_json (read once)."""
    if _BODY not in request:
        if request.content_type == "multipart/form-data":
            form = await request.post()
            request[_BODY] = json.loads(form["payload_json"]) if "payload_json" in form else {}
        else:
            text = await request.text()
            request[_BODY] = json.loads(text) if text else None
    return request[_BODY]


def _checked(message: dict, previous_flags: int) -> list[dict]:
    """A message's components as Discord stores them (V2 ones numbered), once checked as Discord checks a message
    (ComponentValidationError otherwise: answered 400)."""
    return validate_message_state(message.get("components") or [], flags=int(message.get("flags") or 0),
                                  content=message.get("content"), embeds=message.get("embeds") or [],
                                  previous_flags=previous_flags)


def _json(payload: Any, status: int = 200) -> web.Response:
    # exactly "application/json", no charset: discord.py decodes nothing else
    return web.Response(body=json.dumps(payload).encode(), status=status, headers={"Content-Type": "application/json"})


def _coroutine(handler: Callable) -> Callable:
    """aiohttp wants coroutine handlers; ours return the answer's JSON (or None: 204), some without awaiting."""
    async def handle(request: web.Request) -> Any:
        answer = handler(request)
        return await answer if inspect.isawaitable(answer) else answer
    return handle


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status)
