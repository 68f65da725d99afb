"""The Telegram adapter (python-telegram-bot 22): commands, order cards with inline buttons, notices."""

# started by the runtime (app); the benchmarks drive the notifier and its pacing directly
__all__ = [
    "app", "notifier", "pacing",
]
