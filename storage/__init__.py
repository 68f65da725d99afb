"""Durable storage for the order engine: the only package that imports SQLAlchemy."""

# what the runtime, the simulation and the benchmarks use; conversations, inline, refunds, the migrations and the
# unit of work's parts (orders, notices, payments, catalog, chat, views, transaction) are storage's own
__all__ = [
    "accounts", "audit", "backup", "claims", "copy", "database", "gauges", "locations", "mapping", "migrate",
    "outbox", "probe", "store", "tables", "unit_of_work",
]
