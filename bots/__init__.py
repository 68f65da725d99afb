"""The composition root and the runtime: config, scheduler, outbox relay and the platform adapters."""

# the shared modules both adapters use, the runtime and config the simulation and benchmarks build on, and what
# the `comptoir` command (bots.command) starts: the demo, the operator's endpoint, the scheduler's polls
__all__ = [
    "config", "demo", "endpoint", "evidence", "files", "limits", "linking", "manual_payment", "moderation",
    "parsing", "relay", "render", "routing", "runtime", "scheduler", "time_off", "today", "turns",
]
