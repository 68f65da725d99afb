"""The Discord adapter: slash commands, order cards in Components V2 with persistent buttons, notices by DM."""

# started by the runtime (app); `comptoir doctor` checks the invite's permissions (invite)
__all__ = [
    "app", "invite",
]
