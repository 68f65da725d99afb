"""Test builder: places an order and drives it to any stage through the public engine API only.

An order is never built by hand in a middle stage: every stage is reached by `place_order` and a
sequence of `apply` calls, exactly as the bots will do it. A `Story` keeps the clock, the current
order, every money movement and the last outcome, so a test reads as the story it tells:

    story = ordered().accepted().delivered()
    outcome = story.do(Action.COMPLETE, BUYER)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from core.engine import allowed_actions, apply, place_order
from core.events import Outcome, Refusal
from core.ledger import Ledger, Transaction
from core.model import Action, Offer, Option, Order, Payload, Stage, Viewer
from core.settings import Settings

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

BUYER = Viewer("alice")
SELLER = Viewer("bob")
MODERATOR = Viewer("marie", moderator=True)
STRANGER = Viewer("eve")

EXPRESS = Option("express", "Express delivery", price=2_000, extra_days=0)
SOURCE_FILES = Option("sources", "Source files", price=3_000, extra_days=2)

OFFER = Offer(
    id="logo",
    seller=SELLER.account,
    title="A logo for your shop",
    description="Three proposals, one chosen and polished.",
    price=10_000,
    currency="EUR",
    delivery_days=5,
    options=(EXPRESS, SOURCE_FILES),
)

BRIEF = "A fox holding a croissant, blue and gold."


class StepRefused(AssertionError):
    """Raised when a step of a story that should succeed is refused."""


@dataclass
class Story:
    """One order's life so far: its current version, the clock, and everything that happened."""

    order: Order
    now: datetime
    settings: Settings
    moves: list[Transaction] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    # --- acting ---------------------------------------------------------------------------------

    def attempt(self, action: Action, viewer: Viewer, payload: Payload = Payload(), *,
                at: datetime | None = None, version: int | None = None) -> Outcome | Refusal:
        """Applies an action without recording it: for refusals, or to look before leaping."""
        return apply(self.order, action, viewer, at or self.now, self.settings, payload, version)

    def do(self, action: Action, viewer: Viewer, payload: Payload = Payload(), *,
           after: timedelta = timedelta(0), at: datetime | None = None) -> Outcome:
        """Moves the clock, applies an action that must succeed, and records what it caused."""
        self.now = at if at is not None else self.now + after
        result = apply(self.order, action, viewer, self.now, self.settings, payload)
        if isinstance(result, Refusal):
            raise StepRefused(f"{action.value} by {viewer.account} refused ({result.code.value}): {result.render('en')}")
        self.order = result.order
        self.moves.extend(result.moves)
        self.outcomes.append(result)
        return result

    # --- looking --------------------------------------------------------------------------------

    @property
    def last(self) -> Outcome:
        return self.outcomes[-1]

    def ledger(self) -> Ledger:
        """Every money movement of this order replayed; raises if any invariant breaks."""
        return Ledger(self.moves)

    def can(self, viewer: Viewer, at: datetime | None = None) -> tuple[Action, ...]:
        return allowed_actions(self.order, viewer, at or self.now, self.settings)

    # --- stages (each returns the story, so they chain) -----------------------------------------

    def briefed(self, text: str = BRIEF, files: tuple[str, ...] = ()) -> Story:
        self.do(Action.EDIT_BRIEF, BUYER, Payload(text=text, files=files), after=HOUR)
        return self

    def accepted(self) -> Story:
        self.do(Action.ACCEPT, SELLER, after=2 * HOUR)
        return self

    def delivered(self) -> Story:
        self.do(Action.DELIVER, SELLER, Payload(text="Here is your logo.", files=("logo.png",)), after=DAY)
        return self

    def revision_requested(self) -> Story:
        self.do(Action.REQUEST_REVISION, BUYER, Payload(text="Make the fox smile."), after=HOUR)
        return self

    def revision_accepted(self) -> Story:
        self.do(Action.ACCEPT_REVISION, SELLER, after=HOUR)
        return self

    def revision_refused(self) -> Story:
        self.do(Action.REFUSE_REVISION, SELLER, Payload(text="The brief said nothing about smiles."), after=HOUR)
        return self

    def completed(self) -> Story:
        self.do(Action.COMPLETE, BUYER, after=HOUR)
        return self

    def cancellation_requested(self, reason: str = "I no longer need it.") -> Story:
        self.do(Action.REQUEST_CANCELLATION, BUYER, Payload(text=reason), after=HOUR)
        return self

    def cancellation_refused(self, reason: str = "Work is well under way.") -> Story:
        self.do(Action.REFUSE_CANCELLATION, SELLER, Payload(text=reason), after=HOUR)
        return self

    def disputed(self, by: Viewer = BUYER, reason: str = "We cannot agree.") -> Story:
        self.do(Action.OPEN_DISPUTE, by, Payload(text=reason), after=HOUR)
        return self

    def frozen(self, reason: str = "Suspicious activity reported.") -> Story:
        self.do(Action.FREEZE, MODERATOR, Payload(text=reason), after=HOUR)
        return self

    def to(self, stage: Stage) -> Story:
        """Drives a freshly placed (and briefed) order to `stage` by the shortest ordinary path."""
        paths = {
            Stage.PENDING: (),
            Stage.IN_PROGRESS: (Story.accepted,),
            Stage.DELIVERED: (Story.accepted, Story.delivered),
            Stage.REVISION_REQUESTED: (Story.accepted, Story.delivered, Story.revision_requested),
            Stage.REVISION_REFUSED: (Story.accepted, Story.delivered, Story.revision_requested,
                                     Story.revision_refused),
            Stage.DISPUTED: (Story.accepted, Story.disputed),
            Stage.COMPLETED: (Story.accepted, Story.delivered, Story.completed),
        }
        for step in paths[stage]:
            step(self)
        assert self.order.stage is stage
        return self


def ordered(
    *,
    settings: Settings = Settings(),
    offer: Offer = OFFER,
    options: tuple[Option, ...] = (),
    tip: int = 0,
    brief: str = BRIEF,
    order_id: str = "A1",
    at: datetime = T0,
) -> Story:
    """Places a paid order (paid exactly price + options + tip) and starts its story."""
    price = offer.price + sum(option.price for option in options)
    result = place_order(order_id, offer, BUYER, at, settings, paid=price + tip, options=options, tip=tip,
                         brief=brief, payment_ref="pay_1")
    if isinstance(result, Refusal):
        raise StepRefused(f"place_order refused ({result.code.value}): {result.render('en')}")
    story = Story(result.order, at, settings)
    story.moves.extend(result.moves)
    story.outcomes.append(result)
    return story


def at_stage(stage: Stage, **kwargs: object) -> Story:
    """A placed order driven to `stage` through the public API."""
    return ordered(**kwargs).to(stage)
