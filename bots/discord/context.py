"""Who is acting: the Discord user behind an interaction, as a Comptoir account.

On Discord a person's `identities.chat_id` is their *user id*, not a DM channel id. It is known
from the very first interaction (even one in a server, before any DM exists), and the notifier
opens (or finds) the DM channel from it with one idempotent call.
"""

from __future__ import annotations


import discord

from bots.people import Person
from bots.runtime import Runtime
from core.i18n import language

PLATFORM = "discord"


def runtime(interaction: discord.Interaction) -> Runtime:
    return interaction.client.runtime


def moderator(user: discord.User | discord.Member, role_name: str) -> bool | None:
    """In a server, whether the member holds the moderator role; in a DM there are no roles to read
    (None: the account keeps what the last server interaction said)."""
    roles = getattr(user, "roles", None)
    if roles is None:
        return None
    return any(role.name == role_name for role in roles)


async def person(interaction: discord.Interaction) -> Person | None:
    """The account of whoever interacted, created on first contact and kept current."""
    return await person_of(runtime(interaction), interaction.user, str(interaction.locale))


async def person_of(rt: Runtime, user: discord.User | discord.Member, locale: str | None = None) -> Person | None:
    """The account of a Discord user (who interacted, or wrote a message: messages carry no locale)."""
    if user.bot:
        return None
    async with rt.store.unit_of_work() as uow:
        account = await uow.accounts.ensure(
            PLATFORM, str(user.id), name=user.display_name or user.name,
            language=language(locale) if locale else rt.config.default_language,
            timezone=rt.config.default_timezone, chat_id=str(user.id), username=user.name,
            moderator=moderator(user, rt.config.discord.moderator_role))
        await uow.commit()
    return Person(account, user.id)
