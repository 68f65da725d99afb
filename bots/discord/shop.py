"""Ordering on Discord: [Order now] on an offer or [Pay] on a custom offer, then options, tip, brief and a
summary on the buyer's private message.

The checkout in progress is a stored dialog (the `dialogs` table, as Telegram's checkout), not process
memory, so it survives a restart. Every control of the private message is a persistent DynamicItem whose
custom id names a step and the checkout, "b:<verb>:<checkout>": a press is checked against the buyer's
stored dialog (an older checkout's controls say so and change nothing) and the offer is read again (it
may have been paused since). Core checks the whole choice when [Confirm order] is pressed
(Service.checkout), then again when the payment is confirmed. Discord has no payments for bots: the
configured provider is `manual`, and a moderator confirms the money arrived (core's notice, with the
PaymentButton of bots.discord.routes). The buyer is told how to pay (bots.manual_payment) in the answer to
[Confirm order] and, so that the reference is not lost with an ephemeral message, in their DMs.

A person has one checkout at a time, kept apart from their other dialog (a DM waiting for its order,
bots.discord.chat): writing to the bot in the middle of a checkout does not end it.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bots.discord import custom_ids as ids
from bots.discord import orders
from bots.discord.cards import clip
from bots.discord.context import PLATFORM, Person, resolved, runtime
from bots.discord.files import file_ref
from bots.discord.routes import CheckoutControl
from bots.discord.modals import LABEL_LIMIT, MAX_FILES, TEXT_LIMIT, dispatch_submit, open_unkept
from bots.manual_payment import how_to_pay
from bots.parsing import whole_number
from core.checkout import Checkout, quote, tip_choices
from core.events import Outcome, Refusal
from core.i18n import N_, Money
from core.model import Offer
from core.ports import new_id

FORM_TIMEOUT = 30 * 60
STALE = N_("Nothing to answer here any more.")
#: what the summary says of paying by hand: shown how when confirming, or told by a moderator
PAY_AS_SHOWN = N_("You pay by hand: once you confirm, you are shown how, and a moderator confirms the payment.")
PAY_AS_TOLD = N_("You pay by hand: once you confirm, a moderator will tell you how, then confirm the payment.")
#: what may be pressed (or submitted: "write" is the brief's modal) at each step
STEP_VERBS = {"choose": frozenset({"opt", "tip", "brief", "write", "cancel"}),
              "summary": frozenset({"confirm", "back", "cancel"})}


# --- the stored checkout ---------------------------------------------------------------------------

def _slot(who: Person) -> str:
    return f"{who.user_id}:checkout"


async def _stored(rt, who: Person) -> dict | None:
    return await rt.conversations.dialog(PLATFORM, _slot(who))


async def _store(rt, who: Person, dialog: dict | None) -> None:
    await rt.conversations.keep_dialog(PLATFORM, _slot(who), dialog)


@dataclass(frozen=True)
class Draft:
    """A stored checkout against the offer as it is now: what it costs, and how it is drawn."""

    dialog: dict
    offer: Offer
    who: Person
    tip_cap: int
    instructed: bool  # the marketplace says how to pay by hand (config's [payment] instructions)
    credit: int = 0  # what the buyer's vouchers take off (core's Price)

    def money(self, amount: int) -> str:
        return Money(amount, self.offer.currency).render(self.who.lang)

    @property
    def options(self) -> tuple[str, ...]:
        """The chosen options the offer still has (its seller may have removed one since)."""
        return tuple(o.id for o in self.offer.options if o.id in self.dialog["options"])

    def tips(self) -> dict[int, int]:
        return dict(tip_choices(quote(self.offer, self.options, 0), self.tip_cap))

    @property
    def tip(self) -> int:
        return self.tips().get(self.dialog["percent"], 0)

    def embed(self) -> discord.Embed:
        t, offer, step = self.who.t, self.offer, self.dialog["step"]
        names = [o.title for o in offer.options if o.id in self.options]
        lines = [t(N_("Options: {options}"), options=", ".join(names) or t(N_("none"))),
                 t(N_("Tip: {tip}"), tip=self.money(self.tip))]
        if step == "summary":
            brief = clip(self.dialog["text"], 300)
            lines += [t(N_("Brief: {brief}"), brief=brief or t(N_("(empty: you can write it after paying, but the seller cannot accept your order before it is written)"))),
                      t(N_("Files: {count}"), count=len(self.dialog["files"]))]
        total = quote(offer, self.options, self.tip)
        credit = min(self.credit, total)
        if credit:
            lines += [t(N_("Total: {total}"), total=self.money(total)),
                      t(N_("Your vouchers: −{credit}"), credit=self.money(credit))]
        lines.append(t(N_("Total to pay: {total}"), total=self.money(total - credit)))
        if step == "choose":
            lines += ["", t(N_("Choose your options and a tip, then write your brief."))]
        else:
            lines += ["", t(PAY_AS_SHOWN if self.instructed else PAY_AS_TOLD)]
        return discord.Embed(title=clip(t(N_("Your order: “{title}”"), title=offer.title), 256),
                             description=clip("\n".join(lines), 4096))

    def view(self) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        t, flow = self.who.t, self.dialog["flow"]

        def button(label: str, verb: str, style=discord.ButtonStyle.secondary) -> None:
            view.add_item(CheckoutControl(discord.ui.Button(label=clip(label, 80), custom_id=ids.checkout(verb, flow),
                                                           style=style, row=2)))

        if self.dialog["step"] == "choose":
            if self.offer.options:
                view.add_item(CheckoutControl(discord.ui.Select(
                    custom_id=ids.checkout("opt", flow), min_values=0, max_values=len(self.offer.options), row=0,
                    placeholder=t(N_("Options")),
                    options=[discord.SelectOption(label=clip(f"{o.title} (+{self.money(o.price)})", 100), value=o.id,
                                                  default=o.id in self.options) for o in self.offer.options])))
            view.add_item(CheckoutControl(discord.ui.Select(
                custom_id=ids.checkout("tip", flow), row=1, placeholder=t(N_("Add a tip for the seller?")),
                options=[discord.SelectOption(label=t(N_("No tip")) if p == 0 else f"{p} % (+{self.money(a)})",
                                              value=str(p), default=p == self.dialog["percent"])
                         for p, a in self.tips().items()])))
            button(t(N_("Write the brief")), "brief", discord.ButtonStyle.primary)
        else:
            due = quote(self.offer, self.options, self.tip) - self.credit
            label = t(N_("Confirm order ({total})"), total=self.money(due)) if due > 0 else t(N_("Place the order"))
            button(label, "confirm", discord.ButtonStyle.success)
            button(t(N_("Back")), "back")
        button(t(N_("Cancel")), "cancel", discord.ButtonStyle.danger)
        return view


# --- what the buyer does ---------------------------------------------------------------------------

async def begin(interaction: discord.Interaction, offer_id: str | None = None,
                custom_offer_id: str | None = None) -> None:
    """A new checkout (replacing an unfinished one), or core's reason why this person cannot order this."""
    who = resolved(interaction)
    rt = runtime(interaction)
    found = await rt.storefront.orderable(who.viewer, offer_id, custom_offer_id)
    if isinstance(found, Refusal):
        await orders.tell(interaction, found.render(who.lang))
        return
    dialog = {"kind": "checkout", "flow": new_id(), "offer": offer_id, "custom": custom_offer_id, "step": "choose",
              "options": [], "percent": 0, "text": "", "files": []}
    await _store(rt, who, dialog)
    price = await rt.service.price(who.viewer, found, (), 0)
    draft = Draft(dialog, found, who, rt.config.settings.tip_cap_percent, bool(rt.config.payment.instructions),
                  price.credit)
    await interaction.response.send_message(embed=draft.embed(), view=draft.view(), ephemeral=True)


async def step(interaction: discord.Interaction, verb: str, flow: str, values: tuple[str, ...] = (),
               brief: tuple[str, tuple[str, ...]] | None = None) -> None:
    """One press (or the brief's modal) on the checkout message: the stored checkout moves on and the
    message is drawn again; a press of another checkout, or out of step, changes nothing."""
    who = resolved(interaction)
    rt = runtime(interaction)
    dialog = await _stored(rt, who)
    if dialog is None or dialog.get("flow") != flow or verb not in STEP_VERBS[dialog["step"]]:
        await orders.tell(interaction, who.t(STALE))
        return
    if verb == "cancel":
        await _store(rt, who, None)
        await interaction.response.edit_message(content=who.t(N_("Cancelled: nothing was ordered.")), embed=None,
                                                view=None)
        return
    offer = await rt.storefront.orderable(who.viewer, dialog["offer"], dialog["custom"])
    if isinstance(offer, Refusal):  # paused, paid or expired since the checkout began
        await _store(rt, who, None)
        await interaction.response.edit_message(content=clip(offer.render(who.lang), 2000), embed=None, view=None)
        return
    draft = Draft(dialog, offer, who, rt.config.settings.tip_cap_percent, bool(rt.config.payment.instructions))
    if verb == "brief":
        await open_unkept(interaction, BriefModal(who, flow, dialog["text"], rt.config.settings.max_text))
        return
    if verb == "confirm":
        await confirm(interaction, draft)
        return
    if verb == "opt":
        dialog["options"] = [o.id for o in offer.options if o.id in values]
    elif verb == "tip":
        percent = whole_number(values[0], 3) if values else 0
        dialog["percent"] = percent if percent in draft.tips() else 0
    elif verb == "write":
        dialog.update(text=brief[0], files=list(brief[1]), step="summary")
    else:  # back
        dialog["step"] = "choose"
    await _store(rt, who, dialog)
    price = await rt.service.price(who.viewer, offer, draft.options, draft.tip)
    draft = Draft(dialog, offer, who, rt.config.settings.tip_cap_percent, bool(rt.config.payment.instructions),
                  price.credit)
    await interaction.response.edit_message(content=None, embed=draft.embed(), view=draft.view())


async def confirm(interaction: discord.Interaction, draft: Draft) -> None:
    """Core checks the whole choice now: a checkout waiting for a moderator to confirm the payment, or
    the reason it cannot be (the checkout stays, to change or cancel)."""
    rt, who, dialog = runtime(interaction), draft.who, draft.dialog
    checkout = await rt.service.checkout(who.viewer, rt.config.discord.payment, offer_id=dialog["offer"],
                                         custom_offer_id=dialog["custom"], options=draft.options, tip=draft.tip,
                                         brief=dialog["text"], files=tuple(dialog["files"]))
    if isinstance(checkout, Refusal):
        await interaction.response.edit_message(content=clip(checkout.render(who.lang), 2000), embed=draft.embed(),
                                                view=draft.view())
        return
    await _store(rt, who, None)
    if not isinstance(checkout, Checkout):  # the buyer's vouchers paid it all: the order is placed
        order = checkout.order if isinstance(checkout, Outcome) else checkout
        await interaction.response.edit_message(content=who.t(
            N_("Your vouchers paid for it: order #{order} is placed."), order=order.id), embed=None, view=None)
        return
    told = how_to_pay(rt.config, checkout, draft.offer.title, who.lang)
    await interaction.response.edit_message(content=clip(told, 2000), embed=None, view=None)
    try:  # the reference and how to pay, in a message that lasts (an ephemeral one is gone with the app)
        await interaction.user.send(clip(told, 2000))
    except discord.HTTPException:  # DMs closed: the answer above said it all
        pass


async def reopen(interaction: discord.Interaction, custom_id: str) -> None:
    """A submitted brief (`b:form:<flow>`), rebuilt (none is kept in memory: bots.discord.modals): the stored
    checkout takes it if it is still this flow's, at the brief's step."""
    flow = custom_id.removeprefix(ids.BRIEF_FORM)
    await dispatch_submit(BriefModal(resolved(interaction), flow, "", runtime(interaction).config.settings.max_text),
                          interaction)


class BriefModal(discord.ui.Modal):
    """The brief: everything the seller needs to know, and files (optional: it can be written after paying)."""

    def __init__(self, who: Person, flow: str, brief: str, limit: int) -> None:
        t = who.t
        super().__init__(title=clip(t(N_("Brief")), LABEL_LIMIT), custom_id=ids.brief_form(flow), timeout=FORM_TIMEOUT)
        self.flow = flow
        self.text = discord.ui.TextInput(custom_id="text", required=False, default=brief or None,
                                         style=discord.TextStyle.paragraph, max_length=min(limit, TEXT_LIMIT))
        self.add_item(discord.ui.Label(text=clip(t(N_("Brief")), LABEL_LIMIT),
                                       description=t(N_("Everything the seller needs to know; files are welcome.")),
                                       component=self.text))
        self.files = discord.ui.FileUpload(custom_id="files", required=False, min_values=0, max_values=MAX_FILES)
        self.add_item(discord.ui.Label(text=t(N_("Files (optional)")), component=self.files))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        written = ((self.text.value or "").strip(), tuple(file_ref(a) for a in self.files.values))
        await orders.guarded(interaction, step(interaction, "write", self.flow, brief=written))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await orders.failed(interaction, error)


