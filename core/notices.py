"""Who is told about an action, and in which words."""

from __future__ import annotations

from core.i18n import N_, Text
from core.model import Action, Order, Role, Stage

NEWS = {
    Action.PLACE_ORDER: N_("New order #{order} “{title}”: paid, funds held. The seller has to accept it."),
    Action.EDIT_BRIEF: N_("Order #{order}: the buyer updated the brief."),
    Action.ACCEPT: N_("Order #{order}: the seller accepted the order and is working on it."),
    Action.DECLINE: N_("Order #{order}: the seller declined the order. The buyer is refunded in full."),
    Action.CANCEL: N_("Order #{order} was cancelled. The buyer is refunded in full."),
    Action.ACCEPTANCE_TIMEOUT: N_("Order #{order} was cancelled: the seller did not accept it in time. The buyer is refunded in full."),
    Action.REQUEST_CANCELLATION: N_("Order #{order}: the buyer asks to cancel. The seller has to answer."),
    Action.WITHDRAW_CANCELLATION: N_("Order #{order}: the buyer withdrew the cancellation request."),
    Action.ACCEPT_CANCELLATION: N_("Order #{order}: the seller accepted the cancellation. The buyer is refunded in full."),
    Action.REFUSE_CANCELLATION: N_("Order #{order}: the seller refused the cancellation request."),
    Action.CANCELLATION_ANSWER_OVERDUE: N_("Order #{order}: the seller did not answer the cancellation request in time. The buyer can now open a dispute."),
    Action.DELIVERY_OVERDUE: N_("Order #{order} is late: the delivery deadline has passed. The buyer can now cancel it."),
    Action.CANCEL_LATE: N_("Order #{order} was cancelled by the buyer because it was late. The buyer is refunded in full."),
    Action.DELIVER: N_("Order #{order} was delivered. The buyer can complete it or request a revision; the chat is closed until then."),
    Action.PROPOSE_PARTIAL_REFUND: N_("Order #{order}: the buyer proposes a partial refund."),
    Action.WITHDRAW_PARTIAL_REFUND: N_("Order #{order}: the buyer withdrew the partial refund proposal."),
    Action.ACCEPT_PARTIAL_REFUND: N_("Order #{order}: the seller accepted the partial refund; it has been paid back. The order goes on."),
    Action.DECLINE_PARTIAL_REFUND: N_("Order #{order}: the seller declined the partial refund."),
    Action.COMPLETE: N_("Order #{order} is completed. The seller is paid."),
    Action.REQUEST_REVISION: N_("Order #{order}: the buyer requests a revision. The chat is open again."),
    Action.REVIEW_WINDOW_CLOSE: N_("Order #{order} closed on its own after the review window, without a review. The seller is paid."),
    Action.REPORT_DELIVERY: N_("Order #{order}: the buyer reported the delivery as empty or fake. A moderator will look at it."),
    Action.ACCEPT_REVISION: N_("Order #{order}: the seller accepted the revision and is working on it again."),
    Action.REFUSE_REVISION: N_("Order #{order}: the seller refused the revision. The buyer can complete the order or open a dispute."),
    Action.REVISION_ANSWER_OVERDUE: N_("Order #{order}: the seller did not answer the revision request in time. The buyer can now open a dispute."),
    Action.REVISION_CHOICE_TIMEOUT: N_("Order #{order} closed on its own after the revision was refused. The seller is paid."),
    Action.OPEN_DISPUTE: N_("Order #{order} is in dispute. A moderator will mediate; deadlines are paused."),
    Action.TAKE_DISPUTE: N_("Order #{order}: a moderator took the dispute and joins the chat."),
    Action.REFUND_ALL: N_("Order #{order}: the moderator decided to refund the buyer in full."),
    Action.PAY_SELLER: N_("Order #{order}: the moderator decided to pay the seller."),
    Action.SPLIT: N_("Order #{order}: the moderator split the funds between buyer and seller."),
    Action.RESUME: N_("Order #{order}: the moderator resumed the order with a new delivery deadline."),
    Action.FREEZE: N_("Order #{order} was frozen by a moderator. Deadlines are paused."),
    Action.UNFREEZE: N_("Order #{order} was unfrozen by a moderator. Deadlines run again."),
    Action.EXPIRE: N_("Order #{order} expired: it stayed unfinished too long. The funds went to the platform."),
    Action.REVIEW: N_("Order #{order}: the buyer left a review."),
    Action.REPLY_REVIEW: N_("Order #{order}: the seller replied to the review."),
}

AUTO_DISPUTE = N_("Order #{order} is in dispute: the seller refused a second cancellation request before any delivery. A moderator will mediate.")


def news(action: Action, before: Order, after: Order) -> Text:
    msgid = NEWS[action]
    if action is Action.REFUSE_CANCELLATION and after.stage is Stage.DISPUTED:
        msgid = AUTO_DISPUTE
    return Text.of(msgid, order=after.id, title=after.title)


def recipients(action: Action, actor: Role, after: Order) -> tuple[Role, ...]:
    """Everyone concerned but the actor (who sees the result on their own screen)."""
    told = [Role.BUYER, Role.SELLER]
    entered_dispute = after.stage is Stage.DISPUTED and action is not Action.TAKE_DISPUTE
    if entered_dispute and actor is not Role.MODERATOR:
        told.append(Role.MODERATOR)
    return tuple(role for role in told if role is not actor)
