"""The invariants, read from the database itself: what must hold after every step and at the end."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select

from core import deadlines as core_deadlines
from core.deadlines import ACTION_DEADLINE, DEADLINES_BY_STAGE, TimerKind
from core.ledger import EXPIRED, Ledger, escrow
from core.model import Action, Deadline, Stage
from storage import mapping
from storage.tables import ledger_entries, order_events, orders, outbox, reviews, settlements, timers, vouchers


class SimFailure(AssertionError):
    """An invariant broke: the message says which, on what."""


def fail(message: str) -> None:
    raise SimFailure(message)


async def ledger_balances(engine) -> int:
    """Cheap, after every step: all money sums to zero."""
    async with engine.connect() as conn:
        total = await conn.scalar(select(func.coalesce(func.sum(ledger_entries.c.amount), 0)))
    if total != 0:
        fail(f"the ledger sums to {total}, not 0")
    return total


async def load_orders(engine) -> dict:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(orders))).all()
        found = {r.order_id: r for r in (await conn.execute(select(reviews))).all()}
    return {r.id: mapping.order_from(r, found.get(r.id)) for r in rows}


async def everything(engine, settings, now: datetime) -> dict:
    """The full check: money, settlements, deadlines and timers, the event log. Returns figures."""
    all_orders = await load_orders(engine)
    async with engine.connect() as conn:
        entries = (await conn.execute(select(ledger_entries))).all()
        settled = (await conn.execute(select(settlements))).all()
        timer_rows = (await conn.execute(select(timers.c.order_id, timers.c.kind, timers.c.due_at))).all()
        events = (await conn.execute(select(order_events).order_by(order_events.c.order_id,
                                                                   order_events.c.version))).all()
        on_vouchers = await conn.scalar(select(func.coalesce(func.sum(vouchers.c.amount), 0)))

    # money: every transaction balances, all of it sums to zero, nothing but the world below zero
    by_tx: defaultdict[str, int] = defaultdict(int)
    balances: defaultdict[str, int] = defaultdict(int)
    resolutions: defaultdict[str, set] = defaultdict(set)
    for e in entries:
        by_tx[e.tx_id] += e.amount
        balances[e.account] += e.amount
        if e.kind in Ledger.RESOLUTIONS:
            resolutions[e.order_id].add(e.tx_id)
    for tx, total in by_tx.items():
        if total:
            fail(f"transaction {tx} does not balance ({total})")
    if sum(balances.values()):
        fail(f"the ledger sums to {sum(balances.values())}")
    for account, balance in balances.items():
        if account != "world" and balance < 0:
            fail(f"account {account} is below zero ({balance})")
    # vouchers: every cent the platform kept from expired orders is owed back on a voucher, no more, no less
    if settings.expiry_voucher and balances[EXPIRED] != on_vouchers:
        fail(f"the platform holds {balances[EXPIRED]} from expired orders but vouchers hold {on_vouchers}")

    # escrow: settled exactly once per closed order, never for an open one
    settled_by = Counter(s.order_id for s in settled)
    for order_id, order in all_orders.items():
        closed = order.stage.is_terminal
        if settled_by[order_id] != (1 if closed else 0):
            fail(f"order {order_id} is {order.stage.value} with {settled_by[order_id]} settlements")
        if len(resolutions[order_id]) != (1 if closed else 0):
            fail(f"order {order_id} is {order.stage.value} with settling transactions {sorted(resolutions[order_id])}")
        held = balances.get(escrow(order_id), 0)
        if held != order.held:
            fail(f"order {order_id} holds {order.held} but its escrow account has {held}")
    for order_id in settled_by:
        if order_id not in all_orders:
            fail(f"a settlement for an order that does not exist: {order_id}")

    # deadlines and timers: an order holds only its stage's deadlines, each with exactly one timer row
    by_order: defaultdict[str, dict] = defaultdict(dict)
    for order_id, kind, due in timer_rows:
        by_order[order_id][TimerKind.parse(kind)] = _utc(due)
    for order_id, order in all_orders.items():
        kinds = {kind for kind, _ in order.deadlines}
        if not kinds <= DEADLINES_BY_STAGE[order.stage]:
            fail(f"order {order_id} is {order.stage.value} but holds {sorted(k.value for k in kinds)} deadlines")
        rows = by_order.get(order_id, {})
        deadlines = {kind: due for kind, due in rows.items() if kind.action is not None}
        wanted = {TimerKind(kind): due for kind, due in order.deadlines}
        if deadlines != wanted:
            fail(f"order {order_id} ({order.stage.value}) holds deadlines {_show(wanted)} "
                 f"but its timer rows are {_show(deadlines)}")
        # an extension request waits only in progress (or frozen), with the buyer's answer clock running (or paused)
        if order.extension is not None and order.stage is not Stage.IN_PROGRESS and not order.frozen:
            fail(f"order {order_id} is {order.stage.value} with an extension request waiting")
        if (Deadline.EXTENSION_ANSWER in kinds) != (order.extension is not None and not order.frozen):
            fail(f"order {order_id} runs {sorted(k.value for k in kinds)} with extension {order.extension}")
        planned = core_deadlines.timers(order, settings)
        for kind, due in rows.items():
            if kind not in deadlines and planned.get(kind) != due:
                fail(f"order {order_id} has a stray timer {kind} at {due.isoformat()}")

    # the event log: one event per version, and every system action consumed a deadline that was due
    history: defaultdict[str, list] = defaultdict(list)
    for e in events:
        history[e.order_id].append(e)
    system_actions = extensions = 0
    for order_id, order in all_orders.items():
        log = history.get(order_id, [])
        if [e.version for e in log] != list(range(1, order.version + 1)):
            fail(f"order {order_id} at version {order.version} has events for versions {[e.version for e in log]}")
        system_actions += _deadlines_applied_once(order_id, log)
        extensions += _extensions_kept(order_id, log, order, settings)
    return {"orders": len(all_orders), "system_actions": system_actions, "extensions": extensions,
            "open": sum(1 for o in all_orders.values() if o.stage.is_open)}


def _deadlines_applied_once(order_id: str, log: list) -> int:
    """Replays the log: a deadline is armed when it starts (placing the order starts acceptance and expiry;
    every later start writes `<kind>_due` into its event), and a system action must consume an armed one,
    at or after its due time. Applied twice, or with no deadline behind it, is a failure."""
    first = log[0]
    armed: dict[Deadline, datetime | None] = {Deadline.ACCEPTANCE: None, Deadline.EXPIRY: None}
    count = 0
    for e in log:
        data = e.data or {}
        if e.role == "system":
            count += 1
            kind = ACTION_DEADLINE.get(_action(e.action))
            if kind is None or kind not in armed:
                fail(f"order {order_id} v{e.version}: {e.action} applied without a running {kind.value if kind else '?'} "
                     f"deadline (applied twice?)")
            due = armed.pop(kind)
            if due is not None and _utc(e.at) < due:
                fail(f"order {order_id} v{e.version}: {e.action} applied at {e.at} before its deadline {due}")
        for key, value in data.items():
            if key.endswith("_due"):
                try:
                    armed[Deadline(key[:-4])] = _utc(datetime.fromisoformat(value))
                except ValueError:
                    pass
    del first
    return count


def _extensions_kept(order_id: str, log: list, order, settings) -> int:
    """Replays the log's extension requests, apart from the engine's own code: one waits at a time, and only while
    the order is in progress or frozen (a dispute, a resume, a delivery or a closing ends it); each answer answers
    the request that waits, an accepted one moving the delivery deadline by exactly its days from where it was, or
    from the answer when that had passed; a delivery within the extended deadline is on time; and what the log
    leaves waiting is what the order holds. Returns how many requests the log has."""
    due: datetime | None = None  # the delivery deadline running, as the log set it
    extended: datetime | None = None  # the same, when an accepted extension set it
    waiting: int | None = None  # the days of the request waiting
    frozen = False
    asked = 0
    for e in log:
        data, action, at = e.data or {}, _action(e.action), _utc(e.at)
        if action is Action.REQUEST_EXTENSION:
            if waiting is not None:
                fail(f"order {order_id} v{e.version}: a second extension request while one waits")
            waiting, asked = data.get("days"), asked + 1
        elif action in (Action.ACCEPT_EXTENSION, Action.DECLINE_EXTENSION, Action.EXTENSION_ANSWER_OVERDUE):
            if waiting is None:
                fail(f"order {order_id} v{e.version}: {e.action} with no extension request waiting")
            if action is Action.ACCEPT_EXTENSION:
                expected = (due if due is not None and due > at else at) + waiting * settings.day
                moved = _utc(datetime.fromisoformat(data["delivery_due"]))
                if data.get("days") != waiting or moved != expected:
                    fail(f"order {order_id} v{e.version}: an extension of {waiting} days moved the delivery "
                         f"deadline from {due} to {moved}, not {expected}")
            waiting = None
        elif action is Action.DELIVER and extended is not None and at <= extended and not data.get("on_time"):
            fail(f"order {order_id} v{e.version}: delivered within its extended deadline {extended} but not on time")
        after = Stage(e.after)
        frozen = action is Action.FREEZE or (frozen and after is Stage.DISPUTED and e.before == Stage.DISPUTED.value)
        if action is Action.RESUME or not (after is Stage.IN_PROGRESS or (after is Stage.DISPUTED and frozen)):
            waiting = None
        if after is not Stage.IN_PROGRESS or action is Action.DELIVERY_OVERDUE:
            due = extended = None
        if "delivery_due" in data:
            due = _utc(datetime.fromisoformat(data["delivery_due"]))
            extended = due if action is Action.ACCEPT_EXTENSION else None
    held = order.extension.days if order.extension is not None else None
    if held != waiting:
        fail(f"order {order_id}: its log leaves an extension of {waiting} days waiting, the order holds {held}")
    return asked


def _action(value: str) -> Action:
    return Action(value)


async def final_deadlines(engine, now: datetime) -> None:
    """At the end, with the clock past everything and the timekeeper drained: nothing is due or overdue."""
    all_orders = await load_orders(engine)
    async with engine.connect() as conn:
        due = (await conn.execute(select(timers.c.order_id, timers.c.kind, timers.c.due_at)
                                  .where(timers.c.due_at <= now))).all()
    if due:
        fail(f"{len(due)} timers still due after the final drain, e.g. {tuple(due[0])}")
    for order_id, order in all_orders.items():
        late = [(k.value, d.isoformat()) for k, d in order.deadlines if d <= now]
        if late:
            fail(f"order {order_id} ({order.stage.value}) missed its deadlines {late}")
        if order.stage.is_open and order.stage is not Stage.DISPUTED:
            fail(f"order {order_id} is still {order.stage.value} after every deadline passed")


async def notifications(engine, platform, in_flight: Counter) -> dict:
    """Every outbox row was delivered (or found undeliverable), each key accepted once, more only for what a
    crash caught between the platform's acceptance and the row being marked sent."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.dedupe_key, outbox.c.sent_at, outbox.c.failed_at,
                                          outbox.c.last_error))).all()
    keys = {r.dedupe_key for r in rows}
    for r in rows:
        if r.sent_at is None and r.failed_at is None:
            fail(f"notification {r.dedupe_key} was never delivered ({r.last_error})")
        if r.failed_at is not None and r.dedupe_key not in platform.undeliverable:
            fail(f"notification {r.dedupe_key} was given up although deliverable ({r.last_error})")
        if r.sent_at is not None and platform.accepted[r.dedupe_key] == 0:
            fail(f"notification {r.dedupe_key} is marked sent but the platform never accepted it")
    stray = set(platform.accepted) - keys
    if stray:
        fail(f"the platform received messages with no outbox row: {sorted(stray)[:3]}")
    duplicates = 0
    for key, count in platform.accepted.items():
        if count > 1:
            duplicates += count - 1
            if count - 1 > in_flight[key]:
                fail(f"notification {key} was delivered {count} times, but a crash caught it in flight only "
                     f"{in_flight[key]} times")
    return {"notifications": len(rows), "duplicates": duplicates, "undeliverable": len(platform.undeliverable)}


def _utc(at: datetime) -> datetime:
    from datetime import timezone
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def _show(d: dict) -> str:
    return "{" + ", ".join(f"{k}: {v.isoformat()}" for k, v in sorted(d.items(), key=lambda kv: str(kv[0]))) + "}"
