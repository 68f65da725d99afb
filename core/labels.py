"""Names people read for stages, actions, roles and deadlines (msgids, translated at render time)."""

from core.i18n import N_
from core.model import Action, Deadline, Role, Stage

STAGE = {
    Stage.PENDING: N_("waiting for acceptance"),
    Stage.IN_PROGRESS: N_("in progress"),
    Stage.DELIVERED: N_("delivered"),
    Stage.REVISION_REQUESTED: N_("revision requested"),
    Stage.REVISION_REFUSED: N_("revision refused"),
    Stage.DISPUTED: N_("in dispute"),
    Stage.COMPLETED: N_("completed"),
    Stage.CANCELLED: N_("cancelled"),
    Stage.EXPIRED: N_("expired"),
}

ROLE = {
    Role.BUYER: N_("buyer"),
    Role.SELLER: N_("seller"),
    Role.MODERATOR: N_("moderator"),
    Role.SYSTEM: N_("system"),
}
PARTIES = N_("buyer or seller")

ACTION = {
    Action.EDIT_BRIEF: N_("Edit the brief"),
    Action.CANCEL: N_("Cancel the order"),
    Action.REQUEST_CANCELLATION: N_("Request cancellation"),
    Action.WITHDRAW_CANCELLATION: N_("Withdraw the cancellation request"),
    Action.CANCEL_LATE: N_("Cancel (late)"),
    Action.PROPOSE_PARTIAL_REFUND: N_("Propose a partial refund"),
    Action.WITHDRAW_PARTIAL_REFUND: N_("Withdraw the proposal"),
    Action.COMPLETE: N_("Complete"),
    Action.REQUEST_REVISION: N_("Request a revision"),
    Action.REPORT_DELIVERY: N_("Report an empty or fake delivery"),
    Action.REVIEW: N_("Leave a review"),
    Action.ACCEPT: N_("Accept"),
    Action.DECLINE: N_("Decline"),
    Action.ACCEPT_CANCELLATION: N_("Accept the cancellation"),
    Action.REFUSE_CANCELLATION: N_("Refuse the cancellation"),
    Action.ACCEPT_PARTIAL_REFUND: N_("Accept the partial refund"),
    Action.DECLINE_PARTIAL_REFUND: N_("Decline the partial refund"),
    Action.DELIVER: N_("Deliver"),
    Action.ACCEPT_REVISION: N_("Accept the revision"),
    Action.REFUSE_REVISION: N_("Refuse the revision"),
    Action.REPLY_REVIEW: N_("Reply to the review"),
    Action.REQUEST_EXTENSION: N_("Ask for more time"),
    Action.ACCEPT_EXTENSION: N_("Accept the extension"),
    Action.DECLINE_EXTENSION: N_("Decline the extension"),
    Action.OPEN_DISPUTE: N_("Open a dispute"),
    Action.TAKE_DISPUTE: N_("Take this dispute"),
    Action.REFUND_ALL: N_("Refund the buyer"),
    Action.PAY_SELLER: N_("Pay the seller"),
    Action.SPLIT: N_("Split"),
    Action.RESUME: N_("Resume the order"),
    Action.FREEZE: N_("Freeze"),
    Action.UNFREEZE: N_("Unfreeze"),
    Action.ACCEPTANCE_TIMEOUT: N_("acceptance deadline passed"),
    Action.DELIVERY_OVERDUE: N_("delivery deadline passed"),
    Action.CANCELLATION_ANSWER_OVERDUE: N_("cancellation answer deadline passed"),
    Action.REVIEW_WINDOW_CLOSE: N_("review window closed"),
    Action.REVISION_ANSWER_OVERDUE: N_("revision answer deadline passed"),
    Action.REVISION_CHOICE_TIMEOUT: N_("revision choice period ended"),
    Action.EXTENSION_ANSWER_OVERDUE: N_("extension answer deadline passed"),
    Action.EXPIRE: N_("expired after the maximum duration"),
    Action.PLACE_ORDER: N_("Place the order"),
}

DEADLINE = {
    Deadline.ACCEPTANCE: N_("Acceptance due"),
    Deadline.DELIVERY: N_("Delivery due"),
    Deadline.CANCELLATION_ANSWER: N_("Answer to the cancellation due"),
    Deadline.REVIEW_WINDOW: N_("Closes and pays the seller"),
    Deadline.REVISION_ANSWER: N_("Answer to the revision due"),
    Deadline.REVISION_REFUSED_CHOICE: N_("Closes and pays the seller"),
    Deadline.EXTENSION_ANSWER: N_("Answer to the extension due"),
    Deadline.EXPIRY: N_("Expires"),
}
