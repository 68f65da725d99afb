"""Short dialogs that collect what an action needs (a reason, a delivery, an amount, a review).

A dialog is stored in the database, not in memory: a bot restarted halfway through picks it up.
Only the input is collected here; the engine decides, when the dialog ends, whether the action
is still possible.
"""

from __future__ import annotations


from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bots.files import safe_name
from bots.parsing import parse_amount, parse_days
from bots.telegram import callbacks
from bots.telegram.context import PLATFORM, Person
from core.i18n import N_, translate
from core.model import Action, Payload
from core.table import Needs


PROMPT = {
    Needs.OPTIONAL_REASON: N_("Tell the other party why (optional), or press Skip."),
    Needs.REASON: N_("Say why, in one message."),
    Needs.TEXT: N_("Write it in one message."),
    Needs.BRIEF: N_("Send the brief: text and files, in as many messages as you like. Press Done when finished."),
    Needs.DELIVERY: N_("Send your delivery: a message and/or files. Press Done when finished."),
    Needs.AMOUNT: N_("How much, in {currency}? For example: 12.50"),
    Needs.DAYS: N_("How many days until the new delivery deadline?"),
    Needs.REVIEW: N_("How was it?"),
    Needs.OPTIONAL_REVIEW: N_("Leave a review with it?"),
}
ACTION_PROMPT = {
    Action.REQUEST_REVISION: N_("What should change? Describe it in one message."),
    Action.REPLY_REVIEW: N_("Write your reply to the review (you can reply once)."),
    Action.REQUEST_EXTENSION: N_("How many more days do you need to deliver?"),
}
COMMENT = N_("A few words about it (optional), or press Skip.")
THEN_REASON = N_("And why? One message; both parties will read it.")


def button(lang: str, msgid: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(translate(msgid, lang), callback_data=data)


def start(order_id: str, action: Action, version: int, needs: Needs, currency: str) -> dict:
    return {"kind": "act", "order": order_id, "action": action.value, "version": version, "needs": needs.value,
            "step": "main", "text": "", "files": [], "amount": None, "days": None, "positive": None,
            "currency": currency}


def prompt(dialog: dict, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """What to ask now, and the buttons that go with it."""
    needs, step = Needs(dialog["needs"]), dialog["step"]
    cancel = [button(lang, N_("Cancel"), callbacks.CANCEL)]
    if step == "reason":
        return translate(THEN_REASON, lang), InlineKeyboardMarkup([cancel])
    if step == "comment":
        return translate(COMMENT, lang), InlineKeyboardMarkup([[button(lang, N_("Skip"), callbacks.SKIP)], cancel])
    text = translate(ACTION_PROMPT.get(Action(dialog["action"]), PROMPT[needs]), lang)
    rows = []
    if needs is Needs.AMOUNT:
        text = text.format(currency=dialog["currency"])
    if needs in (Needs.BRIEF, Needs.DELIVERY):
        rows.append([button(lang, N_("Done"), callbacks.DONE)])
    if needs is Needs.OPTIONAL_REASON:
        rows.append([button(lang, N_("Skip"), callbacks.SKIP)])
    if needs in (Needs.REVIEW, Needs.OPTIONAL_REVIEW):
        rows.append([button(lang, N_("👍 Positive"), callbacks.GOOD), button(lang, N_("👎 Negative"), callbacks.BAD)])
    if needs is Needs.OPTIONAL_REVIEW:
        rows.append([button(lang, N_("No review"), callbacks.SKIP)])
    rows.append(cancel)
    return text, InlineKeyboardMarkup(rows)


def files_of(message: Message) -> list[str]:
    """File references as Comptoir keeps them: the platform, the kind, the platform's id, a name."""
    if message.document:  # the name is the sender's: made safe (bots.files.safe_name)
        return [f"tg:doc:{message.document.file_id}:{safe_name(message.document.file_name)}"]
    if message.photo:
        return [f"tg:photo:{message.photo[-1].file_id}:photo.jpg"]
    return []


def take_message(dialog: dict, message: Message, max_text: int) -> tuple[dict, str | None, bool]:
    """Feeds one message into the dialog: (dialog, problem to tell, finished?)."""
    needs, step = Needs(dialog["needs"]), dialog["step"]
    text = (message.text or message.caption or "").strip()
    files = files_of(message)
    if len(text) > max_text:
        return dialog, N_("This text is too long ({length} characters; the limit is {limit})."), False
    if step == "main" and needs in (Needs.BRIEF, Needs.DELIVERY):
        if text:
            dialog["text"] = (dialog["text"] + "\n" + text).strip()[:max_text]
        dialog["files"] += files
        return dialog, None, False
    if files:
        return dialog, N_("Please answer with text here; files go with a brief, a delivery or the chat."), False
    if not text:
        return dialog, N_("Please answer with text."), False
    if step == "main" and needs is Needs.AMOUNT:
        amount = parse_amount(text, dialog["currency"])
        if amount is None:
            return dialog, N_("That is not an amount: write it like 12.50."), False
        dialog.update(amount=amount, step="reason")
        return dialog, None, False
    if step == "main" and needs is Needs.DAYS:
        days = parse_days(text)
        if days is None:
            return dialog, N_("Please write a whole number of days, like 3."), False
        dialog.update(days=days, step="reason")
        return dialog, None, False
    if step == "main" and needs in (Needs.REVIEW, Needs.OPTIONAL_REVIEW):
        return dialog, N_("Please choose with the buttons first."), False
    dialog["text"] = text
    return dialog, None, True


def take_button(dialog: dict, choice: str) -> tuple[dict, bool]:
    """A dialog button (skip, done, good, bad): (dialog, finished?)."""
    needs, step = Needs(dialog["needs"]), dialog["step"]
    if choice in ("good", "bad") and step == "main" and needs in (Needs.REVIEW, Needs.OPTIONAL_REVIEW):
        dialog.update(positive=choice == "good", step="comment")
        return dialog, False
    if choice == "skip" and (step == "comment" or needs in (Needs.OPTIONAL_REASON, Needs.OPTIONAL_REVIEW)):
        return dialog, True
    if choice == "done" and needs in (Needs.BRIEF, Needs.DELIVERY):
        return dialog, True
    return dialog, False


def payload(dialog: dict) -> Payload:
    return Payload(text=dialog["text"], files=tuple(dialog["files"]), amount=dialog["amount"], days=dialog["days"],
                   positive=dialog["positive"])


async def save(rt, who: Person, dialog: dict | None) -> None:
    await rt.conversations.keep_dialog(PLATFORM, str(who.user_id), dialog)


async def current(rt, who: Person) -> dict | None:
    return await rt.conversations.dialog(PLATFORM, str(who.user_id))
