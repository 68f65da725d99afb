"""Who is acting: the Discord user behind an interaction, as a Comptoir account, and whether they moderate.

On Discord a person's `identities.chat_id` is their *user id*, not a DM channel id. It is known
from the very first interaction (even one in a server, before any DM exists), and the notifier
opens (or finds) the DM channel from it with one idempotent call.

A moderator is an identity, checked live at every act: a user listed in `discord.moderator_user_ids`, or a
member holding one of `discord.moderator_role_ids` *in the marketplace's server* (`discord.guild_id`). A
role's name proves nothing (anyone can create a "Moderator" role in a server of their own), and nothing
is kept as a permission: a role removed stops working at the next act. The member is read from the
interaction when it comes from the marketplace's server (Discord sends its current roles with it), and
fetched from that server otherwise (a DM, another server), only when an act needs a moderator.
"""

from __future__ import annotations

import discord

from core.people import Authority, Person
from bots.runtime import Runtime
from core.i18n import language

PLATFORM = "discord"
LISTED = "discord.moderator_user_ids"
#: where an interaction keeps its person (discord.py's Interaction.extras), resolved once
PERSON = "comptoir.person"
UNCHECKED = object()  # nothing needed to know: the person is not a moderator for this act


def runtime(interaction: discord.Interaction) -> Runtime:
    return interaction.client.runtime


async def authority(client: discord.Client, rt: Runtime, user: discord.abc.User,
                    fetch: bool = True) -> Authority | None | object:
    """Whether this user moderates now: an Authority, None, or UNCHECKED when telling would need a request to
    Discord and `fetch` is False. A fetch that fails otherwise than "no such member" raises: refused, not
    guessed."""
    config = rt.config.discord
    if user.id in config.moderator_user_ids:
        return Authority(PLATFORM, str(user.id), LISTED)
    if config.guild_id is None or not config.moderator_role_ids:
        return None
    if isinstance(user, discord.Member) and user.guild.id == config.guild_id:
        roles = {role.id for role in user.roles}  # sent with this very interaction or message: current
    elif fetch:
        try:
            member = await client.http.get_member(config.guild_id, user.id)
        except discord.NotFound:  # not (or no longer) in the marketplace's server
            return None
        roles = {int(role) for role in member.get("roles", ())}
    else:
        return UNCHECKED
    held = next((role for role in config.moderator_role_ids if role in roles), None)
    return Authority(PLATFORM, str(user.id), f"role:{held}") if held is not None else None


async def person(interaction: discord.Interaction, *, moderating: bool = False, again: bool = False) -> Person | None:
    """The account of whoever interacted, created on first contact and kept current: resolved once per interaction
    and kept with it (`identify`). `moderating`: the act needs to know whether they moderate, even if that takes a
    request to Discord; `again`: their account changed meanwhile (their language)."""
    if not (moderating or again) and PERSON in interaction.extras:
        return interaction.extras[PERSON]
    found = await person_of(runtime(interaction), interaction.user, str(interaction.locale),
                            client=interaction.client, moderating=moderating)
    interaction.extras[PERSON] = found  # the best known: what follows in this interaction acts as it
    return found


async def identify(interaction: discord.Interaction) -> bool:
    """Before any handler (the command tree's interaction_check, and `orders.guarded` for buttons, selects and
    modals): the person behind the interaction, resolved once for all its handling. False: nobody (a bot)."""
    return await person(interaction) is not None


def resolved(interaction: discord.Interaction) -> Person:
    """The person `identify` resolved for this interaction."""
    return interaction.extras[PERSON]


async def person_of(rt: Runtime, user: discord.User | discord.Member, locale: str | None = None, *,
                    client: discord.Client | None = None, moderating: bool = False) -> Person | None:
    """The account of a Discord user (who interacted, or wrote a message: messages carry no locale)."""
    if user.bot:
        return None
    found = await authority(client, rt, user, fetch=moderating and client is not None)
    checked = found is not UNCHECKED
    moderator = found if isinstance(found, Authority) else None
    account = await rt.people.known(PLATFORM, str(user.id), name=user.display_name or user.name,
                                    language=language(locale) if locale else rt.config.default_language,
                                    timezone=rt.config.default_timezone, chat_id=str(user.id), username=user.name,
                                    moderator=(moderator is not None) if checked else None)
    return Person(account, user.id, moderator=moderator)


async def as_moderator(interaction: discord.Interaction, who: Person) -> Person:
    """The same person, checked as a moderator now if they were not (an act on an order they are no party to)."""
    if who.moderator is not None:
        return who
    return await person(interaction, moderating=True) or who


async def still_moderator(client: discord.Client, user_id: str) -> bool:
    """Whether this user moderates right now (a moderator's notice is checked so before it is sent)."""
    return isinstance(await authority(client, client.runtime, discord.Object(int(user_id))), Authority)
