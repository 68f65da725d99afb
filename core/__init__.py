"""The order engine: standard library only, no I/O, the clock passed in (docs/engine.md)."""

# every module is the engine's API: adapters, storage, the simulation and the benchmarks use each
__all__ = [
    "availability", "buttons", "card", "chat", "checkout", "conversations", "deadlines", "discussion", "engine", "events", "i18n",
    "labels", "ledger", "linking", "masking", "model", "moderation", "notices", "offers", "people", "ports",
    "press", "refunds", "routing", "sanctions", "service", "settings", "stats", "step", "storefront", "table", "today",
    "vouchers",
]
