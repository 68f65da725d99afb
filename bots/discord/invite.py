"""What the bot needs on a Discord server: its permissions, the invite URL's scopes, and that URL."""

from __future__ import annotations

import discord

#: the invite's scopes: the bot user, and the slash commands
SCOPES = ("bot", "applications.commands")


def needed() -> discord.Permissions:
    """Each permission the desk uses, and why (docs/setup-discord.md lists them too; a test keeps both equal)."""
    return discord.Permissions(
        view_channel=True,  # see the marketplace channel
        send_messages=True,  # post offers and answer there
        send_messages_in_threads=True,  # write in an order's room
        create_private_threads=True,  # open an order's room
        manage_threads=True,  # lock a room while the buyer reviews a delivery, add the parties
        manage_messages=True,  # replace a room message whose contact details were masked
        attach_files=True,  # deliveries and briefs carry files
        embed_links=True,  # offers and the checkout are embeds
        read_message_history=True,  # read a room's earlier messages (evidence)
    )


#: each permission as Discord's settings name it (discord.py's names differ: read_messages is View Channels)
LABELS = {
    "read_messages": "View Channels", "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads", "create_private_threads": "Create Private Threads",
    "manage_threads": "Manage Threads", "manage_messages": "Manage Messages", "attach_files": "Attach Files",
    "embed_links": "Embed Links", "read_message_history": "Read Message History",
}


def invite_url(application_id: int) -> str:
    """The URL a server's admin opens to add the bot with exactly these permissions."""
    return discord.utils.oauth_url(application_id, permissions=needed(), scopes=SCOPES)


def channel_permissions(guild: dict, member: dict, channel: dict) -> discord.Permissions:
    """The permissions a member has in a channel, from the REST payloads of the server, the member and the channel:
    Discord's documented computation (base from @everyone and the member's roles; owner and administrator have all;
    then the channel's overwrites for @everyone, the member's roles, and the member)."""
    roles = {role["id"]: int(role["permissions"]) for role in guild["roles"]}
    user_id = member["user"]["id"]
    if guild.get("owner_id") == user_id:
        return discord.Permissions.all()
    value = roles.get(guild["id"], 0)
    for role_id in member["roles"]:
        value |= roles.get(role_id, 0)
    if value & discord.Permissions(administrator=True).value:
        return discord.Permissions.all()
    overwrites = {overwrite["id"]: overwrite for overwrite in channel.get("permission_overwrites", [])}

    def apply(value: int, allow: int, deny: int) -> int:
        return (value & ~deny) | allow

    if guild["id"] in overwrites:
        everyone = overwrites[guild["id"]]
        value = apply(value, int(everyone["allow"]), int(everyone["deny"]))
    allow = deny = 0
    for role_id in member["roles"]:
        if role_id in overwrites:
            allow |= int(overwrites[role_id]["allow"])
            deny |= int(overwrites[role_id]["deny"])
    value = apply(value, allow, deny)
    if user_id in overwrites:
        value = apply(value, int(overwrites[user_id]["allow"]), int(overwrites[user_id]["deny"]))
    return discord.Permissions(value)
