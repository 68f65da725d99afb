"""The chat policy: may this person send to this order now, and if not, why, until when, what unblocks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.i18n import N_, Text
from core.masking import MASK, mask  # noqa: F401 -- MASK stays importable from here
from core.model import Action, Deadline, Order, Role, Stage, Viewer
from core.settings import Settings


@dataclass(frozen=True)
class ChatMessage:
    order_id: str
    sender: str
    role: Role
    platform: str
    text: str
    files: tuple[str, ...]
    flagged: bool  # contact details were masked; moderators see the flag
    at: datetime
    id: int | None = None  # storage's number for it, once kept (adapters use it to avoid echoing it back)
    original: str | None = None  # what was written, when masking changed it: for the evidence only
    source: str | None = None  # the platform's reference of the message as written (its edits find it)
    edit_of: int | None = None  # an edit: the id of the message it changes
    left_visible: bool = False  # flagged, and its unmasked copy stayed where it was written

    @property
    def written(self) -> str:
        """The words as their writer wrote them (masked or not)."""
        return self.original if self.original is not None else self.text


@dataclass(frozen=True)
class ChatDecision:
    allowed: bool
    reason: Text | None = None
    until: datetime | None = None
    unblock: tuple[Action, ...] = ()  # what this person can press to reopen the chat


OPEN_STAGES = frozenset({Stage.PENDING, Stage.IN_PROGRESS, Stage.REVISION_REQUESTED, Stage.REVISION_REFUSED})


def may_send(order: Order, viewer: Viewer, now: datetime, settings: Settings) -> ChatDecision:
    role = order.role_of(viewer)
    if role is None or role is Role.SYSTEM:
        return ChatDecision(False, Text.of(N_("This order is not yours.")))
    if order.stage is Stage.DISPUTED:
        assert order.dispute is not None  # a disputed order has its dispute
        if role is Role.MODERATOR and order.dispute.moderator != viewer.account:
            return ChatDecision(False, Text.of(N_("Take the dispute first to join this order's chat.")),
                                unblock=(Action.TAKE_DISPUTE,))
        return ChatDecision(True)
    if role is Role.MODERATOR:
        return ChatDecision(False, Text.of(N_("Moderators join an order's chat only during a dispute.")))
    if order.stage in OPEN_STAGES:
        return ChatDecision(True)
    if order.stage is Stage.DELIVERED:
        until = order.deadline(Deadline.REVIEW_WINDOW)
        if role is Role.BUYER:
            return ChatDecision(
                False,
                Text.of(N_("The chat is closed while you review the delivery. Complete the order or request a revision to talk to the seller again.")),
                until,
                (Action.COMPLETE, Action.REQUEST_REVISION),
            )
        return ChatDecision(
            False,
            Text.of(N_("The chat is closed while the buyer reviews your delivery. It reopens if they request a revision, or when the order is completed.")),
            until,
        )
    # closed orders keep their chat open for a while (an end already past is no "until": nothing reopens it)
    assert order.closed_at is not None  # neither open, delivered nor disputed: closed
    until = order.closed_at + settings.chat_after_closing
    if now < until:
        return ChatDecision(True, until=until)
    return ChatDecision(False, Text.of(N_("This order is closed and its chat has ended.")))


def check_message(text: str, files: tuple[str, ...], settings: Settings) -> Text | None:
    """What is wrong with a chat message whatever order it is for (too long, empty), or None. Asked before
    "which order?", so nobody picks an order for a message that cannot be sent anyway."""
    if len(text) > settings.max_text:
        return Text.of(N_("This text is too long ({length} characters; the limit is {limit})."),
                       length=len(text), limit=settings.max_text)
    if not text.strip() and not files:
        return Text.of(N_("The message is empty."))
    return None


def chat_recipients(order: Order, sender: Role) -> tuple[Role, ...]:
    """Who hears a message: the other party, and in a dispute the moderator too."""
    roles = [Role.BUYER, Role.SELLER]
    if order.stage is Stage.DISPUTED and order.dispute is not None and order.dispute.moderator:
        roles.append(Role.MODERATOR)
    return tuple(r for r in roles if r is not sender)


def mask_contacts(text: str) -> tuple[str, bool]:
    """Hides e-mails, phone numbers, messenger handles and links (core.masking); says whether anything was hidden."""
    masked = mask(text)
    return masked.text, masked.hidden
