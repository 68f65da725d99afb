"""Moderator commands are shown, in Discord's command picker, only to members allowed to moderate (and only in
servers); everyone's commands stay visible to everyone. Hiding is a courtesy: the live check is the guard."""

import discord

from bots.discord import commands, moderation, offers


def test_moderator_commands_are_hidden_from_members_who_cannot_moderate_and_exist_only_in_servers():
    assert {command.name for command in moderation.COMMANDS} >= {"disputes", "evidence", "suspend", "flagged"}
    for command in moderation.COMMANDS:
        assert command.default_permissions == discord.Permissions(moderate_members=True), command.name
        assert command.guild_only, command.name


def test_everyones_commands_are_shown_to_everyone():
    for command in commands.COMMANDS + offers.COMMANDS:
        assert command.default_permissions is None, command.name
