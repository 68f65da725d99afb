"""The deterministic, seeded, fault-injecting simulation: `python -m sim` (sim/README.md)."""

# a command, not a library: nothing here is imported from another package
__all__: list[str] = []
