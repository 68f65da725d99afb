"""The composition root: wires config, storage, the use cases, time and the relay; registers each adapter's parts."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bots.config import Config
from bots.files import FileFetcher, Files
from bots.limits import Limits
from bots.relay import Relay, RelayPolicy
from bots.render import money
from bots.scheduler import Timekeeper, start_scheduler
from core.i18n import use_money_format
from core.ports import Clock, Notifier, SystemClock
from core.conversations import ConversationState
from core.moderation import Moderation
from core.people import People
from core.press import Presses
from core.routing import Routes
from core.service import Service
from core.storefront import Storefront
from core.availability import Availability
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plug:
    """What a started platform adapter adds to the desk, registered by the composition root (`Runtime.plug`)."""

    platform: str
    notifier: Notifier  # the relay sends this platform's notices through it
    files: tuple[str, FileFetcher]  # the prefix of this platform's file references, and where they are fetched
    moderates: Callable[[str], Awaitable[bool]]  # whether a user of this platform moderates now (a notice to all)
    observers: tuple[object, ...] = ()  # what watches the relay's notices (Discord's rooms)
    jobs: tuple[Callable[[], Awaitable[int]], ...] = ()  # more polls for the scheduler (Telegram's Stars refunds)


@dataclass
class Runtime:
    config: Config
    clock: Clock
    store: Store
    service: Service
    timekeeper: Timekeeper
    relay: Relay
    storefront: Storefront
    #: a press of an order card's button, decided in one call (core.press)
    press: Presses
    #: a chat message, routed to its order and relayed in one call (core.routing)
    route: Routes
    #: accounts and identities: who is behind a platform's user (core.people)
    people: People
    #: what the front ends remember between two updates (core.conversations)
    conversations: ConversationState
    #: the dispute queue, evidence, suspensions and the audit trail (core.moderation)
    moderation: Moderation
    #: sellers' time off and limits, visitors waiting for a paused offer (core.availability)
    availability: Availability = None  # type: ignore[assignment]  # made from the store when not given
    #: more polls for the scheduler, added by adapters (Telegram's Stars refunds): each returns how much it did
    extra_jobs: list[Callable[[], Awaitable[int]]] = field(default_factory=list)
    #: each running adapter's files, for the other platforms' notifiers to upload (bots.files)
    files: Files = field(default_factory=Files)
    #: the queue of payments to give back through their provider (Telegram's Stars refunder drains it)
    refunds: object = None
    #: how much each person may send and press, counted across this process's adapters (bots.limits)
    limits: Limits | None = None

    def __post_init__(self) -> None:
        if self.refunds is None:
            self.refunds = self.store.refunds
        if self.limits is None:
            self.limits = Limits(self.clock)
        if self.availability is None:
            self.availability = Availability(self.store.unit_of_work, self.clock, self.config.settings)

    def plug(self, plug: Plug) -> None:
        """A platform adapter's notifier, file source, moderator check, relay observers and polls, registered
        here and nowhere else. An observer of a kind already watching (a second client of one platform) is not
        added twice."""
        self.relay.notifiers[plug.platform] = plug.notifier
        self.files.register(*plug.files)
        self.relay.moderators[plug.platform] = plug.moderates
        for observer in plug.observers:
            if not any(type(known) is type(observer) for known in self.relay.observers):
                self.relay.observers.append(observer)
        self.extra_jobs.extend(plug.jobs)


def build(config: Config, clock: Clock | None = None, notifiers: dict[str, Notifier] | None = None) -> Runtime:
    use_money_format(money)  # amounts in the reader's locale, everywhere text is rendered
    clock = clock or SystemClock()
    store = Store(config.database_url, clock)
    service = Service(store.unit_of_work, clock, config.settings)
    availability = Availability(store.unit_of_work, clock, config.settings)
    timekeeper = Timekeeper(store.timers, service, config.scheduler.batch,
                            timedelta(seconds=config.scheduler.lease_seconds), availability)
    policy = RelayPolicy(config.relay.batch, config.relay.max_attempts, config.relay.backoff_seconds,
                         config.relay.max_backoff_seconds)
    relay = Relay(store.outbox, notifiers or {}, clock, policy)
    storefront = Storefront(store.unit_of_work, clock, config.settings)
    press = Presses(store.unit_of_work, clock, config.settings)
    route = Routes(store.unit_of_work, clock, config.settings)
    return Runtime(config, clock, store, service, timekeeper, relay, storefront, press, route,
                   People(store.unit_of_work), ConversationState(store.unit_of_work),
                   Moderation(store.unit_of_work, clock), availability)


def adapters(config: Config) -> list[str]:
    """The chat platforms this deployment has a token for."""
    return [name for name, platform in (("telegram", config.telegram), ("discord", config.discord)) if platform.token]


async def serve(config: Config) -> int:
    """`comptoir run`: migrate, start each platform (and the operator's endpoint, if enabled), then keep deadlines and
    notifications moving until stopped. A known way of failing to start raises StartupFailure: one line."""
    from bots import logs
    from bots.doctor import unworkable
    from bots.startup import StartupFailure, explain

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
