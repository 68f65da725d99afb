"""The composition root: wires config, storage, the use cases, time and the relay; registers each adapter's parts
(started by bots.command.run, which alone imports the adapters)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bots.config import Config
from bots.files import FileFetcher, Files
from bots.limits import Limits
from bots.relay import Relay, RelayPolicy
from bots.render import money
from bots.scheduler import Timekeeper
from bots.today import TodayDesk, TodayPoll
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
from core.today import Todays
from storage.store import Store


@dataclass(frozen=True)
class Plug:
    """What a started platform adapter adds to the desk, registered by the composition root (`Runtime.plug`)."""

    platform: str
    notifier: Notifier  # the relay sends this platform's notices through it
    files: tuple[str, FileFetcher]  # the prefix of this platform's file references, and where they are fetched
    moderates: Callable[[str], Awaitable[bool]]  # whether a user of this platform moderates now (a notice to all)
    observers: tuple[object, ...] = ()  # what watches the relay's notices (Discord's rooms)
    jobs: tuple[Callable[[], Awaitable[int]], ...] = ()  # more polls for the scheduler (Telegram's Stars refunds)
    today: TodayDesk | None = None  # how this platform shows a person's Today card (bots.today)


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
    #: each person's Today card and morning digest (core.today)
    todays: Todays = None  # type: ignore[assignment]  # made from the store when not given
    #: the poll drawing the Today cards out of date on each platform plugged in, and sending the digests
    today_poll: TodayPoll = None  # type: ignore[assignment]
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
        if self.todays is None:
            self.todays = Todays(self.store.unit_of_work, self.clock, self.config.today.rules)
        if self.today_poll is None:
            self.today_poll = TodayPoll(self.todays, self.config.today.poll_seconds, self.config.today.batch)

    def plug(self, plug: Plug) -> None:
        """A platform adapter's notifier, file source, moderator check, relay observers, polls and Today card,
        registered here and nowhere else. An observer of a kind already watching (a second client of one platform)
        is not added twice; the Today poll is one, whichever adapters draw its cards."""
        self.relay.notifiers[plug.platform] = plug.notifier
        self.files.register(*plug.files)
        self.relay.moderators[plug.platform] = plug.moderates
        for observer in plug.observers:
            if not any(type(known) is type(observer) for known in self.relay.observers):
                self.relay.observers.append(observer)
        self.extra_jobs.extend(plug.jobs)
        if plug.today is not None:  # one poll draws every platform's cards: registered with the first
            self.today_poll.desks[plug.platform] = plug.today
            if self.today_poll not in self.extra_jobs:
                self.extra_jobs.append(self.today_poll)


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
