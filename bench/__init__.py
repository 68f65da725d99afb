"""Benchmarks: `python -m bench NAME [--quick] [--json]` (see bench/README.md). Not tests: nothing here asserts."""
