"""Property tests of the order engine: anyone does anything to many orders while the clock jumps.

A hypothesis state machine places several orders (offers with or without options, tips from 0 to the cap,
revisions limited or unlimited), then lets the buyer, the seller, two moderators, a stranger and the system try
any action on any order, with any payload (valid or not: empty or too long text, too many files, amounts of 0,
negative or above the held funds, days out of range, review positive None/True/False) and any version (current,
stale, future, none). The clock jumps by seconds to months, and after every jump the system tries each action
whose deadline is due (``core.engine.due_actions``), as the scheduler would.

After every step it checks the invariants of the order rules (docs/rules.md):

* money is conserved: every ``Outcome.moves`` is replayed into one ``core.ledger.Ledger`` (which refuses a negative
  balance and a second settlement) and all balances sum to zero;
* each order's escrow is settled at most once, exactly once when the order is closed, and while the order is open
  it holds ``order.held == total - refunded``;
* stage and ledger agree: open iff no resolution; completed: released or split; cancelled: refunded; expired:
  expired;
* nothing succeeds that ``allowed_actions`` (same viewer, same time, just before) did not offer, and nothing
  offered, sent with a valid payload, is refused as stranger/role/stage/condition/version;
* a refusal leaves the order as it was; a success adds exactly one version;
* every deadline an order holds belongs to its stage (``DEADLINES_BY_STAGE``), and each open stage outside a
  dispute runs its own clock and the expiry;
* a seller's extension request waits only in progress (or through a freeze), for 1 to the rules' days, with the
  buyer's answer clock running exactly while it waits.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import hypothesis
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from core import ledger as money
from core.engine import MAX_DAYS, allowed_actions, apply, days_limit, due_actions, place_order
from core.events import Outcome, Refusal, Refused
from core.ledger import WORLD, Ledger, escrow
from core.model import SYSTEM, Action, Deadline, Offer, Option, Order, Payload, Resolution, Stage, Viewer
from core.settings import Settings
from core.deadlines import DEADLINES_BY_STAGE
from core.table import TABLE, Needs

settings = hypothesis.settings(max_examples=200, stateful_step_count=50, deadline=None)

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
BUYERS = ("alice", "bob")
SELLERS = ("sam", "sue")
ACTORS = ("buyer", "seller", "moderator", "other_moderator", "stranger", "system")
PARTIES = ("buyer", "seller")

#: refusal codes saying the action itself was not possible now (as opposed to what came with it)
NOT_POSSIBLE = frozenset({Refused.STRANGER, Refused.ROLE, Refused.STAGE, Refused.CONDITION, Refused.VERSION})
#: each way of settling an escrow, with the resolution and the stage it must come with
SETTLEMENT = {
    "release": (Resolution.RELEASED, Stage.COMPLETED),
    "split": (Resolution.SPLIT, Stage.COMPLETED),
    "refund": (Resolution.REFUNDED, Stage.CANCELLED),
    "expiry": (Resolution.EXPIRED, Stage.EXPIRED),
}
RESOLUTIONS_OF_STAGE = {
    Stage.COMPLETED: {Resolution.RELEASED, Resolution.SPLIT},
    Stage.CANCELLED: {Resolution.REFUNDED},
    Stage.EXPIRED: {Resolution.EXPIRED},
}
#: the clock each open stage runs besides the expiry (the spec's "deadline running" column)
STAGE_CLOCK = {
    Stage.PENDING: Deadline.ACCEPTANCE,
    Stage.IN_PROGRESS: Deadline.DELIVERY,
    Stage.DELIVERED: Deadline.REVIEW_WINDOW,
    Stage.REVISION_REQUESTED: Deadline.REVISION_ANSWER,
    Stage.REVISION_REFUSED: Deadline.REVISION_REFUSED_CHOICE,
}
#: actions that close an order
CLOSING = frozenset(row.action for row in TABLE if row.to is not None and row.to.is_terminal)
#: actions that hand an order to the moderators
DETOURS = frozenset({Action.OPEN_DISPUTE, Action.REPORT_DELIVERY, Action.FREEZE})
#: what each action needs from the person (all rows of one action)
NEEDS = {action: {row.needs for row in TABLE if row.action is action} for action in Action}
NEEDS_TEXT = frozenset({Needs.REASON, Needs.TEXT, Needs.AMOUNT, Needs.DAYS})

# --- random input -------------------------------------------------------------------------------------------------

texts = st.one_of(
    st.just(""),
    st.just("  \n\t "),
    st.text(max_size=12),
    st.sampled_from([4000, 4001]).map(lambda n: "x" * n),  # the default limit, and one over it
)
files = st.one_of(
    st.just(()),
    st.lists(st.text("abc.-_", min_size=1, max_size=8), min_size=1, max_size=3).map(tuple),
    st.sampled_from([20, 21]).map(lambda n: tuple(f"file{i}.png" for i in range(n))),  # the limit, one over it
)
#: literal amounts, or amounts relative to what the order holds when the action is tried
amounts = st.one_of(
    st.none(),
    st.just(0),
    st.integers(-100_000, -1),
    st.integers(1, 2_000_000),
    st.booleans(),
    st.sampled_from(["held-1", "held", "held+1", "half", "1"]),
)
days = st.one_of(st.none(), st.integers(-30, 0), st.integers(1, MAX_DAYS), st.integers(MAX_DAYS + 1, 100_000),
                 st.booleans())
positives = st.sampled_from([None, True, False])
versions = st.sampled_from(["none", "current", "stale", "older", "future"])
clock_jumps = st.sampled_from(["seconds", "minutes", "hours", "hours", "days", "days", "months", "months"]).flatmap(
    lambda unit: {
        "seconds": st.integers(1, 59).map(lambda n: timedelta(seconds=n)),
        "minutes": st.integers(1, 59).map(lambda n: timedelta(minutes=n)),
        "hours": st.integers(1, 47).map(lambda n: timedelta(hours=n)),
        "days": st.integers(1, 14).map(lambda n: timedelta(days=n)),
        "months": st.integers(1, 6).map(lambda n: timedelta(days=30 * n)),
    }[unit]
)
offers = st.fixed_dictionaries({
    "buyer": st.sampled_from(BUYERS),
    "seller": st.sampled_from(SELLERS),
    "price": st.integers(1, 100_000),
    "options": st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 5)), max_size=3),  # price, extra days
    "delivery_days": st.integers(1, 30),
    "revisions": st.one_of(st.none(), st.integers(0, 3)),  # None: unlimited
    "revision_days": st.one_of(st.none(), st.integers(1, 10)),
    "brief": st.sampled_from(["", "   ", "A logo for my bakery"]),
    "files": st.sampled_from([(), ("sketch.png",)]),
})
placement_mistakes = st.sampled_from(
    ["none"] * 3 + ["own offer", "tip over cap", "negative tip", "underpaid", "inactive", "suspended", "foreign option"]
)


def viewer_for(order: Order, who: str) -> Viewer:
    return {
        "buyer": Viewer(order.buyer),
        "seller": Viewer(order.seller),
        "moderator": Viewer("mod-ana", moderator=True),
        "other_moderator": Viewer("mod-ben", moderator=True),
        "stranger": Viewer("eve"),
        "system": SYSTEM,
    }[who]


def resolve_amount(amount: object, order: Order) -> object:
    if not isinstance(amount, str):
        return amount
    held = order.held
    return {"held-1": held - 1, "held": held, "held+1": held + 1, "half": held // 2, "1": 1}[amount]


def resolve_version(mode: str, order: Order) -> int | None:
    return {
        "none": None,
        "current": order.version,
        "stale": order.version - 1,
        "older": max(order.version - 3, 0),
        "future": order.version + 1,
    }[mode]


def valid_payload(action: Action, order: Order) -> Payload | None:
    """A payload every row of this action accepts, or None if there is none (no amount fits what is held)."""
    needs = NEEDS[action]
    amount = None
    if Needs.AMOUNT in needs:
        if order.held < 2:
            return None
        amount = 1
    return Payload(text="ok", amount=amount, days=1 if Needs.DAYS in needs else None, positive=True)


# --- the machine --------------------------------------------------------------------------------------------------


class OrdersUnderRandomUse(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.settings = Settings()
        self.orders_by_id: dict[str, Order] = {}
        self.ledger = Ledger()
        self.settlements: Counter[str] = Counter()
        self.paid_in = 0

    # -- applying and checking -----------------------------------------------------------------------------------

    def post(self, outcome: Outcome, before: Order | None) -> None:
        """Replays an outcome's money moves into the ledger, checking each against the order it produced."""
        after = outcome.order
        for tx in outcome.moves:
            assert tx.order_id == after.id, f"{tx.id} moves money of another order"
            if tx.kind == "payment":
                assert before is None, f"{tx.id}: a payment on an existing order"
                self.paid_in += after.total
            elif tx.kind == "partial_refund":
                assert after.stage is Stage.IN_PROGRESS and after.resolution is None, (tx, after.stage)
                assert after.refunded == before.refunded + dict(tx.postings)[money.buyer(after.buyer)], tx
            else:
                resolution, stage = SETTLEMENT[tx.kind]
                self.settlements[after.id] += 1
                assert self.settlements[after.id] == 1, f"escrow of {after.id} settled a second time by {tx.id}"
                assert after.resolution is resolution and after.stage is stage, (tx, after.stage, after.resolution)
            self.ledger.post(tx)  # raises on a negative balance, a second settlement or money left in escrow
        if before is not None and before.stage.is_open and after.stage.is_terminal:
            assert self.settlements[after.id] == 1, f"{after.id} closed as {after.stage.value} without settling"

    def attempt(self, order_id: str, who: str, action: Action, payload: Payload,
                version: int | None) -> Outcome | Refusal:
        """Tries one action, checks the result against what was offered just before, and keeps it if it worked."""
        order = self.orders_by_id[order_id]
        viewer = viewer_for(order, who)
        offered = allowed_actions(order, viewer, self.now, self.settings)
        result = apply(order, action, viewer, self.now, self.settings, payload, version)
        stale = version is not None and version != order.version
        hypothesis.note(
            f"{self.now:%Y-%m-%d %H:%M:%S} {who} {action.value} on {order_id} v{order.version} ({order.stage.value}) "
            f"amount={payload.amount!r} days={payload.days!r} version={version} -> "
            + (f"refused: {result.code.value}" if isinstance(result, Refusal) else result.order.stage.value)
        )
        if isinstance(result, Refusal):
            assert result.order is None or result.order == order, "a refusal came back with a changed order"
            assert self.orders_by_id[order_id] is order
            assert result.allowed == offered, (result.allowed, offered)
            if order.role_of(viewer) is None:
                assert result.code is Refused.STRANGER, result.code
            if not stale:
                assert result.code is not Refused.VERSION, f"{action.value} sent with the current version: {result}"
                assert action not in offered or result.code not in NOT_POSSIBLE, (
                    f"{action.value} was offered to {who} but refused as {result.code.value}: "
                    f"{result.reason.render('en')}"
                )
            return result
        assert isinstance(result, Outcome), result
        assert action in offered, f"{action.value} succeeded for {who} but was not offered: {offered}"
        assert not stale, f"{action.value} succeeded with stale version {version} (order at v{order.version})"
        after = result.order
        assert after.version == order.version + 1, (order.version, after.version)
        for field in ("id", "buyer", "seller", "offer_id", "price", "tip", "paid_at", "currency"):
            assert getattr(after, field) == getattr(order, field), f"{action.value} changed {field}"
        assert [(e.action, e.version, e.before, e.after) for e in result.events] == [
            (action, after.version, order.stage, after.stage)
        ], result.events
        self.post(result, order)
        self.orders_by_id[order_id] = after
        hypothesis.event(f"did {action.value}")
        hypothesis.event(f"reached {after.stage.value}")
        return result

    def check_offers(self, order: Order) -> None:
        """Whatever is offered to anyone, sent with a valid payload and the current version, goes through; sent with
        a stale button's version, it is refused as such; sent with an amount or a number of days out of range, it is
        refused for that input and nothing else."""
        for who in ACTORS:
            viewer = viewer_for(order, who)
            for action in allowed_actions(order, viewer, self.now, self.settings):
                payload = valid_payload(action, order)
                if payload is not None:  # None: e.g. a split when 1 minor unit is held, no amount is > 0 and < held
                    probe = apply(order, action, viewer, self.now, self.settings, payload, order.version)
                    assert isinstance(probe, Outcome), (
                        f"{action.value} offered to {who} in {order.stage.value} but refused as {probe.code.value}: "
                        f"{probe.reason.render('en')}"
                    )
                    for version in (order.version - 1, order.version + 1):
                        probe = apply(order, action, viewer, self.now, self.settings, payload, version)
                        assert isinstance(probe, Refusal) and probe.code is Refused.VERSION, (
                            f"{action.value} by {who} with version {version} (order at v{order.version}) -> {probe}"
                        )
                bad = []
                if Needs.AMOUNT in NEEDS[action]:  # the spec: 0 < amount < held funds
                    bad += [Payload("ok", amount=a) for a in (None, 0, -1, order.held, order.held + 1, True, False)]
                if Needs.DAYS in NEEDS[action]:
                    limit = days_limit(action, self.settings)
                    bad += [Payload("ok", days=d) for d in (None, 0, -1, limit + 1, MAX_DAYS + 1, True, False)]
                for payload in bad:
                    probe = apply(order, action, viewer, self.now, self.settings, payload, order.version)
                    assert isinstance(probe, Refusal) and probe.code is Refused.INPUT, (
                        f"{action.value} by {who} in {order.stage.value} with amount={payload.amount!r} "
                        f"days={payload.days!r} (held {order.held}) -> {probe}"
                    )

    def choices(self, order: Order, actors: tuple[str, ...], mode: str) -> list[tuple[str, Action]]:
        """What these actors are offered on this order, narrowed so that orders get deep into the process
        before they close."""
        offered = [(who, action) for who in actors
                   for action in allowed_actions(order, viewer_for(order, who), self.now, self.settings)]
        staying_open = [(who, action) for who, action in offered if action not in CLOSING]
        if mode == "close":  # pending orders get declined, cancelled or timed out often enough already
            return [(who, action) for who, action in offered if action in CLOSING and order.stage is not Stage.PENDING]
        if mode == "move on":  # the parties' next steps first, then disputes and moderators
            return (
                [(who, action) for who, action in staying_open if who in PARTIES and action not in DETOURS]
                or [(who, action) for who, action in staying_open if action is not Action.FREEZE]
                or staying_open
            )
        return offered if mode == "any" else staying_open

    def take_offered_action(self, data, actors: tuple[str, ...], mode: str = "any") -> None:
        """Picks an order on which these actors are offered something, checks all its offers, then does one of
        them with a valid payload: it must go through."""
        if mode == "any" and data.draw(st.integers(0, 3), label="may close") != 0:
            mode = "stay open"
        candidates = {
            order_id: choices
            for order_id, order in sorted(self.orders_by_id.items())
            if (choices := self.choices(order, actors, mode))
        }
        if not candidates:
            return
        order_id = data.draw(st.sampled_from(sorted(candidates)), label="order")
        order = self.orders_by_id[order_id]
        self.check_offers(order)
        who, action = data.draw(st.sampled_from(candidates[order_id]), label="who and what")
        needs = NEEDS[action]
        if needs & NEEDS_TEXT:
            text = data.draw(st.sampled_from(["because", "  see the brief  ", "x" * self.settings.max_text]))
        else:
            text = data.draw(st.sampled_from(["", "fine", "  "]), label="text")
        attached = data.draw(st.sampled_from([(), ("a.pdf",), ("a.pdf", "b.zip")]), label="files")
        if needs & {Needs.BRIEF, Needs.DELIVERY} and not text.strip() and not attached:
            attached = ("work.zip",)
        amount = None
        if Needs.AMOUNT in needs:
            if order.held < 2:
                return  # no amount is both > 0 and < held
            amount = data.draw(st.sampled_from([1, order.held - 1, max(1, order.held // 2)]), label="amount")
        chosen_days = (data.draw(st.integers(1, days_limit(action, self.settings)), label="days")
                       if Needs.DAYS in needs else None)
        positive = data.draw(st.booleans() if Needs.REVIEW in needs else positives, label="positive")
        version = data.draw(st.sampled_from([None, order.version]), label="version")
        result = self.attempt(order_id, who, action, Payload(text, attached, amount, positive, chosen_days), version)
        assert isinstance(result, Outcome), f"{action.value} offered with a valid payload but refused: {result}"

    def place(self, offer: dict, data, mistake: str = "none") -> str | None:
        """Places an order (or tries to, with one mistake in it); returns its id if it was placed."""
        order_id = f"o{len(self.orders_by_id) + 1}"
        opts = tuple(Option(f"{order_id}-opt{i}", f"option {i}", p, d) for i, (p, d) in enumerate(offer["options"]))
        published = Offer(f"offer-{order_id}", offer["seller"], "Logo design", "A logo", offer["price"], "EUR",
                          offer["delivery_days"], opts, offer["revisions"], offer["revision_days"],
                          active=mistake != "inactive")
        chosen = tuple(o for o in opts if data.draw(st.booleans(), label=f"take {o.id}"))
        price = offer["price"] + sum(o.price for o in chosen)
        cap = self.settings.tip_cap(price)
        tip = data.draw(st.one_of(st.just(0), st.just(cap), st.integers(0, cap)), label="tip")
        buyer = Viewer(offer["seller"] if mistake == "own offer" else offer["buyer"])
        tip = {"tip over cap": cap + 1, "negative tip": -1}.get(mistake, tip)
        paid = price + tip - (mistake == "underpaid")
        if mistake == "foreign option":
            chosen += (Option("elsewhere", "not on this offer", 100),)
        result = place_order(order_id, published, buyer, self.now, self.settings, paid=paid, options=chosen, tip=tip,
                             brief=offer["brief"], files=offer["files"], seller_suspended=mistake == "suspended")
        hypothesis.note(f"{self.now:%Y-%m-%d %H:%M:%S} place {order_id} (mistake: {mistake}): price {price}, "
                        f"tip {tip}, revisions {offer['revisions']} -> {type(result).__name__}")
        if mistake != "none":
            assert isinstance(result, Refusal), f"an order with this mistake was placed: {mistake}"
            return None
        assert isinstance(result, Outcome), result
        order = result.order
        assert order.stage is Stage.PENDING and order.version == 1 and order.resolution is None
        assert order.total == order.held == paid
        assert [tx.kind for tx in result.moves] == ["payment"]
        self.post(result, None)
        self.orders_by_id[order_id] = order
        hypothesis.event(f"revisions {'unlimited' if offer['revisions'] is None else 'limited'}; "
                         f"{'with' if chosen else 'no'} options; {'with' if tip else 'no'} tip")
        return order_id

    # -- rules ----------------------------------------------------------------------------------------------------

    @initialize(
        target=orders,
        commission=st.sampled_from([0, 0, 250, 1000]),
        first_offers=st.lists(offers, min_size=2, max_size=4),
        data=st.data(),
    )
    def the_desk_opens_with_a_few_orders(self, commission, first_offers, data):
        self.settings = Settings(commission_basis_points=commission)
        return multiple(*(self.place(offer, data) for offer in first_offers))

    @precondition(lambda self: len(self.orders_by_id) < 6)
    @rule(target=orders, offer=offers, mistake=placement_mistakes, data=st.data())
    def a_buyer_places_an_order(self, offer, mistake, data):
        order_id = self.place(offer, data, mistake)
        return multiple() if order_id is None else order_id

    @rule(
        order_id=orders,
        who=st.sampled_from(ACTORS),
        action=st.sampled_from(list(Action)),
        text=texts,
        attached=files,
        amount=amounts,
        days=days,
        positive=positives,
        version=versions,
    )
    def anyone_tries_anything(self, order_id, who, action, text, attached, amount, days, positive, version):
        order = self.orders_by_id[order_id]
        payload = Payload(text, attached, resolve_amount(amount, order), positive, days)
        self.attempt(order_id, who, action, payload, resolve_version(version, order))

    @rule(data=st.data())
    def the_buyer_takes_an_offered_action(self, data):
        self.take_offered_action(data, ("buyer",))

    @rule(data=st.data())
    def the_seller_takes_an_offered_action(self, data):
        self.take_offered_action(data, ("seller",))

    @rule(data=st.data())
    def a_moderator_takes_an_offered_action(self, data):
        self.take_offered_action(data, ("moderator", "other_moderator"))

    @rule(data=st.data(), steps=st.integers(1, 4))
    def the_parties_move_an_order_on_without_closing_it(self, data, steps):
        for _ in range(steps):
            self.take_offered_action(data, ("buyer", "seller", "moderator"), "move on")

    @rule(data=st.data())
    def someone_closes_an_order(self, data):
        self.take_offered_action(data, ("buyer", "seller", "moderator"), "close")

    @rule(jump=clock_jumps)
    def time_passes(self, jump):
        """The clock jumps; then the system tries every action whose deadline is due, like the scheduler would."""
        self.now += jump
        for order_id in sorted(self.orders_by_id):
            for _ in range(10):
                due = due_actions(self.orders_by_id[order_id], self.now, self.settings)
                if not due:
                    break
                # each one is tried, even when an earlier one already moved the order on (it is then refused)
                for action in due:
                    self.attempt(order_id, "system", action, Payload(), self.orders_by_id[order_id].version)
            else:
                raise AssertionError(f"{order_id}: system actions keep falling due at {self.now}")
            order = self.orders_by_id[order_id]
            overdue = [(kind.value, f"{at}") for kind, at in order.deadlines if at <= self.now]
            assert not overdue, f"{order_id} ({order.stage.value}) keeps passed deadlines nobody acts on: {overdue}"

    # -- invariants -----------------------------------------------------------------------------------------------

    @invariant()
    def money_is_conserved(self):
        assert self.ledger.total() == 0, dict(self.ledger.balances)
        assert self.ledger.balance(WORLD) == -self.paid_in
        assert all(amount >= 0 for account, amount in self.ledger.balances.items() if account != WORLD)

    @invariant()
    def each_escrow_is_settled_once_when_and_only_when_its_order_closes(self):
        for order_id, order in self.orders_by_id.items():
            held = self.ledger.balance(escrow(order_id))
            if order.stage.is_open:
                assert self.settlements[order_id] == 0 and order_id not in self.ledger.resolved, order_id
                assert held == order.held == order.total - order.refunded, (order_id, held, order.held)
                assert order.held > 0, (order_id, order.held)
            else:
                assert self.settlements[order_id] == 1, (order_id, order.stage, self.settlements[order_id])
                assert held == 0 and order.held == 0, (order_id, held)

    @invariant()
    def stage_and_ledger_agree(self):
        for order_id, order in self.orders_by_id.items():
            assert (order.resolution is None) == order.stage.is_open, (order_id, order.stage, order.resolution)
            if order.stage.is_terminal:
                assert order.resolution in RESOLUTIONS_OF_STAGE[order.stage], (order_id, order.stage, order.resolution)
                resolution, _ = SETTLEMENT[self.ledger.resolved[order_id]]
                assert resolution is order.resolution, (order_id, self.ledger.resolved[order_id], order.resolution)
                assert order.closed_at is not None, order_id

    @invariant()
    def every_deadline_an_order_holds_belongs_to_its_stage(self):
        for order_id, order in self.orders_by_id.items():
            kinds = [kind for kind, _ in order.deadlines]
            assert len(kinds) == len(set(kinds)), (order_id, order.deadlines)
            assert set(kinds) <= DEADLINES_BY_STAGE[order.stage], (
                f"{order_id} is {order.stage.value} but holds {[kind.value for kind in kinds]} deadlines"
            )

    @invariant()
    def every_open_order_outside_a_dispute_runs_its_clocks(self):
        """The spec's "deadline running" column, and "any but disputed: 5 months after payment → expired"."""
        for order_id, order in self.orders_by_id.items():
            if order.stage.is_terminal or order.stage is Stage.DISPUTED:
                continue
            expected = {Deadline.EXPIRY, STAGE_CLOCK[order.stage]}
            if order.late:
                expected.discard(Deadline.DELIVERY)  # it passed: the buyer may cancel (late)
            if order.revision_answer_overdue:
                expected.discard(Deadline.REVISION_ANSWER)  # it passed: the buyer may open a dispute
            if order.cancellation_reason is not None and not order.cancellation_answer_overdue:
                expected.add(Deadline.CANCELLATION_ANSWER)
            if order.extension is not None:
                expected.add(Deadline.EXTENSION_ANSWER)
            missing = expected - {kind for kind, _ in order.deadlines}
            assert not missing, f"{order_id} is {order.stage.value} but runs no {sorted(k.value for k in missing)}"


    @invariant()
    def an_extension_request_waits_only_while_the_seller_works_and_never_beyond_the_limit(self):
        """One request at a time, in progress (or kept through a moderator's freeze), for 1 to N days, with its
        answer clock running exactly while it waits."""
        for order_id, order in self.orders_by_id.items():
            answering = order.deadline(Deadline.EXTENSION_ANSWER) is not None
            if order.extension is None:
                assert not answering, f"{order_id} runs an extension answer clock with no request waiting"
                continue
            assert order.stage is Stage.IN_PROGRESS or order.frozen, (order_id, order.stage)
            assert 1 <= order.extension.days <= self.settings.max_extension_days, (order_id, order.extension)
            assert answering or order.frozen, f"{order_id} has a request waiting without its answer clock"


OrdersUnderRandomUse.TestCase.settings = settings
TestOrdersStayConsistentWhateverAnyoneDoesWheneverTheyDoIt = OrdersUnderRandomUse.TestCase
