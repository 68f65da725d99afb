"""One seeded run: people acting at random on many orders through the real Service, on a real SQLite file,
with the clock jumping across every deadline, the process killed and restarted, and a flaky platform.

`random.Random(seed)` decides everything (and the platform's answers hang on the seed too), the process is
single-threaded, and every id is drawn from the seed: the same seed replays the same run, step for step.
"""

from __future__ import annotations

import hashlib
import logging
import random
import string
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bots.config import Config, RelayConfig, SchedulerConfig
from bots.relay import Relay, UNREACHABLE_RECHECK
from bots.runtime import Runtime, build
from core.buttons import BadButton, ButtonData
from core.card import NEEDS
from core.chat import may_send
from core.checkout import Checkout
from core.engine import MAX_FILES, allowed_actions, days_limit
from core.events import Outcome, Refusal, Refused
from core.deadlines import ACTION_DEADLINE, Timer, TimerKind
from core.model import Action, Offer, Option, Order, Payload, Stage, Viewer
from core.ports import ManualClock
from core.settings import Settings
from core.table import Needs
from sim import checks
from sim.checks import SimFailure, fail
from sim.faults import FaultyUnitOfWork, FlakyPlatform, Fuse, SimulatedCrash
from storage.store import Store
from storage.tables import accounts, identities, order_events, orders, outbox, timers

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
#: what people press: every action but placing an order and those the clock takes (one per deadline)
PERSON_ACTIONS = [a for a in Action if a is not Action.PLACE_ORDER and a not in ACTION_DEADLINE]
ENDINGS = frozenset({Action.CANCEL, Action.DECLINE, Action.CANCEL_LATE, Action.ACCEPT_CANCELLATION,
                     Action.REQUEST_CANCELLATION, Action.OPEN_DISPUTE, Action.REPORT_DELIVERY, Action.FREEZE})
ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Params:
    seed: int
    orders: int = 200
    steps: int = 2000
    workdir: Path = Path("/tmp")
    check_every: int = 50
    trace: bool = False

    def replay(self) -> str:
        return f"python -m sim --seed {self.seed} --orders {self.orders} --steps {self.steps}"


@dataclass
class Figures:
    seed: int
    orders: int = 0
    steps: int = 0
    acts: int = 0
    refused: int = 0
    forged: int = 0
    stale: int = 0
    duplicates: int = 0
    said: int = 0
    chat_blocked: int = 0
    payments: int = 0
    crashes: int = 0
    restarts: int = 0
    timers_fired: int = 0
    clock_days: float = 0.0
    notifications: int = 0
    resent_after_crash: int = 0
    #: crashes that struck while a message was in the window: accepted by the platform, its row not yet marked sent
    crashes_in_window: int = 0
    undeliverable: int = 0
    #: the sellers' extension requests, and how each ended: accepted, declined, lapsed (the rest closed otherwise)
    extensions: int = 0
    extensions_accepted: int = 0
    extensions_declined: int = 0
    extensions_lapsed: int = 0
    answers: dict = field(default_factory=dict)
    digest: str = ""


class Errors(logging.Handler):
    """What the timekeeper and the relay log as errors (they swallow exceptions to keep going): each is a failure."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def check(self) -> None:
        if self.records:
            record = self.records[0]
            detail = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
            fail(f"the runtime logged an error: {record.getMessage()}\n{detail}")


class SequentialRelay(Relay):
    """The real relay, with each chat's messages sent one chat after another instead of concurrently, so that
    a crash always lands at the same point of a replay (the per-chat logic, `_send_chat`, is the relay's own)."""

    async def tick(self) -> tuple[int, int]:
        now = self.clock.now()
        claimed = await self.outbox.claim(now, self.policy.batch, self.policy.lease)
        by_chat: dict[tuple[str, str], list] = {}
        for row_id, attempts, message in claimed:
            if message is None or message.platform not in self.notifiers:
                await self.outbox.later(row_id, now + UNREACHABLE_RECHECK, "recipient not reachable yet", False)
                continue
            by_chat.setdefault((message.platform, message.chat_id), []).append((row_id, attempts, message))
        sent = 0
        for chat in sorted(by_chat):
            sent += await self._send_chat(by_chat[chat])
        return sent, len(claimed)


class Simulation:
    def __init__(self, params: Params) -> None:
        self.p = params
        self.rng = random.Random(params.seed)
        self.id_rng = random.Random(f"ids:{params.seed}")
        self.clock = ManualClock(START)
        self.fuse = Fuse()
        self.settings = Settings()
        self.path = params.workdir / f"sim-{params.seed}.sqlite3"
        self.url = f"sqlite+aiosqlite:///{self.path}"
        self.figures = Figures(params.seed)
        self.trace = hashlib.sha256()
        self.in_flight: Counter[str] = Counter()  # keys a crash caught accepted but not marked sent
        self.caught_at: dict[str, int] = {}  # key -> how many times the platform had accepted it when last caught
        self.buttons: dict[str, list[ButtonData]] = {}  # every button ever shown, per order (stale ones too)
        self.order_ids: list[str] = []
        self.checkouts: list[Checkout] = []
        self.step_no = 0
        self.rt: Runtime | None = None

    # --- the process ----------------------------------------------------------------------------------------

    def new_id(self) -> str:
        return "".join(self.id_rng.choice(ID_ALPHABET) for _ in range(8))

    async def boot(self) -> None:
        config = Config(database_url=self.url, settings=self.settings,
                        scheduler=SchedulerConfig(batch=self.rng.choice((3, 10, 50)), lease_seconds=int(LEASE.seconds)),
                        relay=RelayConfig(batch=self.rng.choice((3, 10, 50))))
        notifiers = {name: self.platform.notifier(name) for name in ("telegram", "discord")}
        rt = build(config, self.clock, notifiers)
        rt.relay = SequentialRelay(rt.store.outbox, notifiers, self.clock, replace(rt.relay.policy, lease=LEASE))
        store: Store = rt.store
        rt.service.ids = self.new_id
        rt.service.uow = lambda read_only=False: FaultyUnitOfWork(store.unit_of_work(read_only), self.fuse)
        self.rt = rt

    async def restart(self, crashed: bool) -> None:
        """Drops the runtime (whatever it had not committed is gone; its leases run until they expire)
        and builds a fresh one on the same file."""
        self.fuse.disarm()
        if crashed:
            self.figures.crashes += 1
            await self._caught_in_flight()
        self.figures.restarts += 1
        await self.rt.store.close()
        await self.boot()
        await self.refresh_orders()

    async def _caught_in_flight(self) -> None:
        accepted = set(self.platform.accepted)
        if not accepted:
            return
        async with self.rt.store.engine.connect() as conn:
            unsent = set(await conn.scalars(select(outbox.c.dedupe_key).where(outbox.c.sent_at.is_(None))))
        caught = sorted(accepted & unsent)
        for key in caught:
            self.in_flight[key] += 1
        # this crash struck the window if it caught a message accepted since a crash last caught it (one still
        # waiting from an earlier crash is not new)
        fresh = [key for key in caught if self.platform.accepted[key] > self.caught_at.get(key, 0)]
        self.caught_at.update({key: self.platform.accepted[key] for key in caught})
        if fresh:
            self.figures.crashes_in_window += 1

    async def refresh_orders(self) -> None:
        async with self.rt.store.engine.connect() as conn:
            self.order_ids = list(await conn.scalars(select(orders.c.id).order_by(orders.c.id)))

    # --- the world ------------------------------------------------------------------------------------------

    async def setup(self) -> None:
        if self.path.exists():
            self.path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        rng = self.rng
        self.buyers = [f"B{n:02d}" for n in range(rng.randint(8, 16))]
        self.sellers = [f"S{n:02d}" for n in range(rng.randint(4, 8))]
        self.moderators = [f"M{n}" for n in range(rng.randint(2, 3))]
        self.strangers = ["X0", "X1"]
        people = self.buyers + self.sellers + self.moderators + self.strangers
        # some people are on both platforms; a few blocked the bot on one of them
        self.identities = {p: [("telegram", f"tg-{p}")] for p in people}
        for p in people:
            if rng.random() < 0.3:
                self.identities[p].append(("discord", f"dc-{p}"))
        blocked = {self.identities[p][-1] for p in people if rng.random() < 0.08}
        self.platform = FlakyPlatform(self.p.seed, blocked)
        await self.boot()
        await self.rt.store.create_schema()
        async with self.rt.store.engine.begin() as conn:
            await conn.execute(accounts.insert(), [
                {"id": p, "display_name": p, "language": rng.choice(("en", "fr")), "timezone": "UTC",
                 "suspended": False, "created_at": self.clock.now()}
                for p in people])
            await conn.execute(identities.insert(), [
                {"platform": platform, "external_id": chat, "account_id": p, "chat_id": chat, "username": p,
                 "moderator": p in self.moderators}
                for p in people for platform, chat in self.identities[p]])
        self.offers: list[Offer] = []
        async with self.rt.store.unit_of_work() as uow:
            for seller in self.sellers:
                for n in range(2):
                    stars = n == 1
                    options = tuple(Option(f"opt{i}", f"Option {i}", rng.randint(0, 30) * (1 if stars else 100),
                                           rng.randint(0, 3)) for i in range(rng.randint(0, 2)))
                    offer = Offer(f"{seller}-{n}", seller, f"Offer {n} of {seller}", "Something good",
                                  rng.randint(1, 500) * (1 if stars else 100), "XTR" if stars else "EUR",
                                  rng.randint(1, 10), options, rng.choice((None, 0, 1, 3)),
                                  rng.choice((None, 2)))
                    await uow.save_offer(offer)
                    self.offers.append(offer)
            await uow.commit()

    # --- the run --------------------------------------------------------------------------------------------

    async def run(self) -> Figures:
        errors = Errors()
        for name in ("bots", "core", "storage"):
            logging.getLogger(name).addHandler(errors)
        logging.getLogger("bots.relay").setLevel(logging.ERROR)  # the flaky platform's failures are expected
        await self.setup()
        try:
            total = self.p.steps
            for self.step_no in range(1, total + 1):
                await self.step(total)
                errors.check()
                await checks.ledger_balances(self.rt.store.engine)
                if self.step_no % self.p.check_every == 0:
                    await checks.everything(self.rt.store.engine, self.settings, self.clock.now())
            self.step_no = total + 1
            await self.finish()
            errors.check()
        finally:
            for name in ("bots", "core", "storage"):
                logging.getLogger(name).removeHandler(errors)
            if self.rt is not None:
                await self.rt.store.close()
        self.figures.steps = self.p.steps
        self.figures.answers = dict(sorted(self.platform.answers.items()))
        self.figures.digest = self.trace.hexdigest()[:16]
        return self.figures

    def note(self, *what: object) -> None:
        line = " ".join(str(w) for w in what)
        self.trace.update(line.encode() + b"\n")
        if self.p.trace:
            print(f"[{self.step_no}] {self.clock.now():%Y-%m-%d %H:%M:%S} {line}")

    async def step(self, total: int) -> None:
        rng = self.rng
        if rng.random() < 0.04:  # the process will die at one of the next commits
            self.fuse.arm(rng.randint(0, 3), after=rng.random() < 0.5)
        wanted = self.p.orders * min(1.0, self.step_no / (0.6 * total))
        if len(self.order_ids) < wanted:
            kind = "order"
        else:
            kind = rng.choices(
                ("act", "forbidden", "bad_input", "stale", "forged", "duplicate", "say", "clock", "timers",
                 "relay", "fire_twice", "restart"),
                (30, 8, 4, 5, 5, 4, 10, 10, 8, 8, 2, 1))[0]
        try:
            await getattr(self, f"do_{kind}")()
        except SimulatedCrash as crash:
            self.note("crash", kind, crash)
            await self.restart(crashed=True)
            if kind == "order" and self.pending_payment is not None and rng.random() < 0.7:
                await self.survive(self.retry_payment)  # the platform delivers the payment update again

    # --- steps ----------------------------------------------------------------------------------------------

    pending_payment: tuple | None = None

    async def do_order(self) -> None:
        rng, service = self.rng, self.rt.service
        buyer = rng.choice(self.buyers)
        offer = rng.choice(self.offers)
        options = tuple(o.id for o in offer.options if rng.random() < 0.5)
        price = offer.price + sum(o.price for o in offer.options if o.id in options)
        tip = rng.choice((0, 0, price * rng.choice((5, 10, 20)) // 100))
        brief = rng.choice(("", "A logo for my shop", "Make it blue, please. Call me at +33 6 12 34 56 78"))
        provider = "stars" if offer.currency == "XTR" else "manual"
        self.pending_payment = None
        checkout = await service.checkout(Viewer(buyer), provider, offer_id=offer.id, options=options, tip=tip,
                                          brief=brief)
        if isinstance(checkout, Refusal):
            fail(f"a valid checkout was refused: {checkout.reason.render('en')}")
        if isinstance(checkout, Outcome):  # the buyer's vouchers (from an expired order) paid it all
            if checkout.order.credit != checkout.order.total:
                fail(f"order {checkout.order.id} was placed at checkout without its vouchers paying it all")
            self.note("paid by vouchers", checkout.order.id, buyer, offer.id)
            return
        self.checkouts.append(checkout)
        self.note("checkout", checkout.id, buyer, offer.id, checkout.amount)
        before = await self.count_orders()
        if rng.random() < 0.1:  # the wrong amount never places an order
            result = await service.pay(checkout.id, checkout.amount + 1, checkout.currency, f"wrong-{checkout.id}")
            if not isinstance(result, Refusal) or await self.count_orders() != before:
                fail(f"a payment of the wrong amount for checkout {checkout.id} placed an order")
        if provider == "manual" and rng.random() < 0.1:
            result = await service.reject_payment(checkout.id, Viewer(rng.choice(self.moderators), moderator=True))
            if isinstance(result, Refusal):
                fail(f"rejecting checkout {checkout.id} was refused: {result.reason.render('en')}")
            if await self.count_orders() != before:
                fail("a rejected checkout placed an order")
            return
        self.pending_payment = (checkout, provider, f"charge-{checkout.id}", before,
                                Viewer(rng.choice(self.moderators), moderator=True))
        await self.retry_payment(first=True)

    async def retry_payment(self, first: bool = False) -> None:
        checkout, provider, ref, before, moderator = self.pending_payment
        service, rng = self.rt.service, self.rng
        self.figures.payments += 1
        if provider == "stars":
            refusal = await service.precheck(checkout.id, checkout.amount, checkout.currency)
            if refusal is not None and first:
                fail(f"pre-checkout of {checkout.id} refused: {refusal.reason.render('en')}")
            result = await service.pay(checkout.id, checkout.amount, checkout.currency, ref)
        else:
            if first and rng.random() < 0.15:  # not a moderator: refused
                result = await service.confirm_payment(checkout.id, Viewer(rng.choice(self.buyers)))
                if not isinstance(result, Refusal):
                    fail(f"a non-moderator confirmed checkout {checkout.id}")
            result = await service.confirm_payment(checkout.id, moderator)
        if isinstance(result, Refusal):
            fail(f"paying checkout {checkout.id} was refused: {result.reason.render('en')}")
        order = result.order if isinstance(result, Outcome) else result
        self.note("paid", checkout.id, "->", order.id)
        self.pending_payment = None
        await self.refresh_orders()
        if await self.count_orders() != before + 1:
            fail(f"paying checkout {checkout.id} placed {await self.count_orders() - before} orders")
        if rng.random() < 0.3:  # the same payment delivered twice: the same order, no second one
            self.figures.duplicates += 1
            if provider == "stars":
                again = await service.pay(checkout.id, checkout.amount, checkout.currency, ref)
            else:
                again = await service.confirm_payment(checkout.id, moderator)
            if not isinstance(again, Order) or again.id != order.id:
                fail(f"checkout {checkout.id} paid twice gave {again!r}, not order {order.id}")
            if provider == "stars" and rng.random() < 0.3:  # a second, different charge: refused and given back
                other = await service.pay(checkout.id, checkout.amount, checkout.currency, ref + "-bis")
                if not isinstance(other, Refusal):
                    fail(f"a second charge on checkout {checkout.id} placed something: {other!r}")
            if await self.count_orders() != before + 1:
                fail(f"checkout {checkout.id} paid twice placed two orders")

    async def count_outbox(self) -> int:
        async with self.rt.store.engine.connect() as conn:
            return await conn.scalar(select(func.count()).select_from(outbox))

    async def count_orders(self) -> int:
        async with self.rt.store.engine.connect() as conn:
            return await conn.scalar(select(func.count()).select_from(orders))

    def pick_order(self) -> str | None:
        return self.rng.choice(self.order_ids) if self.order_ids else None

    async def pick_open_order(self) -> str | None:
        """Mostly an open order (where most of the life is), sometimes any, closed ones included."""
        if self.rng.random() < 0.2:
            return self.pick_order()
        async with self.rt.store.engine.connect() as conn:
            found = list(await conn.scalars(select(orders.c.id).where(
                orders.c.stage.notin_([s.value for s in Stage if s.is_terminal])).order_by(orders.c.id)))
        return self.rng.choice(found) if found else self.pick_order()

    def actor(self, order: Order) -> Viewer:
        """Mostly a party, sometimes a moderator or a stranger."""
        people = self.viewers(order)
        return self.rng.choices(people, [4, 4] + [1] * (len(people) - 3) + [1])[0]

    def viewers(self, order: Order) -> list[Viewer]:
        mods = [Viewer(m, moderator=True) for m in self.moderators]
        return [Viewer(order.buyer), Viewer(order.seller), *mods, Viewer(self.rng.choice(self.strangers))]

    def remember_buttons(self, order: Order) -> None:
        now = self.clock.now()
        shown = self.buttons.setdefault(order.id, [])
        for viewer in self.viewers(order)[:3]:
            for action in allowed_actions(order, viewer, now, self.settings):
                shown.append(ButtonData(order.id, action, order.version))
        del shown[:-40]

    def valid_payload(self, order: Order, action: Action) -> Payload | None:
        """A payload the engine must accept for this action on this order; None if there is none."""
        rng = self.rng
        needs = NEEDS[action]
        text = rng.choice(("ok", "Because the deadline is tight", "Écrivez-moi à ana@example.com"))
        if needs is Needs.NOTHING:
            return Payload()
        if needs is Needs.OPTIONAL_REASON:
            return Payload(text=rng.choice(("", text)))
        if needs in (Needs.REASON, Needs.TEXT):
            return Payload(text=text)
        if needs in (Needs.BRIEF, Needs.DELIVERY):
            return rng.choice((Payload(text=text), Payload(files=("tg:doc:F1:work.zip",)),
                               Payload(text=text, files=("tg:photo:P1:photo.jpg",))))
        if needs is Needs.AMOUNT:
            if order.held < 2:
                return None
            return Payload(text=text, amount=rng.randint(1, order.held - 1))
        if needs is Needs.DAYS:
            return Payload(text=text, days=rng.randint(1, min(30, days_limit(action, self.settings))))
        if needs is Needs.REVIEW:
            return Payload(text=rng.choice(("", "Great")), positive=rng.random() < 0.8)
        if needs is Needs.OPTIONAL_REVIEW:
            return Payload(text=rng.choice(("", "Thanks")), positive=rng.choice((None, True, False)))
        raise AssertionError(needs)

    def bad_payload(self, order: Order, action: Action) -> Payload | None:
        """A payload the engine must refuse as input for this action; None if the action takes anything."""
        needs = NEEDS[action]
        rng = self.rng
        too_long = Payload(text="x" * (self.settings.max_text + 1))
        too_many = Payload(text="ok", files=tuple(f"f{i}" for i in range(MAX_FILES + 1)))
        options = [too_long, too_many]
        if needs in (Needs.REASON, Needs.TEXT):
            options.append(Payload(text=rng.choice(("", "   \n"))))
        if needs in (Needs.BRIEF, Needs.DELIVERY):
            options.append(Payload(text=" "))
        if needs is Needs.AMOUNT:
            options += [Payload(text="ok", amount=a) for a in (0, -5, order.held, order.held + 1, None)]
        if needs is Needs.DAYS:
            options += [Payload(text="ok", days=d) for d in (0, -1, days_limit(action, self.settings) + 1, None)]
        if needs is Needs.REVIEW:
            options.append(Payload(text="fine", positive=None))
        return rng.choice(options)

    async def refused_changes_nothing(self, order: Order, result, what: str) -> None:
        if not isinstance(result, Refusal):
            fail(f"{what} on order {order.id} v{order.version} ({order.stage.value}) was accepted: "
                 f"{result.events[0].action.value if isinstance(result, Outcome) else result!r}")
        self.figures.refused += 1
        after = await self.rt.service.order(order.id)
        if after != order:
            fail(f"{what} on order {order.id} was refused ({result.code.value}) but changed it: "
                 f"v{order.version} -> v{after.version}")

    async def load(self) -> Order | None:
        order_id = await self.pick_open_order()
        return await self.rt.service.order(order_id) if order_id else None

    async def do_act(self, duplicate: bool = False) -> None:
        order = await self.load()
        if order is None:
            return
        rng, now = self.rng, self.clock.now()
        self.remember_buttons(order)
        choices = [(v, a) for v in self.viewers(order) for a in allowed_actions(order, v, now, self.settings)]
        if not choices:
            return
        # people mostly move their orders forward; cancelling and disputing stay possible but rarer
        weights = [1 if action in ENDINGS else 4 for _, action in choices]
        viewer, action = rng.choices(choices, weights)[0]
        payload = self.valid_payload(order, action)
        if payload is None:
            return
        version = order.version if rng.random() < 0.8 else None
        self.note("act", order.id, order.version, viewer.account, action.value)
        result = await self.rt.service.act(order.id, action, viewer, payload, version)
        if not isinstance(result, Outcome):
            fail(f"{viewer.account} could {action.value} order {order.id} v{order.version} ({order.stage.value}) "
                 f"with {payload} but was refused: {result.reason.render('en')}")
        self.figures.acts += 1
        after = result.order
        if after.version != order.version + 1:
            fail(f"{action.value} on order {order.id} moved it from v{order.version} to v{after.version}")
        self.remember_buttons(after)
        if duplicate or rng.random() < 0.05:  # the same press delivered twice: the second changes nothing
            self.figures.duplicates += 1
            again = await self.rt.service.act(order.id, action, viewer, payload, order.version)
            await self.refused_changes_nothing(after, again, f"a second {action.value}")

    async def do_duplicate(self) -> None:
        await self.do_act(duplicate=True)

    async def do_forbidden(self) -> None:
        order = await self.load()
        if order is None:
            return
        rng, now = self.rng, self.clock.now()
        viewer = self.actor(order)
        allowed = allowed_actions(order, viewer, now, self.settings)
        forbidden = [a for a in Action if a not in allowed and a is not Action.PLACE_ORDER]
        action = rng.choice(forbidden)
        payload = self.valid_payload(order, action) or Payload()
        self.note("forbidden", order.id, viewer.account, action.value)
        result = await self.rt.service.act(order.id, action, viewer, payload, rng.choice((None, order.version)))
        if self.kept_as_review(order, action, viewer, payload):
            self.reviewed(order, result, f"a late {action.value} by {viewer.account}")
            return
        await self.refused_changes_nothing(order, result, f"forbidden {action.value} by {viewer.account}")

    def kept_as_review(self, order: Order, action: Action, viewer: Viewer, payload: Payload) -> bool:
        """Whether the service keeps this press as a review (core.service.Service.act): a buyer's [Complete] with a
        review, pressed on a card drawn before the order completed on its own, whatever version the card had."""
        return (action is Action.COMPLETE and order.stage is Stage.COMPLETED and payload.positive is not None
                and Action.REVIEW in allowed_actions(order, viewer, self.clock.now(), self.settings))

    def reviewed(self, order: Order, result, what: str) -> None:
        if not isinstance(result, Outcome) or [e.action for e in result.events] != [Action.REVIEW]:
            fail(f"{what} on order {order.id}, completed meanwhile, was not kept as its review: {result!r}")
        self.figures.acts += 1

    async def do_bad_input(self) -> None:
        order = await self.load()
        if order is None:
            return
        now = self.clock.now()
        choices = [(v, a) for v in self.viewers(order)[:3] for a in allowed_actions(order, v, now, self.settings)]
        if not choices:
            return
        viewer, action = self.rng.choice(choices)
        payload = self.bad_payload(order, action)
        self.note("bad input", order.id, viewer.account, action.value)
        result = await self.rt.service.act(order.id, action, viewer, payload, order.version)
        await self.refused_changes_nothing(order, result, f"{action.value} with bad input")
        if result.code is not Refused.INPUT:
            fail(f"{action.value} with bad input on {order.id} refused as {result.code.value}, not input")

    async def do_stale(self) -> None:
        order = await self.load()
        if order is None:
            return
        stale = [b for b in self.buttons.get(order.id, ()) if b.version != order.version]
        if not stale:
            return
        pressed = ButtonData.decode(self.rng.choice(stale).encode())
        viewer = self.rng.choice(self.viewers(order))
        self.figures.stale += 1
        self.note("stale", pressed.encode(), viewer.account)
        payload = self.valid_payload(order, pressed.action) or Payload()
        result = await self.rt.service.act(order.id, pressed.action, viewer, payload, pressed.version)
        if self.kept_as_review(order, pressed.action, viewer, payload):
            self.reviewed(order, result, f"a stale button {pressed.encode()}")
            return
        await self.refused_changes_nothing(order, result, f"a stale button {pressed.encode()}")

    async def do_forged(self) -> None:
        rng = self.rng
        order = await self.load()
        if order is None:
            return
        genuine = ButtonData(order.id, rng.choice(PERSON_ACTIONS), order.version).encode()
        data = rng.choice((
            lambda: "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 70))),
            lambda: genuine.replace(":", rng.choice(("::", ";", ":x:")), 1),
            lambda: genuine[: rng.randint(0, len(genuine))],
            lambda: f"o:{order.id}:{rng.choice(list(Action)).value}:{rng.choice(('-1', '01', '1e3', ' 2', '9' * 10))}",
            lambda: f"o:{rng.choice(('../x', '', 'A' * 21, order.id + '%'))}:accept:1",
            lambda: f"o:{self.pick_order()}:{rng.choice(list(Action)).value}:{rng.randint(0, order.version + 2)}",
        ))()
        self.figures.forged += 1
        self.note("forged", repr(data))
        try:
            pressed = ButtonData.decode(data)
        except BadButton:
            return
        target = await self.rt.service.order(pressed.order_id)
        viewer = rng.choice(self.viewers(order))
        payload = Payload()
        result = await self.rt.service.act(pressed.order_id, pressed.action, viewer, payload, pressed.version)
        if target is None:
            if not isinstance(result, Refusal):
                fail(f"a forged button {data!r} acted on an order that does not exist")
            return
        legal = (pressed.version == target.version and NEEDS.get(pressed.action) in (Needs.NOTHING, Needs.OPTIONAL_REASON,
                                                                                  Needs.OPTIONAL_REVIEW)
                 and pressed.action in allowed_actions(target, viewer, self.clock.now(), self.settings))
        if legal:  # a well-formed, current button of someone entitled to press it: an ordinary press
            if not isinstance(result, Outcome):
                fail(f"a current button {data!r} of {viewer.account} was refused: {result.reason.render('en')}")
            return
        await self.refused_changes_nothing(target, result, f"a forged button {data!r} by {viewer.account}")

    async def do_say(self) -> None:
        order = await self.load()
        if order is None:
            return
        rng, now = self.rng, self.clock.now()
        viewer = self.actor(order)
        text = rng.choice(("Hello", "Any news?", "Reach me on @someone_else", "", "x" * 4001, "Here it is"))
        files = rng.choice(((), ("tg:doc:D1:spec.pdf",)))
        expected = may_send(order, viewer, now, self.settings).allowed and (text.strip() or files) \
            and len(text) <= self.settings.max_text
        self.note("say", order.id, order.stage.value, viewer.account, len(text))
        result = await self.rt.service.say(order.id, viewer, text, rng.choice(("telegram", "discord")), files)
        if isinstance(result, Refusal):
            self.figures.chat_blocked += 1
            if expected:
                fail(f"{viewer.account} may write on order {order.id} ({order.stage.value}) but was refused: "
                     f"{result.reason.render('en')}")
            return
        self.figures.said += 1
        if order.stage is Stage.DELIVERED:
            fail(f"a chat message on order {order.id} was relayed during its delivery window")
        if not expected:
            fail(f"{viewer.account} wrote on order {order.id} ({order.stage.value}) although the chat policy says no")

    async def do_clock(self) -> None:
        rng = self.rng
        if rng.random() < 0.4:  # straight to the next timer, a moment past it
            async with self.rt.store.engine.connect() as conn:
                nxt = await conn.scalar(select(func.min(timers.c.due_at)).where(timers.c.due_at > self.clock.now()))
            delta = (nxt - self.clock.now()) + timedelta(seconds=rng.randint(0, 90)) if nxt else timedelta(hours=1)
        else:
            delta = rng.choices((timedelta(seconds=rng.randint(1, 120)), timedelta(minutes=rng.randint(1, 90)),
                                 timedelta(hours=rng.randint(1, 30)), timedelta(days=rng.randint(1, 9))),
                                (3, 3, 3, 1))[0]
        self.clock.advance(delta)
        self.note("clock", self.clock.now().isoformat())

    async def do_timers(self) -> None:
        fired = await self.rt.timekeeper.drain()
        self.figures.timers_fired += fired
        self.note("timers", fired)

    async def do_relay(self) -> None:
        sent = await self.rt.relay.drain()
        self.note("relay", sent)

    async def do_restart(self) -> None:
        self.note("restart")
        await self.restart(crashed=False)

    async def do_fire_twice(self) -> None:
        """The same due timer fired twice (a lease that ran out while the first firing was still going)."""
        async with self.rt.store.engine.connect() as conn:
            due = (await conn.execute(select(timers.c.order_id, timers.c.kind, timers.c.due_at)
                                      .where(timers.c.due_at <= self.clock.now())
                                      .order_by(timers.c.due_at, timers.c.order_id, timers.c.kind).limit(5))).all()
        if not due:
            return
        order_id, kind, due_at = self.rng.choice(due)
        timer = Timer(TimerKind.parse(kind), due_at)
        self.note("fire twice", order_id, kind)
        await self.rt.service.fire(order_id, timer)
        self.figures.duplicates += 1
        before = await self.rt.service.order(order_id)
        queued = await self.count_outbox()
        again = await self.rt.service.fire(order_id, timer)
        # a reminder or a chat's end fired again may say so (its notices are keyed by the order and the timer, so
        # the outbox takes them once); a deadline fired again must do nothing
        if isinstance(again, Outcome) or (again is not None and timer.action is not None):
            fail(f"timer {kind} of order {order_id} fired twice did something twice: {again!r}")
        if await self.count_outbox() != queued:
            fail(f"timer {kind} of order {order_id} fired twice queued its notification twice")
        if await self.rt.service.order(order_id) != before:
            fail(f"timer {kind} of order {order_id} fired twice changed the order twice")

    # --- the end --------------------------------------------------------------------------------------------

    async def finish(self) -> None:
        """The clock passes every deadline, the timekeeper and the relay drain (crashing still), then the
        final checks."""
        self.fuse.disarm()
        engine = lambda: self.rt.store.engine  # noqa: E731 — a restart replaces it
        for _ in range(60):
            async with engine().connect() as conn:
                last = await conn.scalar(select(func.max(timers.c.due_at)))
            if last is None:
                break
            if last > self.clock.now():
                self.clock.advance(last - self.clock.now() + LEASE + timedelta(seconds=1))
            else:
                self.clock.advance(LEASE + timedelta(seconds=1))  # past the leases of a dead process
            await self.survive(lambda: self.rt.timekeeper.drain())
        else:
            fail("the timers never drained")
        for _ in range(200):
            await self.survive(lambda: self.rt.relay.drain())
            async with engine().connect() as conn:
                waiting = await conn.scalar(select(func.count()).select_from(outbox).where(
                    outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None)))
            if not waiting:
                break
            self.clock.advance(timedelta(minutes=11))  # past any backoff, retry_after and lease
        await checks.final_deadlines(engine(), self.clock.now())
        found = await checks.everything(engine(), self.settings, self.clock.now())
        sent = await checks.notifications(engine(), self.platform, self.in_flight)
        async with engine().connect() as conn:
            self.figures.timers_fired = await conn.scalar(
                select(func.count()).select_from(order_events).where(order_events.c.role == "system"))
            done = dict((await conn.execute(select(order_events.c.action, func.count()).group_by(
                order_events.c.action))).all())
        self.figures.extensions = done.get(Action.REQUEST_EXTENSION.value, 0)
        self.figures.extensions_accepted = done.get(Action.ACCEPT_EXTENSION.value, 0)
        self.figures.extensions_declined = done.get(Action.DECLINE_EXTENSION.value, 0)
        self.figures.extensions_lapsed = done.get(Action.EXTENSION_ANSWER_OVERDUE.value, 0)
        self.figures.orders = found["orders"]
        self.figures.notifications = sent["notifications"]
        self.figures.resent_after_crash = sent["duplicates"]
        self.figures.undeliverable = sent["undeliverable"]
        self.figures.clock_days = round((self.clock.now() - START).total_seconds() / 86_400, 1)
        self.note("end", found, sent)

    async def survive(self, work) -> None:
        for _ in range(100):
            try:
                await work()
                return
            except SimulatedCrash as crash:
                self.note("crash at the end", crash)
                await self.restart(crashed=True)
                self.clock.advance(LEASE + timedelta(seconds=1))
        fail("the runtime kept crashing")


async def simulate(params: Params) -> Figures:
    return await Simulation(params).run()


__all__ = ["Figures", "Params", "SimFailure", "Simulation", "simulate"]
