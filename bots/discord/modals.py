"""Modals that collect what an action needs (a reason, a delivery, an amount, a review) before acting.

Only the input is read here; core decides, when the modal is submitted, whether the action is still
possible and whether the input is enough (an empty delivery, a missing reason are refused by core).

No modal is kept, like a card's buttons: discord.py would keep a sent modal in memory (its view store)
and drop the submit of one sent before a restart. A modal's custom id and the database hold all it
needs, so every modal is sent unkept (`open_unkept`) and every submit, before or after a restart, rebuilds
it (`orders.reopen` for these, routes.on_modal for all, from the client's `on_interaction`): one path, so never
handled twice. (Their `timeout` no longer applies: a late submit is answered, and core decides.)
"""

from __future__ import annotations

import logging

import discord

from bots.discord import custom_ids as ids
from bots.discord.cards import action_label, clip
from bots.discord.files import file_ref
from bots.parsing import parse_amount, parse_days
from core.buttons import ButtonData
from core.i18n import N_, translate
from core.model import Action, Payload
from core.table import Needs

log = logging.getLogger(__name__)

TEXT_LIMIT = 4000  # Discord's limit for a text input
LABEL_LIMIT = 45
MAX_FILES = 10  # Discord's limit for one upload field

#: the main text field of each kind of input: (label, description)
MAIN = {
    Needs.OPTIONAL_REASON: (N_("Reason (optional)"), N_("Tell the other party why, if you like.")),
    Needs.REASON: (N_("Reason"), N_("Say why; both parties will read it.")),
    Needs.TEXT: (N_("Your message"), None),
    Needs.BRIEF: (N_("Brief"), N_("Everything the seller needs to know; files are welcome.")),
    Needs.DELIVERY: (N_("Delivery message"), N_("A message and/or files: an empty delivery is refused.")),
    Needs.AMOUNT: (N_("Reason"), N_("Say why; both parties will read it.")),
    Needs.DAYS: (N_("Reason"), N_("Say why; both parties will read it.")),
    Needs.REVIEW: (N_("Comment (optional)"), None),
    Needs.OPTIONAL_REVIEW: (N_("Comment (optional)"), None),
}
ACTION_MAIN = {
    Action.REQUEST_REVISION: (N_("What should change?"), N_("Describe it; the chat opens again.")),
    Action.REPLY_REVIEW: (N_("Your reply to the review"), N_("You can reply once.")),
}
#: the days field of an action whose days are not a new delivery time
ACTION_DAYS = {Action.REQUEST_EXTENSION: N_("How many more days do you need?")}
#: the description of the brief's field when the brief is longer than the field: it cannot be shown there
LONG_BRIEF = N_("Longer than this field: leave it empty to keep it, or write the whole new brief.")
REQUIRED_TEXT = frozenset({Needs.REASON, Needs.TEXT, Needs.AMOUNT, Needs.DAYS})
PARAGRAPH = frozenset({Needs.BRIEF, Needs.DELIVERY, Needs.TEXT, Needs.REASON, Needs.OPTIONAL_REASON})
WITH_FILES = frozenset({Needs.BRIEF, Needs.DELIVERY})
POSITIVE, NEGATIVE = "good", "bad"


async def open_unkept(interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
    """Shows the modal without discord.py keeping it: send_modal stores only a modal that is not finished,
    and the store would otherwise answer its submit too."""
    modal.stop()
    await interaction.response.send_modal(modal)


async def dispatch_submit(modal: discord.ui.Modal, interaction: discord.Interaction) -> None:
    """Fills a rebuilt modal from the submitted components and runs its submit (on_submit, on_error) as
    discord.py's view store would for one it kept (ViewStore.dispatch_modal: the same private call)."""
    data = interaction.data or {}
    await modal._dispatch_submit(interaction, data.get("components", []), data.get("resolved", {}))


class ActionModal(discord.ui.Modal):
    """The form of one action on one order, for one person (their id keeps two people's forms apart).
    `current` is what the text stands at now (the brief being edited): the field opens with it, or, when it is
    longer than the field, opens empty and says so (a prefilled field would cut it)."""

    def __init__(self, user_id: int, pressed: ButtonData, needs: Needs, lang: str, currency: str,
                 max_text: int, current: str = "") -> None:
        title = clip(f"{action_label(pressed.action, lang)} · #{pressed.order_id}", LABEL_LIMIT)
        super().__init__(title=title, custom_id=ids.action_form(user_id, pressed), timeout=30 * 60)
        self.pressed, self.needs, self.currency = pressed, needs, currency
        t = lambda msgid: translate(msgid, lang) if msgid else None  # noqa: E731
        self.amount = self.days = self.verdict = self.files = None
        if needs is Needs.AMOUNT:
            self.amount = discord.ui.TextInput(custom_id="amount", max_length=20, placeholder="12.50")
            self.add_item(discord.ui.Label(text=clip(t(N_("Amount ({currency})")).format(currency=currency),
                                                     LABEL_LIMIT), component=self.amount))
        if needs is Needs.DAYS:
            self.days = discord.ui.TextInput(custom_id="days", max_length=4, placeholder="3")
            label = ACTION_DAYS.get(pressed.action, N_("Days until the new delivery deadline"))
            self.add_item(discord.ui.Label(text=clip(t(label), LABEL_LIMIT), component=self.days))
        if needs in (Needs.REVIEW, Needs.OPTIONAL_REVIEW):
            optional = needs is Needs.OPTIONAL_REVIEW
            self.verdict = discord.ui.Select(
                custom_id="verdict", required=not optional, min_values=0 if optional else 1,
                options=[discord.SelectOption(label=t(N_("👍 Positive")), value=POSITIVE),
                         discord.SelectOption(label=t(N_("👎 Negative")), value=NEGATIVE)])
            label = N_("Leave a review with it?") if optional else N_("Your review")
            self.add_item(discord.ui.Label(text=t(label), component=self.verdict))
        label, description = ACTION_MAIN.get(pressed.action, MAIN[needs])
        room = min(max_text, TEXT_LIMIT)
        if len(current) > room:
            description, current = LONG_BRIEF, ""
        self.text = discord.ui.TextInput(
            custom_id="text", required=needs in REQUIRED_TEXT, max_length=room, default=current or None,
            style=discord.TextStyle.paragraph if needs in PARAGRAPH else discord.TextStyle.short)
        self.add_item(discord.ui.Label(text=clip(t(label), LABEL_LIMIT), description=t(description),
                                       component=self.text))
        if needs in WITH_FILES:
            self.files = discord.ui.FileUpload(custom_id="files", required=False, min_values=0, max_values=MAX_FILES)
            self.add_item(discord.ui.Label(text=t(N_("Files (optional)")), component=self.files))

    def payload(self) -> Payload | str:
        """What was typed, as core's Payload; or the msgid of what is wrong with its form."""
        amount = days = positive = None
        if self.amount is not None:
            amount = parse_amount(self.amount.value, self.currency)
            if amount is None:
                return N_("That is not an amount: write it like 12.50.")
        if self.days is not None:
            days = parse_days(self.days.value)
            if days is None:
                return N_("Please write a whole number of days, like 3.")
        if self.verdict is not None and self.verdict.values:
            positive = self.verdict.values[0] == POSITIVE
        files = tuple(file_ref(a) for a in self.files.values) if self.files is not None else ()
        return Payload(text=self.text.value or "", files=files, amount=amount, positive=positive, days=days)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from bots.discord import orders  # late: orders opens these modals

        await orders.guarded(interaction, orders.submit(interaction, self))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        from bots.discord import orders

        await orders.failed(interaction, error)

