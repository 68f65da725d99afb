"""The order engine: what a viewer may do now, and applying an action to get a new order plus events."""

from __future__ import annotations

from datetime import datetime

from core import labels, ledger
from core.events import Event, Outcome, Refusal, Refused
from core.i18n import N_, Money, Text
from core.model import Action, Deadline, Offer, Option, Order, Payload, Role, Stage, Viewer
from core.notices import notices_of
from core.settings import Settings
from core.step import Step
from core.table import TABLE, Needs, Row

MAX_FILES = 20
MAX_DAYS = 365


def days_limit(action: Action, settings: Settings) -> int:
    """The most days an action may give: an extension asks for at most the rules' limit; a moderator's resume sets
    a new delivery time of up to MAX_DAYS."""
    return settings.max_extension_days if action is Action.REQUEST_EXTENSION else MAX_DAYS


def allowed_actions(order: Order, viewer: Viewer, now: datetime, settings: Settings) -> tuple[Action, ...]:
    """The actions this viewer can take on this order now, in table order; adapters show exactly these."""
    role = order.role_of(viewer)
    if role is None:
        return ()
    seen: list[Action] = []
    for row in TABLE:
        if row.action not in seen and row.matches(order, role) and row.admits(order, now, settings):
            seen.append(row.action)
    return tuple(seen)


def due_actions(order: Order, now: datetime, settings: Settings) -> tuple[Action, ...]:
    """System actions whose deadline has passed."""
    return allowed_actions(order, _system, now, settings)


_system = Viewer(account="system", system=True)


def apply(
    order: Order,
    action: Action,
    viewer: Viewer,
    now: datetime,
    settings: Settings,
    payload: Payload = Payload(),
    version: int | None = None,
) -> Outcome | Refusal:
    """Applies one action. Never raises for bad input: a Refusal says why and what is possible now."""
    role = order.role_of(viewer)

    def refuse(code: Refused, reason: Text) -> Refusal:
        return Refusal(code, reason, allowed_actions(order, viewer, now, settings), order)

    if role is None:
        return refuse(Refused.STRANGER, Text.of(N_("This order is not yours.")))
    if version is not None and version != order.version:
        return refuse(Refused.VERSION, Text.of(N_("This was already done or the order has moved on; here is where it stands now.")))
    rows = [row for row in TABLE if row.action == action]
    if not rows:
        return refuse(Refused.UNKNOWN, Text.of(N_("This action does not exist.")))
    if not any(role in row.by for row in rows):
        roles = {r for row in rows for r in row.by}
        name = labels.PARTIES if len(roles) > 1 else labels.ROLE[roles.pop()]
        return refuse(Refused.ROLE, Text.of(N_("Only the {role} can do this: {action}."),
                                            role=Text.of(name), action=Text.of(labels.ACTION[action])))
    matching = [row for row in rows if row.matches(order, role)]
    if not matching:
        return refuse(
            Refused.STAGE,
            Text.of(
                N_("“{action}” is not possible now: the order is {stage}."),
                action=Text.of(labels.ACTION[action]),
                stage=Text.of(labels.STAGE[order.stage]),
            ),
        )
    row = next((row for row in matching if row.admits(order, now, settings)), None)
    if row is None:
        guard = matching[0].guard
        assert guard is not None  # a matching row without a guard is always admitted
        return refuse(Refused.CONDITION, Text.of(guard.refusal))
    problem = _check(row, payload, order, settings)
    if problem is not None:
        return refuse(Refused.INPUT, problem)
    step = Step(order, row, viewer, role, now, settings, payload)
    return step.run()


def _check(row: Row, payload: Payload, order: Order, settings: Settings) -> Text | None:
    """Validates what came with an action; returns the message to show, or None if fine."""
    needs = row.needs
    text = payload.text.strip()
    if len(payload.text) > settings.max_text:
        return Text.of(N_("This text is too long ({length} characters; the limit is {limit})."),
                       length=len(payload.text), limit=settings.max_text)
    if len(payload.files) > MAX_FILES:
        return Text.of(N_("Too many files (the limit is {limit})."), limit=MAX_FILES)
    if needs in (Needs.REASON, Needs.TEXT, Needs.AMOUNT, Needs.DAYS) and not text:
        return Text.of(N_("Please say why (a short text is enough)."))
    if needs is Needs.BRIEF and not (text or payload.files):
        return Text.of(N_("The brief is empty: write what you need or attach files."))
    if needs is Needs.DELIVERY and not (text or payload.files):
        return Text.of(N_("An empty delivery is refused: add a message or files."))
    if needs is Needs.AMOUNT:
        amount = payload.amount
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < order.held:
            return Text.of(N_("The amount must be more than 0 and less than the funds held ({held})."),
                           held=Money(order.held, order.currency))
    if needs is Needs.DAYS:
        days = payload.days
        limit = days_limit(row.action, settings)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= limit:
            if row.action is Action.REQUEST_EXTENSION:
                return Text.of(N_("You can ask for 1 to {limit} more days."), limit=limit)
            return Text.of(N_("The new delivery time must be between 1 and {limit} days."), limit=limit)
    if needs is Needs.REVIEW and payload.positive is None:
        return Text.of(N_("Say whether your review is positive or negative."))
    return None




def may_order(offer: Offer, buyer: Viewer, seller_suspended: bool) -> Refusal | None:
    """May this person order this offer at all (whatever they choose)? None if yes."""
    if not offer.active:
        return Refusal(Refused.OFFER, Text.of(N_("This offer is paused or no longer exists.")))
    if seller_suspended:
        return Refusal(Refused.SUSPENDED, Text.of(N_("This seller cannot take orders at the moment.")))
    if buyer.account == offer.seller:
        return Refusal(Refused.ROLE, Text.of(N_("You cannot order your own offer.")))
    return None


def place_order(
    order_id: str,
    offer: Offer,
    buyer: Viewer,
    now: datetime,
    settings: Settings,
    *,
    paid: int,
    options: tuple[Option, ...] = (),
    tip: int = 0,
    brief: str = "",
    files: tuple[str, ...] = (),
    payment_ref: str = "",
    seller_suspended: bool = False,
    credit: int = 0,
) -> Outcome | Refusal:
    """Creates an order from a paid checkout: funds go to escrow and the acceptance deadline starts. `credit` is
    what the buyer's vouchers pay (from the platform's account, where the money of expired orders went)."""

    def refuse(code: Refused, msgid: str, **params: object) -> Refusal:
        return Refusal(code, Text.of(msgid, **params))

    price = offer.price + sum(o.price for o in options)
    refusal = may_order(offer, buyer, seller_suspended)
    if refusal is not None:
        return refusal
    if any(o not in offer.options for o in options) or len(set(options)) != len(options):
        return refuse(Refused.INPUT, N_("One of the chosen options is not part of this offer."))
    if price <= 0:  # a free order would hold nothing in escrow: there would be nothing to settle
        return refuse(Refused.OFFER, N_("This offer has no price, so it cannot be ordered."))
    if not isinstance(tip, int) or isinstance(tip, bool) or tip < 0 or tip > settings.tip_cap(price):
        return refuse(Refused.INPUT, N_("The tip can be at most {cap}."), cap=Money(settings.tip_cap(price), offer.currency))
    if len(brief) > settings.max_text:
        return refuse(Refused.INPUT, N_("This text is too long ({length} characters; the limit is {limit})."),
                      length=len(brief), limit=settings.max_text)
    if paid + credit != price + tip or paid < 0 or credit < 0:
        return refuse(Refused.CONDITION, N_("The payment has not been confirmed for the full amount."))
    order = Order(
        id=order_id,
        buyer=buyer.account,
        seller=offer.seller,
        offer_id=offer.id,
        title=offer.title,
        price=price,
        tip=tip,
        currency=offer.currency,
        delivery_days=offer.delivery_days + sum(o.extra_days for o in options),
        revision_days=offer.revision_days or offer.delivery_days,
        revisions_allowed=offer.revisions,
        paid_at=now,
        brief=brief.strip(),
        brief_files=tuple(files),
        deadlines=(
            (Deadline.ACCEPTANCE, now + settings.acceptance),
            (Deadline.EXPIRY, now + settings.expiry),
        ),
        payment_ref=payment_ref,
        credit=credit,
    )
    sources = ((ledger.WORLD, -paid), (ledger.EXPIRED, -credit))
    payment = ledger.Transaction(
        f"{order_id}:1:payment", order_id, "payment",
        (*((account, amount) for account, amount in sources if amount), (ledger.escrow(order_id), order.total)), now,
    )
    data = (("options", [o.id for o in options]), ("price", price), ("seller", offer.seller), ("tip", tip))
    event = Event(order_id, 1, Action.PLACE_ORDER, Role.BUYER, buyer.account, now, None, Stage.PENDING,
                  ((("credit", credit),) if credit else ()) + data)
    notices = notices_of(Action.PLACE_ORDER, Role.BUYER, order, order, Payload(), (payment,), settings)
    return Outcome(order, (event,), (payment,), notices)
