"""`comptoir check`: the deployment as a checklist — config, database, each platform's token and permissions, and
settings that cannot work together — with the fix for each ✗."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from bots.config import Config, ConfigError, load_config
from bots.command.startup import DISCORD_API, INTENTS, TELEGRAM_API, redacted
from storage.probe import probe

#: seconds a platform gets to answer each call
TIMEOUT = 20.0


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str  # the thing checked: "database", "telegram token"...
    detail: str  # what was found
    fix: str = ""  # for a ✗ or a ⚠: what to do
    warning: bool = False  # ⚠: it works, but people get less than they should; not counted as a problem

    def lines(self) -> list[str]:
        mark = "⚠" if self.warning else "✓" if self.ok else "✗"
        out = [f"{mark} {self.what}: {self.detail}"]
        if (not self.ok or self.warning) and self.fix:
            out.append(f"    fix: {self.fix}")
        return out


def unworkable(config: Config) -> list[str]:
    """Settings that cannot work together, known from the config alone: `run` warns of them (`check` says more, having
    read the Discord server's roles). A payment made by hand is confirmed by a moderator, a dispute decided by one."""
    tg = config.telegram
    if not tg.token or tg.moderators or config.discord.token:  # Discord's moderators are known from the server
        return []
    if tg.payment == "manual":
        return ['telegram.payment is "manual" but telegram.moderators is empty: nobody can ever confirm a payment '
                "(see `comptoir check`)"]
    return ["telegram.moderators is empty: nobody can decide a dispute (see `comptoir check`)"]


async def check(path: str | None = None, environ: Mapping[str, str] | None = None) -> list[Finding]:
    environ = os.environ if environ is None else environ
    try:
        config = load_config(path, environ)
    except ConfigError as error:
        return [Finding(False, "config", str(error), "correct it: config.example.toml documents every setting")]
    source = path or environ.get("COMPTOIR_CONFIG") or "no file: the built-in defaults"
    findings = [Finding(True, "config", f"{source}: every setting is valid")]
    findings += await _database(config)
    if not (config.telegram.token or config.discord.token):
        findings.append(Finding(False, "chat platforms", "no token is set, so `comptoir run` would serve nothing",
                                f"set {config.telegram.token_env} (docs/setup-telegram.md) or "
                                f"{config.discord.token_env} (docs/setup-discord.md)"))
    discord_moderators: bool | None = None
    if config.telegram.token:
        findings += await _telegram(config)
    if config.discord.token:
        found, discord_moderators = await _discord(config)
        findings += found
    findings.append(_moderation(config, discord_moderators))
    findings += _payment_instructions(config)
    return [Finding(f.ok, f.what, redacted(f.detail, config), redacted(f.fix, config), f.warning) for f in findings]


async def main(path: str | None = None) -> int:
    findings = await check(path)
    for finding in findings:
        print("\n".join(finding.lines()))
    problems = sum(not f.ok for f in findings)
    print(f"\n{problems} problem(s): fix them and run `comptoir check` again." if problems
          else "\nEverything holds: `comptoir run` can start.")
    sys.stdout.flush()
    return 1 if problems else 0


# --- the database -------------------------------------------------------------------------------------------------

async def _database(config: Config) -> list[Finding]:
    found = await probe(config.database_url)
    if found.unreachable:
        return [Finding(False, "database", f"{found.where}: {found.unreachable}",
                        "see docs/operations.md for the database URL")]
    findings = [Finding(True, "database", f"{found.where} answers" if found.created
                        else f"{found.where}, to be created in a directory that exists")]
    if found.schema:
        findings.append(Finding(False, "database schema", found.schema, "run `comptoir migrate --config …`"))
    else:
        findings.append(Finding(True, "database schema", f"at the newest migration ({found.revision})"))
    if found.revision is not None or found.read_only:
        findings.append(Finding(not found.read_only, "database writable", found.read_only or "a test write went through",
                                "give the bot's database user the right to write (or the SQLite file's owner)"))
    return findings


# --- Telegram -----------------------------------------------------------------------------------------------------

async def _telegram(config: Config) -> list[Finding]:
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    tg = config.telegram
    bot = Bot(tg.token, base_url=tg.base_url) if tg.base_url else Bot(tg.token)
    try:
        async with asyncio.timeout(TIMEOUT):
            await bot.initialize()  # getMe
        me = bot.bot
    except InvalidToken:
        return [Finding(False, "telegram token", f"Telegram refused the token in {tg.token_env} (Unauthorized)",
                        f"copy it again from @BotFather (/mybots → your bot → API Token) into {tg.token_env}")]
    except (NetworkError, TimeoutError) as error:
        return [Finding(False, "telegram token", f"cannot reach the Bot API at {tg.base_url or TELEGRAM_API} "
                                                 f"({getattr(error, 'message', type(error).__name__)})",
                        "check this machine's network and proxy, or telegram.base_url")]
    except TelegramError as error:
        return [Finding(False, "telegram token", f"the Bot API answered “{error.message}”", "try again later")]
    finally:
        try:
            await bot.shutdown()
        except Exception:  # noqa: BLE001 — shutting down a bot that never started
            pass
    findings = [Finding(True, "telegram token", f"@{me.username} (id {me.id})")]
    if tg.mode == "webhook":
        findings.append(Finding(True, "telegram webhook",
                                f"Telegram will post to {tg.webhook_url}; a reverse proxy must pass it to "
                                f"{tg.webhook_listen}:{tg.webhook_port}"))
    payment = ("Telegram Stars (no provider token needed)" if tg.payment == "stars"
               else "by hand, each payment confirmed by a moderator")
    findings.append(Finding(True, "telegram payment", payment))
    return findings


# --- Discord ------------------------------------------------------------------------------------------------------

async def _discord(config: Config) -> tuple[list[Finding], bool | None]:
    """The findings, and whether the server has the moderators the config names (None: could not tell)."""
    import aiohttp
    import discord
    from discord.http import Route

    from bots.discord.app import use_api
    from bots.discord.invite import LABELS, channel_permissions, invite_url, needed

    dc = config.discord
    api = Route.BASE  # discord.py keeps it in a class attribute: put back once checked
    if dc.base_url:
        use_api(dc.base_url)
    client = discord.Client(intents=discord.Intents(guilds=True))  # REST only: it never connects to the gateway
    findings: list[Finding] = []
    try:
        async with asyncio.timeout(TIMEOUT):
            try:
                await client.login(dc.token)
            except discord.LoginFailure:
                return [Finding(False, "discord token", f"Discord refused the token in {dc.token_env} (401)",
                                f"reset it in the Developer Portal (your application → Bot → Reset Token) and put "
                                f"the new one in {dc.token_env}")], None
            except (aiohttp.ClientError, OSError) as error:
                return [Finding(False, "discord token", f"cannot reach Discord's API at {dc.base_url or DISCORD_API} "
                                                        f"({type(error).__name__})",
                                "check this machine's network and proxy, or discord.base_url")], None
            me = client.user
            findings.append(Finding(True, "discord token", f"logged in as {me.name} (id {me.id})"))
            application = await client.application_info()
            flags = application.flags
            content = flags.gateway_message_content or flags.gateway_message_content_limited
            findings.append(Finding(content, "discord intent",
                                    "Message Content is enabled" if content else "Message Content is not enabled: "
                                    "the bot would be refused at the gateway", INTENTS))
            invite = invite_url(application.id)
            if dc.guild_id is None:
                findings.append(Finding(False, "discord server", "discord.guild_id is not set",
                                        "set it to the marketplace server's id (docs/setup-discord.md)"))
                return findings, None
            try:
                guild = await client.http.get_guild(dc.guild_id)
                member = await client.http.get_member(dc.guild_id, me.id)
            except (discord.NotFound, discord.Forbidden):
                findings.append(Finding(False, "discord server", f"the bot is not in server {dc.guild_id}",
                                        f"check discord.guild_id, or add the bot with {invite}"))
                return findings, None
            findings.append(Finding(True, "discord server", f"{guild['name']} ({dc.guild_id})"))
            roles = {int(role["id"]): role["name"] for role in guild["roles"]}
            moderators, found = _discord_moderators(dc, roles)
            findings += found
            if dc.marketplace_channel_id is None:
                findings.append(Finding(True, "discord channel", "none: order chats go through direct messages"))
                return findings, moderators
            try:
                channel = await client.http.get_channel(dc.marketplace_channel_id)
            except (discord.NotFound, discord.Forbidden):
                findings.append(Finding(False, "discord channel",
                                        f"channel {dc.marketplace_channel_id} does not exist or the bot cannot see it",
                                        "check discord.marketplace_channel_id (right-click the channel: Copy "
                                        "Channel ID) and the channel's permissions for the bot's role"))
                return findings, moderators
            if str(channel.get("guild_id")) != str(dc.guild_id) or channel.get("type") != discord.ChannelType.text.value:
                findings.append(Finding(False, "discord channel",
                                        f"#{channel.get('name', '?')} is not a text channel of {guild['name']}",
                                        "choose a text channel of the marketplace server"))
                return findings, moderators
            findings.append(Finding(True, "discord channel", f"#{channel['name']} ({dc.marketplace_channel_id})"))
            has = channel_permissions(guild, member, channel)
            missing = [name for name, wanted in needed() if wanted and not getattr(has, name)]
            findings.append(Finding(
                not missing, "discord permissions",
                f"the bot has every permission it needs in #{channel['name']}" if not missing else
                f"the bot lacks {', '.join(LABELS[name] for name in missing)} in #{channel['name']}",
                f"grant them to the bot's role in the channel's settings (Permissions), or add the bot again with "
                f"{invite}"))
            return findings, moderators
    except TimeoutError:
        findings.append(Finding(False, "discord", f"Discord did not answer within {TIMEOUT:.0f} s", "try again later"))
        return findings, None
    finally:
        await client.close()
        Route.BASE = api


def _discord_moderators(dc, roles: dict[int, str]) -> tuple[bool, list[Finding]]:
    """Whether the server has the moderators the config names, and the finding."""
    if dc.moderator_role_ids or dc.moderator_user_ids:
        unknown = [role for role in dc.moderator_role_ids if role not in roles]
        if unknown:
            known = len(unknown) < len(dc.moderator_role_ids) or bool(dc.moderator_user_ids)
            return known, [Finding(
                False, "discord moderators", f"role id(s) {', '.join(map(str, unknown))} are not roles of the server",
                "right-click the moderators' role (Developer Mode on): Copy Role ID, into discord.moderator_role_ids")]
        named = [f"the role “{roles[role]}”" for role in dc.moderator_role_ids]
        named += [f"{len(dc.moderator_user_ids)} user(s) by id"] if dc.moderator_user_ids else []
        return True, [Finding(True, "discord moderators", ", ".join(named))]
    return False, [Finding(False, "discord moderators", "no moderator is configured for Discord",
                           "set discord.moderator_role_ids to the moderators' role id (docs/setup-discord.md)")]


# --- what cannot work together ------------------------------------------------------------------------------------

def _moderation(config: Config, discord_moderators: bool | None) -> Finding:
    """Someone must confirm payments made by hand and decide disputes. `discord_moderators`: whether the server has the
    moderators the config names (None: the server could not be read; the ids configured are taken at their word)."""
    dc = config.discord
    on_telegram = bool(config.telegram.token and config.telegram.moderators)
    if discord_moderators is None:
        discord_moderators = bool(dc.moderator_user_ids or dc.moderator_role_ids)
    on_discord = bool(dc.token) and discord_moderators
    manual = bool(config.telegram.token and config.telegram.payment == "manual") or bool(dc.token)
    if on_telegram or on_discord:
        where = ([f"{len(config.telegram.moderators)} on Telegram"] if on_telegram else []) + \
                (["on Discord"] if on_discord else [])
        duty = "they confirm payments made by hand and decide disputes" if manual else "they decide disputes"
        return Finding(True, "moderators", f"{' and '.join(where)}: {duty}")
    if manual:
        return Finding(False, "moderators", 'payment is "manual" but there is no moderator: nobody can ever confirm a '
                                            "payment (nor decide a dispute)",
                       "add your Telegram user id to telegram.moderators (docs/setup-telegram.md says how to find "
                       'it), or the moderators\' role to discord.moderator_role_ids, or use telegram.payment = "stars"')
    return Finding(False, "moderators", "there is no moderator: nobody can decide a dispute",
                   "add your Telegram user id to telegram.moderators (docs/setup-telegram.md)")


def _payment_instructions(config: Config) -> list[Finding]:
    """Buyers who pay by hand are told how from the config; without instructions, only that a moderator will."""
    if not (config.telegram.token and config.telegram.payment == "manual") and not config.discord.token:
        return []  # nobody pays by hand
    written = [lang for lang, _ in config.payment.instructions]
    if written:
        return [Finding(True, "payment instructions", f"shown to buyers who pay by hand, in {', '.join(written)}")]
    return [Finding(True, "payment instructions", "none: buyers who pay by hand are only told that a moderator "
                                                  "will tell them how to pay",
                    'set [payment] instructions = { en = "…", fr = "…" } (config.example.toml)', warning=True)]
