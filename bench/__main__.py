"""python -m bench NAME [--quick] [--json] [options]: runs one benchmark (bench/NAME.py)."""

from __future__ import annotations

import importlib
import sys

NAMES = ("transitions", "deadlines", "relay", "taps", "memory", "masking", "flood")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in NAMES:
        print(__doc__.strip())
        print("benchmarks: " + ", ".join(NAMES))
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(f"bench.{argv[0]}")
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
