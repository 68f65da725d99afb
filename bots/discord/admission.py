"""Whether an interaction is served at all: only in the marketplace's server (or a DM with the bot), and within
the person's limit of presses (bots.limits); served, its person is resolved once, for every handler.

Every command, button and modal passes here before its handler: the command tree's own check for commands
and their autocomplete (the server only), `orders.guarded` for all (the server and the limit: every handler
runs through it once). A server other than the marketplace's (anyone can add the bot to a server of their
own) gets a private refusal and nothing else; a press over the limit, the time to wait.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bots.discord.context import PLATFORM, identify
from bots.limits import PRESSES, TOO_FAST, check
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


async def refused(interaction: discord.Interaction) -> bool:
    """True (and the person told, privately) if this interaction is not served: another server, or a press over
    the person's limit."""
    if await refuse_elsewhere(interaction):
        return True
    verdict = check(interaction.client.runtime, PRESSES, PLATFORM, interaction.user.id)
    if verdict.allowed:
        return not await identify(interaction)  # served: its person resolved once, for every handler
    text = translate(TOO_FAST[PRESSES], language(str(interaction.locale))).format(seconds=verdict.wait)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)
    return True


class DeskTree(app_commands.CommandTree):
    """The command tree: commands (and their autocomplete) run only where `refuse_elsewhere` lets them."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return not await refuse_elsewhere(interaction) and await identify(interaction)
