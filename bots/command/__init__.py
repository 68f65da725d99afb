"""The `comptoir` command: its CLI, `comptoir run` starting the configured platforms, `comptoir check`."""

# the CLI (the installed `comptoir` script; the benchmarks run it); run, doctor, startup and logs are its own
__all__ = [
    "cli",
]
