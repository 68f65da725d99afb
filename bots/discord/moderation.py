"""Moderators on Discord: /disputes, /evidence, /suspend, /unsuspend, /audit, /flagged, and confirming manual
payments.
Answers are private; the evidence bundle comes as a file.

Who moderates is checked live at every act (bots.discord.context: the marketplace server's roles, or listed
users). The commands exist only in servers and are shown only to members allowed to time out members
(`default_permissions`; an admin can show them to exactly the moderator roles in Server Settings →
Integrations): hiding them is a courtesy, the live check is the guard.

Deciding a dispute is not here: the order card's moderator buttons (core's actions) and their modals
do that, as for buyers and sellers. The words come from bots.moderation, shared with Telegram.
"""

from __future__ import annotations

import io

import discord
from discord import app_commands

from bots import evidence, moderation
from bots.discord import orders
from bots.discord import custom_ids as ids
from bots.discord.routes import CardLink, DisputesPage, EvidenceButton
from bots.discord.cards import clip
from bots.discord.commands import localized
from bots.discord.context import PLATFORM, Person, person, runtime
from bots.discord.markdown import plain
from bots.render import zone
from core import sanctions
from core.events import Refusal
from core.i18n import N_
from core.model import Order
from core.service import NO_ORDER

CONTENT = 2000


def for_moderators(command: app_commands.Command) -> app_commands.Command:
    """A moderator command: in servers only (refused outside the marketplace's), and shown in the picker only to
    members allowed to time out members until an admin says otherwise (the guard is the live check). Discord's
    own name for moderators' permission, so most servers' moderator roles see them without a setting."""
    return app_commands.default_permissions(moderate_members=True)(app_commands.guild_only(command))


async def moderator(interaction: discord.Interaction) -> Person | None:
    """Whoever interacted, if they moderate now and core agrees; anyone else is told so, privately."""
    who = await person(interaction, moderating=True)
    if who is None:
        return None
    refusal = sanctions.moderation_refusal(who.viewer)
    if refusal is None:
        return who
    await orders.tell(interaction, refusal.render(who.lang))
    return None


# --- /disputes ----------------------------------------------------------------------------------------

@app_commands.command(name=localized(N_("disputes")), description=localized(N_("Disputes waiting for a moderator")))
async def disputes_command(interaction: discord.Interaction) -> None:
    await orders.guarded(interaction, show_disputes(interaction))


async def queue_page(interaction: discord.Interaction, who: Person, page: int):
    rt = runtime(interaction)
    queue = await moderation.dispute_queue(rt.moderation, page)
    text = moderation.queue_text(queue, who.lang, zone(who.account.timezone), rt.clock.now())
    view = discord.ui.View(timeout=None)
    for row, o in enumerate(queue.orders):
        view.add_item(CardLink(discord.ui.Button(label=clip(f"#{o.id} {o.title}", 80), custom_id=ids.card(o.id),
                                                 row=row)))
        view.add_item(EvidenceButton(discord.ui.Button(label=who.t(N_("Evidence")), custom_id=ids.evidence(o.id),
                                                       row=row)))
    if queue.page > 0:
        view.add_item(DisputesPage(discord.ui.Button(label="◀", custom_id=ids.disputes(queue.page - 1), row=4)))
    if queue.page + 1 < queue.pages:
        view.add_item(DisputesPage(discord.ui.Button(label="▶", custom_id=ids.disputes(queue.page + 1), row=4)))
    return clip(plain(text), CONTENT), view  # the reasons quoted are people's words: shown as words


async def show_disputes(interaction: discord.Interaction) -> None:
    who = await moderator(interaction)
    if who is None:
        return
    text, view = await queue_page(interaction, who, 0)
    await interaction.response.send_message(text, view=view, ephemeral=True)


async def turn_disputes(interaction: discord.Interaction, page: int) -> None:
    who = await moderator(interaction)
    if who is None:
        return
    text, view = await queue_page(interaction, who, page)
    await interaction.response.edit_message(content=text, view=view)


# --- /evidence ----------------------------------------------------------------------------------------

@app_commands.command(name=localized(N_("evidence")),
                      description=localized(N_("An order's evidence bundle: timeline, deliveries, chat")))
@app_commands.rename(number=localized(N_("number")))
@app_commands.describe(number=localized(N_("The order's number, like AB12CD34")))
async def evidence_command(interaction: discord.Interaction, number: app_commands.Range[str, 1, 30]) -> None:
    await orders.guarded(interaction, send_evidence(interaction, number))


async def send_evidence(interaction: discord.Interaction, order_id: str) -> None:
    who = await moderator(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    order_id = order_id.strip().lstrip("#")
    text = await moderation.evidence(rt.moderation, order_id, who.lang, zone(who.account.timezone), rt.clock.now())
    if text is None:
        await orders.tell(interaction, who.t(NO_ORDER))
        return
    await interaction.response.send_message(
        who.t(N_("Evidence for order #{order}"), order=order_id), ephemeral=True,
        file=discord.File(io.BytesIO(text.encode("utf-8")), filename=evidence.filename(order_id)))


# --- /suspend, /unsuspend -----------------------------------------------------------------------------

@app_commands.command(name=localized(N_("suspend")),
                      description=localized(N_("Suspend a member: no new orders, offers hidden")))
@app_commands.rename(member=localized(N_("member")), reason=localized(N_("reason")))
@app_commands.describe(member=localized(N_("Who to suspend")), reason=localized(N_("Why (kept in the audit trail)")))
async def suspend_command(interaction: discord.Interaction, member: discord.User,
                          reason: app_commands.Range[str, 1, 500]) -> None:
    await orders.guarded(interaction, sanction(interaction, member, reason, True, N_(
        "Suspended: {name}. They can take no new orders and their offers are hidden; their running orders go on.")))


@app_commands.command(name=localized(N_("unsuspend")), description=localized(N_("Lift a member's suspension")))
@app_commands.rename(member=localized(N_("member")), reason=localized(N_("reason")))
@app_commands.describe(member=localized(N_("Whose suspension to lift")),
                       reason=localized(N_("Why (kept in the audit trail)")))
async def unsuspend_command(interaction: discord.Interaction, member: discord.User,
                            reason: app_commands.Range[str, 1, 500]) -> None:
    await orders.guarded(interaction, sanction(interaction, member, reason, False,
                                               N_("Suspension lifted: {name} can take orders again.")))


async def sanction(interaction: discord.Interaction, member: discord.User, reason: str, suspended: bool,
                   done: str) -> None:
    who = await moderator(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    target = await rt.people.by_identity(PLATFORM, str(member.id))
    if target is None:
        await orders.tell(interaction, who.t(N_("I don't know {who} here: they must have used this bot at least once."),
                                             who=member.display_name))
        return
    refusal = await rt.moderation.suspend(who, target, suspended, reason)
    if refusal is not None:
        await orders.tell(interaction, refusal.render(who.lang))
        return
    await orders.tell(interaction, who.t(done, name=target.display_name or member.display_name))


# --- /audit -------------------------------------------------------------------------------------------

@app_commands.command(name=localized(N_("audit")),
                      description=localized(N_("The latest sanctions and dispute decisions")))
@app_commands.rename(lines=localized(N_("lines")))
@app_commands.describe(lines=localized(N_("How many lines to show")))
async def audit_command(interaction: discord.Interaction,
                        lines: app_commands.Range[int, 1, moderation.AUDIT_MAX] = moderation.AUDIT_DEFAULT) -> None:
    await orders.guarded(interaction, show_audit(interaction, lines))


async def show_audit(interaction: discord.Interaction, lines: int) -> None:
    who = await moderator(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    text = await moderation.audit_text(rt.moderation, lines, who.lang, zone(who.account.timezone))
    await orders.tell(interaction, text)


# --- /flagged -----------------------------------------------------------------------------------------

@app_commands.command(name=localized(N_("flagged")),
                      description=localized(N_("Chat messages that hid contact details, newest first")))
@app_commands.rename(lines=localized(N_("lines")))
@app_commands.describe(lines=localized(N_("How many messages to show")))
async def flagged_command(interaction: discord.Interaction,
                          lines: app_commands.Range[int, 1, moderation.AUDIT_MAX] = moderation.AUDIT_DEFAULT) -> None:
    await orders.guarded(interaction, show_flagged(interaction, lines))


async def show_flagged(interaction: discord.Interaction, lines: int) -> None:
    who = await moderator(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    await orders.tell(interaction, await moderation.flagged_text(rt.moderation, lines, who.lang, zone(who.account.timezone)))


# --- manual payments ----------------------------------------------------------------------------------

async def confirm_payment(interaction: discord.Interaction, verb: str, checkout_id: str) -> None:
    """Confirm payment / Reject on a payment's notice: core says who may, and places the order once."""
    who = await person(interaction, moderating=True)
    if who is None:
        return
    rt = runtime(interaction)
    result = await rt.service.decide_payment(checkout_id, who.viewer, confirmed=verb == "ok")
    await rt.moderation.record(who, result, checkout_id)
    if isinstance(result, Refusal):
        await orders.tell(interaction, result.render(who.lang))
        return
    if isinstance(result, Order):  # a second press: the first placed the order
        await orders.tell(interaction, who.t(N_("Already confirmed: order #{order}."), order=result.id))
        return
    if verb == "ok":
        note = who.t(N_("✅ Confirmed by {name}: order #{order} is placed."), name=who.account.display_name,
                     order=result.order.id)
    else:
        note = who.t(N_("❌ Rejected by {name}: the buyer was told."), name=who.account.display_name)
    content = interaction.message.content if interaction.message else ""
    await interaction.response.edit_message(content=clip(f"{content}\n\n{note}", CONTENT), view=None)


COMMANDS = tuple(for_moderators(command) for command in (
    disputes_command, evidence_command, suspend_command, unsuspend_command, audit_command, flagged_command))
