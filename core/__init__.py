"""The order engine: standard library only, no I/O, the clock passed in (docs/engine.md)."""

# the modules the adapters, storage, the simulation and the benchmarks use (engine and masking: the last two only);
# step, the effects of one action being applied, is the engine's own
__all__ = [
    "availability", "buttons", "card", "chat", "checkout", "conversations", "deadlines", "discussion", "engine",
    "events", "i18n", "labels", "ledger", "linking", "masking", "model", "moderation", "notices", "offers", "people",
    "ports", "press", "refunds", "routing", "sanctions", "service", "settings", "stats", "storefront", "table",
    "today",
    "vouchers",
]
