"""The Discord adapter: slash commands, order cards as embeds with persistent buttons, notices by DM."""
