"""`comptoir run`: the database migrated, each configured platform adapter started and plugged into the runtime, the
polls kept moving until stopped. The one place that imports the adapters to start them (the adapters import the
runtime, never this)."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable

from bots.command import logs
from bots.command.doctor import unworkable
from bots.command.startup import StartupFailure, explain
from bots.config import Config
from bots.runtime import Runtime, adapters, build
from bots.scheduler import start_scheduler

log = logging.getLogger(__name__)


async def serve(config: Config) -> int:
    """`comptoir run`: migrate, start each platform (and the operator's endpoint, if enabled), then keep deadlines and
    notifications moving until stopped. A known way of failing to start raises StartupFailure: one line."""
    platforms = adapters(config)
    if not platforms:
        raise StartupFailure(f"no chat token: set {config.telegram.token_env} (Telegram) or "
                             f"{config.discord.token_env} (Discord) in the environment — docs/setup-telegram.md, "
                             "docs/setup-discord.md — or try `comptoir demo`")
    missing = [p for p in platforms if p not in AVAILABLE]
    if missing:
        raise StartupFailure(f"the {', '.join(missing)} adapter is not built in this version; nothing was started")
    runtime: Runtime | None = None
    started: list[tuple[Callable, object]] = []
    endpoint = None
    starting = "database"
    try:
        runtime = build(config)
        await runtime.store.migrate()
        for name in platforms:
            starting = name
            start, stop_adapter = adapter(name)
            started.append((stop_adapter, await start(runtime)))
        if config.http.enabled:
            from bots.endpoint import start_endpoint

            starting = "http"
            endpoint = await start_endpoint(runtime, dict(zip(platforms, (app for _, app in started))))
    except Exception as error:
        await _undo(started, runtime)
        failure = explain(error, config, starting)
        if failure is None:
            raise
        raise failure from None
    scheduler = start_scheduler(runtime.timekeeper, runtime.relay, config.scheduler.poll_seconds,
                                config.relay.poll_seconds, runtime.extra_jobs)
    if endpoint is not None:
        endpoint.watch(scheduler)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    for problem in unworkable(config):  # after the start: a failure to start is then the only line said
        log.warning("%s", problem)
    logs.started(config)
    log.info("Comptoir running on %s", ", ".join(platforms))
    freeze_start_up()
    try:
        await stop.wait()
    finally:
        await scheduler.stop()  # the poll under way finishes first: what it sent is marked sent
        if endpoint is not None:
            await endpoint.stop()
        for stop_adapter, app in started:
            await stop_adapter(app)
        await runtime.store.close()
    return 0


def freeze_start_up() -> None:
    """What start-up built (the modules, the platforms' libraries, the engine) is kept out of garbage collection.

    Those ~150,000 objects live as long as the process; left in the oldest generation, each full collection walked
    them all: ~100 ms of a blocked event loop every 5-15 seconds of activity, and the press that met one waited for
    it (a lone press's p99: one in 20 took 95-190 ms, the others 8-30 ms; bench/RESULTS.md). Collections now
    walk only what was made since."""
    gc.collect()  # the garbage of start-up is freed, not frozen
    gc.freeze()


async def _undo(started: list[tuple[Callable, object]], runtime: Runtime | None) -> None:
    """What a failed start had started, stopped again (quietly: the failure is what the person must read)."""
    for stop_adapter, app in reversed(started):
        try:
            await stop_adapter(app)
        except Exception:  # noqa: BLE001 — the start-up failure, not this, is the news
            log.debug("stopping after a failed start", exc_info=True)
    if runtime is not None:
        await runtime.store.close()


#: the platform adapters this version ships
AVAILABLE = ("telegram", "discord")


def adapter(name: str):
    """(start, stop) of a platform adapter, imported only when that platform is configured."""
    if name == "telegram":
        from bots.telegram.app import start_telegram, stop_telegram

        return start_telegram, stop_telegram
    if name == "discord":
        from bots.discord.app import start_discord, stop_discord

        return start_discord, stop_discord
    raise KeyError(name)
