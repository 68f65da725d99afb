"""Whether an interaction is served at all: only in the marketplace's server (or a DM with the bot).

Every command, button and modal passes here before its handler: the command tree's own check for commands
and their autocomplete, `orders.guarded` for the rest. A server other than the marketplace's (anyone can add
the bot to a server of their own) gets a private refusal and nothing else.
"""

from __future__ import annotations

import discord
from discord import app_commands

from core.i18n import N_, language, translate

ELSEWHERE = N_("I serve this marketplace's own server only: use me there, or in a direct message.")


def elsewhere(interaction: discord.Interaction) -> bool:
    """Whether this comes from a server that is not the marketplace's (a DM is not a server)."""
    marketplace = interaction.client.runtime.config.discord.guild_id
    return marketplace is not None and interaction.guild_id is not None and interaction.guild_id != marketplace


async def refuse_elsewhere(interaction: discord.Interaction) -> bool:
    """True (and the person told, privately) if this interaction must not be served here."""
    if not elsewhere(interaction):
        return False
    if interaction.type is discord.InteractionType.autocomplete:
        await interaction.response.autocomplete([])
    elif not interaction.response.is_done():
        await interaction.response.send_message(translate(ELSEWHERE, language(str(interaction.locale))),
                                                ephemeral=True)
    return True


class DeskTree(app_commands.CommandTree):
    """The command tree: commands (and their autocomplete) run only where `refuse_elsewhere` lets them."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return not await refuse_elsewhere(interaction)
