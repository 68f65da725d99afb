"""Benchmarks: `python -m bench NAME [--quick] [--json]` (see bench/README.md). Not tests: nothing here asserts."""

# commands, not a library: nothing here is imported from another package
__all__: list[str] = []
