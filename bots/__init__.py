"""The composition root and the runtime: config, scheduler, outbox relay and the platform adapters."""

# the shared modules both adapters use, the runtime and config the simulation and benchmarks build on, and the
# `comptoir` command (cli); the rest (scheduler, endpoint, doctor, demo...) is the runtime's own
__all__ = [
    "cli", "config", "evidence", "files", "limits", "linking", "manual_payment", "moderation", "parsing",
    "relay", "render", "routing", "runtime", "time_off", "today", "turns",
]
