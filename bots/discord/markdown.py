"""People's words shown as words on Discord: its Markdown escaped and mentions neutralized.

Discord formats a message's text: a relayed "# URGENT" would be a headline in the bot's voice, and
"[Comptoir: confirm your payout](https://evil.example)" a link that reads as ours. Every text that carries
what someone wrote (a chat message, a notice quoting a reason or a brief, a moderator's queue) goes through
`plain` before it is sent, and is sent with link previews suppressed; Telegram needs nothing of the kind (the
bot sends no parse_mode there: text is text).
"""

from __future__ import annotations

import re

import discord


def plain(text: str) -> str:
    """The text as Discord will show it literally: Markdown escaped (a bare link stays a link, never a masked
    one), @everyone, @here, users and roles written so that they mention nobody, and no "<t:…>" timestamp,
    "<#…>" channel or "</…>" command: a typed "<t:0:R>" would otherwise tick like one of our deadlines."""
    return _ANGLED.sub(r"\\<", discord.utils.escape_mentions(discord.utils.escape_markdown(text)))


# Discord reads "<" followed by one of these as a timestamp, channel, command, emoji or mention: a backslash
# before it shows the "<" as typed.
_ANGLED = re.compile(r"<(?=t:|#|/|:|a:|@)")
