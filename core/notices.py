"""Who is told about an action, in words written for each reader, with the content and the money it carried.

Every notice speaks to its reader ("your order", "you are paid"), names the amount that moved for them, and
carries whole what the other person wrote with the action (the brief, the delivery's message, a reason) as
`Quote`s, masked like the chat.
"""

from __future__ import annotations

from datetime import datetime

from core import ledger
from core.chat import mask_contacts
from core.events import Notice, Quote
from core.i18n import N_, Moment, Money, Text
from core.model import Action, Deadline, Order, Payload, Role, Stage
from core.settings import Settings
from core.vouchers import Voucher, offered

B, S, M = Role.BUYER, Role.SELLER, Role.MODERATOR

#: what each reader is told, by action; an action missing for a role tells that role nothing
NEWS: dict[Action, dict[Role, str]] = {
    Action.PLACE_ORDER: {
        S: N_("New order #{order} “{title}”: {amount} paid and held until you deliver. Read the brief, then accept "
              "or decline the order."),
        B: N_("Your order #{order} “{title}” is placed and paid ({amount})."),
    },
    Action.EDIT_BRIEF: {S: N_("Order #{order}: the buyer updated the brief. Here it is, as it stands now.")},
    Action.ACCEPT: {B: N_("Order #{order}: the seller accepted your order and is working on it.")},
    Action.DECLINE: {B: N_("Order #{order}: the seller declined your order. You are refunded in full: {refund}.")},
    Action.CANCEL: {
        B: N_("Order #{order} was cancelled by the seller. You are refunded in full: {refund}."),
        S: N_("Order #{order} was cancelled by the buyer. They are refunded in full ({refund})."),
    },
    Action.ACCEPTANCE_TIMEOUT: {
        B: N_("Order #{order} was cancelled: the seller did not accept it in time. You are refunded in full: "
              "{refund}."),
        S: N_("Order #{order} was cancelled: you did not accept it in time. The buyer is refunded in full."),
    },
    Action.REQUEST_CANCELLATION: {S: N_("Order #{order}: the buyer asks to cancel the order. Accept or refuse "
                                        "their request.")},
    Action.WITHDRAW_CANCELLATION: {S: N_("Order #{order}: the buyer withdrew their cancellation request. The order "
                                         "goes on.")},
    Action.ACCEPT_CANCELLATION: {B: N_("Order #{order}: the seller accepted your cancellation request. You are "
                                       "refunded in full: {refund}.")},
    Action.REFUSE_CANCELLATION: {B: N_("Order #{order}: the seller refused your cancellation request. The order "
                                       "goes on.")},
    Action.CANCELLATION_ANSWER_OVERDUE: {
        B: N_("Order #{order}: the seller did not answer your cancellation request in time. You can now open a "
              "dispute."),
        S: N_("Order #{order}: you did not answer the buyer's cancellation request in time. They can now open a "
              "dispute; you can still accept or refuse it."),
    },
    Action.DELIVERY_OVERDUE: {
        B: N_("Order #{order} is late: the delivery deadline has passed. You can cancel it for a full refund, or "
              "keep waiting."),
        S: N_("Order #{order} is late: the delivery deadline has passed. Deliver as soon as you can: the buyer can "
              "now cancel it for a full refund."),
    },
    Action.CANCEL_LATE: {S: N_("Order #{order} was cancelled by the buyer because it was late. They are refunded in "
                               "full ({refund}).")},
    Action.REQUEST_EXTENSION: {
        B: N_("Order #{order}: the seller asks for an extension of {extra} to deliver: the delivery deadline would "
              "move to {due}. Accept or decline it before {answer}; without an answer, it is declined."),
    },
    Action.ACCEPT_EXTENSION: {S: N_("Order #{order}: the buyer accepted your extension of {extra}. The new "
                                    "delivery deadline is {due}.")},
    Action.DECLINE_EXTENSION: {S: N_("Order #{order}: the buyer declined your extension request. {deadline}")},
    Action.EXTENSION_ANSWER_OVERDUE: {
        B: N_("Order #{order}: you did not answer the seller's extension request in time, so it is declined. "
              "{deadline}"),
        S: N_("Order #{order}: the buyer did not answer your extension request in time, so it is declined. "
              "{deadline}"),
    },
    Action.DELIVER: {B: N_("Order #{order} was delivered. Check the delivery, then complete the order or request a "
                           "revision. The chat is closed until then.")},
    Action.PROPOSE_PARTIAL_REFUND: {S: N_("Order #{order}: the buyer proposes a partial refund of {amount}. Accept or "
                                          "decline it.")},
    Action.WITHDRAW_PARTIAL_REFUND: {S: N_("Order #{order}: the buyer withdrew their partial refund proposal.")},
    Action.ACCEPT_PARTIAL_REFUND: {B: N_("Order #{order}: the seller accepted your partial refund: {refund} is "
                                         "refunded to you. The order goes on.")},
    Action.DECLINE_PARTIAL_REFUND: {B: N_("Order #{order}: the seller declined your partial refund proposal. The "
                                          "order goes on.")},
    Action.COMPLETE: {S: N_("Order #{order} is completed: you are paid {payout}.")},
    Action.REQUEST_REVISION: {S: N_("Order #{order}: the buyer requests a revision. Accept or refuse it; the chat is "
                                    "open again.")},
    Action.REVIEW_WINDOW_CLOSE: {
        B: N_("Order #{order} closed on its own: the review window ended, so the seller is paid. You can still "
              "leave a review."),
        S: N_("Order #{order} closed on its own after the review window: you are paid {payout}."),
    },
    Action.REPORT_DELIVERY: {
        S: N_("Order #{order}: the buyer reported your delivery as empty or fake. The order is in dispute: a "
              "moderator will look at it."),
        M: N_("Order #{order}: the buyer reported the delivery as empty or fake. Take the dispute to read the "
              "evidence."),
    },
    Action.ACCEPT_REVISION: {B: N_("Order #{order}: the seller accepted your revision request and is working on it "
                                   "again.")},
    Action.REFUSE_REVISION: {B: N_("Order #{order}: the seller refused your revision request. You can complete the "
                                   "order or open a dispute.")},
    Action.REVISION_ANSWER_OVERDUE: {
        B: N_("Order #{order}: the seller did not answer your revision request in time. You can now open a "
              "dispute."),
        S: N_("Order #{order}: you did not answer the revision request in time. The buyer can now open a dispute; "
              "you can still accept or refuse it."),
    },
    Action.REVISION_CHOICE_TIMEOUT: {
        B: N_("Order #{order} closed on its own after the revision was refused: the seller is paid."),
        S: N_("Order #{order} closed on its own after you refused the revision: you are paid {payout}."),
    },
    Action.OPEN_DISPUTE: {
        B: N_("Order #{order} is in dispute: the seller opened one. A moderator will mediate; deadlines are "
              "paused."),
        S: N_("Order #{order} is in dispute: the buyer opened one. A moderator will mediate; deadlines are "
              "paused."),
        M: N_("New dispute on order #{order}, opened by the {role}. Take it to mediate."),
    },
    Action.TAKE_DISPUTE: {
        B: N_("Order #{order}: a moderator took the dispute and joins the chat."),
        S: N_("Order #{order}: a moderator took the dispute and joins the chat."),
    },
    Action.REFUND_ALL: {
        B: N_("Order #{order}: the moderator decided to refund you in full: {refund}."),
        S: N_("Order #{order}: the moderator decided to refund the buyer in full. You are not paid for this order."),
    },
    Action.PAY_SELLER: {
        B: N_("Order #{order}: the moderator decided to pay the seller. You are not refunded."),
        S: N_("Order #{order}: the moderator decided to pay you: {payout}."),
    },
    Action.SPLIT: {
        B: N_("Order #{order}: the moderator split the funds: {refund} is refunded to you, the rest goes to the "
              "seller."),
        S: N_("Order #{order}: the moderator split the funds: you are paid {payout}, and the buyer is refunded "
              "{refund}."),
    },
    Action.RESUME: {
        B: N_("Order #{order}: the moderator resumed the order. The seller has {days} days to deliver."),
        S: N_("Order #{order}: the moderator resumed the order. You have {days} days to deliver."),
    },
    Action.FREEZE: {
        B: N_("Order #{order} was frozen by a moderator. Deadlines are paused."),
        S: N_("Order #{order} was frozen by a moderator. Deadlines are paused."),
    },
    Action.UNFREEZE: {
        B: N_("Order #{order} was unfrozen by a moderator. Deadlines run again."),
        S: N_("Order #{order} was unfrozen by a moderator. Deadlines run again."),
    },
    Action.EXPIRE: {
        B: N_("Order #{order} expired: it stayed unfinished too long, and the {amount} held went to the platform."),
        S: N_("Order #{order} expired: it stayed unfinished too long, and the funds held went to the platform."),
    },
    Action.REVIEW: {S: N_("Order #{order}: the buyer left a {verdict} review. You can reply to it once.")},
    Action.REPLY_REVIEW: {B: N_("Order #{order}: the seller replied to your review.")},
}

#: the same actions when something about the order makes other words true
PLACED_WITHOUT_BRIEF = {
    S: N_("New order #{order} “{title}”: {amount} paid and held until you deliver. The buyer has not written the "
          "brief yet: you can accept the order once they have, and you will be told."),
    B: N_("Your order #{order} “{title}” is placed and paid ({amount}). The seller can accept it only once you have "
          "written the brief: press “Write the brief” and say what you need."),
}
BRIEF_WRITTEN = N_("Order #{order}: the buyer wrote the brief. Read it: you can now accept the order.")
TIMED_OUT_WITHOUT_BRIEF = {
    B: N_("Order #{order} was cancelled: you did not write the brief, so the seller could not accept it in time. "
          "You are refunded in full: {refund}."),
    S: N_("Order #{order} was cancelled: the buyer never wrote the brief, so it could not be accepted in time. "
          "The buyer is refunded in full."),
}
AUTO_DISPUTE = {
    B: N_("Order #{order} is in dispute: the seller refused your second cancellation request before any "
          "delivery. A moderator will mediate; deadlines are paused."),
    M: N_("Order #{order} is in dispute: the seller refused the buyer's second cancellation request before any "
          "delivery. Take it to mediate."),
}
#: a late order's seller asks for more time: counted from the buyer's yes, not from a deadline already gone
EXTENSION_WHEN_LATE = N_("Order #{order} is late, and the seller asks for an extension of {extra} to deliver, "
                         "counted from when you accept it. Accept or decline it before {answer}; without an answer, "
                         "it is declined. You can also cancel the late order for a full refund.")
#: where the delivery deadline stands after an extension request is declined (or lapses)
DEADLINE_STAYS = N_("The delivery deadline stays {due}.")
STILL_LATE = {
    B: N_("The order is still late: you can cancel it for a full refund, or keep waiting."),
    S: N_("The order is still late: deliver as soon as you can."),
}
ONE_DAY, DAYS = N_("1 day"), N_("{n} days")
COMPLETED_WITH_REVIEW = N_("Order #{order} is completed: you are paid {payout}. The buyer left a {verdict} review.")
EXPIRED_WITH_VOUCHER = N_("Order #{order} expired: it stayed unfinished too long, and the {amount} held went to the "
                          "platform. You are offered a voucher instead: {voucher}")

#: how the reader knows what each quote is
BRIEF = N_("The brief")
REASON = N_("Their reason")
MODERATOR_REASON = N_("The moderator's reason")
DELIVERY = N_("The seller's message")
CHANGES = N_("What to change")
REVIEW = N_("Their review")
REPLY = N_("Their reply")
REQUEST = N_("The buyer's request")
REFUSAL = N_("The seller's answer")
POSITIVE, NEGATIVE = N_("positive"), N_("negative")
PAYOUT_AFTER_COMMISSION = N_("{net} ({gross} less the platform's commission of {fee})")
REFUND_WITH_VOUCHER = N_("{money}, and {voucher} back on a voucher")
ROLE_NAME = {B: N_("buyer"), S: N_("seller")}


def recipients(action: Action, actor: Role, after: Order) -> tuple[Role, ...]:
    """Everyone concerned but the actor (who sees the result on their own screen)."""
    told = [Role.BUYER, Role.SELLER]
    entered_dispute = after.stage is Stage.DISPUTED and action is not Action.TAKE_DISPUTE
    if entered_dispute and actor is not Role.MODERATOR:
        told.append(Role.MODERATOR)
    return tuple(role for role in told if role is not actor)


def notices_of(action: Action, actor: Role, before: Order, after: Order, payload: Payload,
               moves: tuple[ledger.Transaction, ...], settings: Settings,
               vouchers: tuple[Voucher, ...] = ()) -> tuple[Notice, ...]:
    """The notices an applied action sends: one per reader, in their words, with what it carried."""
    voucher = offered(vouchers[0]) if action is Action.EXPIRE and vouchers else None
    told = list(recipients(action, actor, after))
    if action is Action.PLACE_ORDER:
        told = [Role.SELLER] + ([Role.BUYER] if not _has_brief(after) else [])
    money = _money(after, moves)
    found = []
    for to in told:
        msgid = _msgid(action, to, before, after, voucher)
        if msgid is None:
            continue
        params = dict(order=after.id, title=after.title, role=Text.of(ROLE_NAME.get(actor, ROLE_NAME[B])),
                      verdict=_verdict(after), days=payload.days, voucher=voucher,
                      **_extension(to, before, after, settings),
                      amount=Money(payload.amount if payload.amount is not None else _amount(action, before, after),
                                   after.currency), **money)
        used = {name: value for name, value in params.items() if "{" + name + "}" in msgid}
        files = _files(action, to, after, payload)
        found.append(Notice(after.id, to, Text.of(msgid, **used), f"{after.id}:{after.version}:{to.value}",
                            files=files, quotes=_quotes(action, to, before, after, payload, settings)))
    return tuple(found)


def _msgid(action: Action, to: Role, before: Order, after: Order, voucher: Text | None) -> str | None:
    if action is Action.PLACE_ORDER and not _has_brief(after):
        return PLACED_WITHOUT_BRIEF.get(to)
    if action is Action.EDIT_BRIEF and not _has_brief(before):
        return BRIEF_WRITTEN
    if action is Action.ACCEPTANCE_TIMEOUT and not _has_brief(before):
        return TIMED_OUT_WITHOUT_BRIEF.get(to)
    if action is Action.REFUSE_CANCELLATION and after.stage is Stage.DISPUTED:
        return AUTO_DISPUTE.get(to)
    if action is Action.REQUEST_EXTENSION and after.extension is not None and _late(before, after.extension.at):
        return EXTENSION_WHEN_LATE
    if action is Action.COMPLETE and to is S and after.review is not None:
        return COMPLETED_WITH_REVIEW
    if action is Action.EXPIRE and to is B and voucher is not None:
        return EXPIRED_WITH_VOUCHER
    return NEWS.get(action, {}).get(to)


def _has_brief(order: Order) -> bool:
    return bool(order.brief.strip() or order.brief_files)


def _late(order: Order, now: datetime) -> bool:
    due = order.deadline(Deadline.DELIVERY)
    return order.late or due is None or due <= now


def days_text(days: int) -> Text:
    """A number of days as people say it: "1 day", "3 days"."""
    return Text.of(ONE_DAY) if days == 1 else Text.of(DAYS, n=days)


def _extension(to: Role, before: Order, after: Order, settings: Settings) -> dict[str, object]:
    """What the words about an extension request name: the days asked, the delivery deadline it would set (or did
    set), when the buyer must answer, and where the deadline stands once it is declined."""
    asked = after.extension or before.extension
    if asked is None:
        return {}
    due, answer = after.deadline(Deadline.DELIVERY), after.deadline(Deadline.EXTENSION_ANSWER)
    if after.extension is not None and due is not None:  # still asked: where the deadline would move
        due += asked.days * settings.day
    if due is None or after.late:
        deadline = Text.of(STILL_LATE[to]) if to in STILL_LATE else None
    else:
        deadline = Text.of(DEADLINE_STAYS, due=Moment(due))
    return {"extra": days_text(asked.days), "due": Moment(due) if due else None,
            "answer": Moment(answer) if answer else None, "deadline": deadline}


def _amount(action: Action, before: Order, after: Order) -> int:
    """The amount a notice speaks of when no one typed one: what was paid, or what was held."""
    if action is Action.PLACE_ORDER:
        return after.total
    if action is Action.PROPOSE_PARTIAL_REFUND and after.proposal is not None:
        return after.proposal.amount
    return before.held


def _money(order: Order, moves: tuple[ledger.Transaction, ...]) -> dict[str, object]:
    """What this action moved, for the words that name it: refunded to the buyer (a voucher part back on a
    voucher), paid to the seller."""
    refund = on_voucher = paid = fee = 0
    for tx in moves:
        for account, amount in tx.postings:
            if account == ledger.buyer(order.buyer):
                refund += amount
            elif account == ledger.EXPIRED and tx.kind != "expiry":
                on_voucher += amount
            elif account == ledger.seller(order.seller):
                paid += amount
            elif account == ledger.COMMISSION:
                fee += amount
    payout: object = Money(paid, order.currency)
    if fee:
        payout = Text.of(PAYOUT_AFTER_COMMISSION, net=Money(paid, order.currency),
                         gross=Money(paid + fee, order.currency), fee=Money(fee, order.currency))
    refunded: object = Money(refund, order.currency)
    if on_voucher:
        refunded = Text.of(REFUND_WITH_VOUCHER, money=Money(refund, order.currency),
                           voucher=Money(on_voucher, order.currency))
    return {"refund": refunded, "payout": payout}


def _verdict(order: Order) -> Text | None:
    if order.review is None:
        return None
    return Text.of(POSITIVE if order.review.positive else NEGATIVE)


def _files(action: Action, to: Role, after: Order, payload: Payload) -> tuple[str, ...]:
    if action is Action.PLACE_ORDER:
        return after.brief_files if to is Role.SELLER else ()
    return tuple(payload.files)


def shown(text: str, settings: Settings) -> str:
    """Words one person wrote, as another reads them: contact details masked when the rules say so."""
    return mask_contacts(text)[0] if settings.mask_contacts else text


def _quotes(action: Action, to: Role, before: Order, after: Order, payload: Payload,
            settings: Settings) -> tuple[Quote, ...]:
    def quote(label: str, text: str | None, **params: object) -> tuple[Quote, ...]:
        text = (text or "").strip()
        return (Quote(Text.of(label, **params), shown(text, settings)),) if text else ()

    typed = payload.text
    if action in (Action.PLACE_ORDER, Action.EDIT_BRIEF):
        return quote(BRIEF, after.brief) if to is Role.SELLER else ()
    if action is Action.DELIVER:
        return quote(DELIVERY, typed)
    if action is Action.REQUEST_REVISION:
        return quote(CHANGES, typed)
    if action is Action.REFUSE_CANCELLATION and after.stage is Stage.DISPUTED and to is Role.MODERATOR:
        return quote(REQUEST, before.cancellation_reason) + quote(REFUSAL, typed)
    if action in (Action.COMPLETE, Action.REVIEW):
        return quote(REVIEW, typed) if after.review is not None else ()
    if action is Action.REPLY_REVIEW:
        return quote(REPLY, typed)
    if action in (Action.REFUND_ALL, Action.PAY_SELLER, Action.SPLIT, Action.RESUME, Action.FREEZE,
                  Action.UNFREEZE):
        return quote(MODERATOR_REASON, typed)
    return quote(REASON, typed)
