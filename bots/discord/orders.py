"""Order buttons, the modals they open, /orders and order cards: every decision is core's, this translates."""

from __future__ import annotations

import logging
from collections.abc import Coroutine

import discord

from bots.discord.admission import refused
from bots.discord import custom_ids as ids
from bots.discord.routes import CardLink, OrdersPage
from bots.discord.cards import (LABEL, Part, card_layout, clip, layout, redraw, refresh_card, remember_card,
                                retire_cards, send_card)
from bots.discord.context import Person, as_moderator, person, resolved, runtime
from bots.discord.markdown import plain
from bots.discord.modals import ActionModal, dispatch_submit, open_unkept
from bots.discord.files import CONTENT, MAX_FILES, UPLOAD_LIMIT, uploads
from bots.files import Missing, name_of
from bots.render import pack
from bots.routing import FILTERS, listed_orders
from core.buttons import BadButton, ButtonData
from core.card import NEEDS, Card, order_card
from core.events import Refusal
from core.i18n import N_, translate
from core.model import Order, Payload
from core.press import Answer, Ask, Done, Refused, may_ask
from core.table import Needs

log = logging.getLogger(__name__)

PAGE = 5
OOPS = N_("Something went wrong on our side. Please try again in a moment.")


async def tell(interaction: discord.Interaction, text: str) -> None:
    """A private answer to this interaction, whether or not it was answered already: as text (it may quote what
    someone wrote: a reason, a flagged message), links not previewed."""
    text = clip(plain(text), 2000)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, suppress_embeds=True)
    else:
        await interaction.response.send_message(text, ephemeral=True, suppress_embeds=True)


async def failed(interaction: discord.Interaction, error: BaseException) -> None:
    log.error("while handling %s", about(interaction), exc_info=error)
    try:
        lang = (await person(interaction)).lang
    except Exception:  # noqa: BLE001 — the database may be what failed
        lang = "en"
    try:
        await tell(interaction, translate(OOPS, lang))
    except discord.HTTPException:
        log.exception("could not tell the user about the error")


def about(interaction: discord.Interaction) -> str:
    """An interaction as the logs name it: its ids, its command or the custom id pressed (ids only), never what
    was typed into it (a command's options, a modal's fields)."""
    data = interaction.data or {}
    what = data.get("custom_id") or (f"/{data['name']}" if data.get("name") else "")
    return f"interaction {interaction.id} ({interaction.type.name} {what} by user {interaction.user.id})"


async def guarded(interaction: discord.Interaction, work: Coroutine[object, object, None]) -> None:
    """Runs a handler, if the interaction is served here (bots.discord.admission); an error is logged and the
    person told, privately, to try again."""
    try:
        if await refused(interaction):
            return
        await work
    except Exception as error:  # noqa: BLE001 — every interaction gets an answer
        await failed(interaction, error)
    finally:
        work.close()  # a refused handler never started: closing it says so (a finished one ignores this)


# --- the buttons of a card -------------------------------------------------------------------------

async def press(interaction: discord.Interaction, data: str) -> None:
    """A card's button: core's press asks for input (the modal opens here), or is done, or refused."""
    if not may_ask(data):
        await interaction.response.defer()  # within Discord's 3 s; the answer comes as an edit or a follow-up
    who = resolved(interaction)
    rt = runtime(interaction)
    who, answer = await pressing(interaction, who, data)
    if isinstance(answer, Ask):
        await open_unkept(interaction, ActionModal(who.user_id, answer.button, answer.needs, who.lang, answer.currency,
                                                   rt.config.settings.max_text,
                                                   current=answer.brief if answer.needs is Needs.BRIEF else ""))
        return
    if isinstance(answer, Refused) and answer.card is None:  # a forged button, or not their order: no card
        await tell(interaction, answer.refusal.render(who.lang))
        return
    if not interaction.response.is_done():
        await interaction.response.defer()
    await answer_press(interaction, who, answer)


async def pressing(interaction: discord.Interaction, who: Person, button: str | ButtonData,
                   payload: Payload | None = None) -> tuple[Person, Answer]:
    """Core's press; refused to someone who is no party to the order, pressed again as a moderator if they are
    one (checked live: a request to Discord from a DM or another server)."""
    answer = await runtime(interaction).press(who, button, payload)
    if isinstance(answer, Refused) and answer.stranger and who.moderator is None:
        moderator = await as_moderator(interaction, who)
        if moderator.moderator is not None:
            return moderator, await runtime(interaction).press(moderator, button, payload)
    return who, answer


async def their_order(interaction: discord.Interaction, who: Person,
                      order_id: str) -> tuple[Person, Order] | None:
    """The order and the person, if they have a part in it (a moderator's checked live, here and now);
    otherwise they are told so, privately, and None."""
    order = await runtime(interaction).service.order(order_id)
    if order is not None and order.role_of(who.viewer) is None:
        who = await as_moderator(interaction, who)
    if order is None or order.role_of(who.viewer) is None:
        await tell(interaction, who.t(N_("This order is not yours.")))
        return None
    return who, order


async def reopen(interaction: discord.Interaction, custom_id: str) -> None:
    """An order's modal submitted (before or after a restart: none is kept in memory): rebuilt from its
    custom id, the person and the order, then submitted as usual, so core decides (a stale one is refused)."""
    who = resolved(interaction)
    try:
        pressed = ids.pressed_of(custom_id)
    except BadButton:
        await tell(interaction, who.t(N_("This button is not valid.")))
        return
    found = await their_order(interaction, who, pressed.order_id)
    if found is None:
        return
    who, order = found
    rt = runtime(interaction)
    modal = ActionModal(who.user_id, pressed, NEEDS[pressed.action], who.lang, order.currency,
                        rt.config.settings.max_text)
    await dispatch_submit(modal, interaction)


async def submit(interaction: discord.Interaction, modal: ActionModal) -> None:
    await interaction.response.defer()  # updates the card the modal was opened from
    who = resolved(interaction)
    payload = modal.payload()
    if isinstance(payload, str):
        await tell(interaction, who.t(payload))
        return
    who, answer = await pressing(interaction, who, modal.pressed, payload)  # a moderator: checked again, now
    if isinstance(answer, Refused) and answer.card is None:
        await tell(interaction, answer.refusal.render(who.lang))
        return
    await answer_press(interaction, who, answer)


async def answer_press(interaction: discord.Interaction, who: Person, answer: Done | Refused) -> None:
    """Done or refused (core's reason then comes privately), the pressed card is drawn again whole from the order
    as it is now. In a DM it is the person's one card of the order; a card pressed elsewhere (in a server) brings
    their DM card up to date too. (A moderator's decision was audited, with as whom it was made, by the press.)"""
    rt = runtime(interaction)
    if isinstance(answer, Refused):
        await tell(interaction, answer.refusal.render(who.lang))
    card = answer.card
    if card is None:
        return
    order_id = card.order_id
    user_id = str(who.user_id)
    if not await draw_pressed(interaction, who, card):
        return
    if interaction.guild is None and interaction.message is not None:
        await remember_card(rt, user_id, interaction.message.id, order_id, who.account.id)
        await retire_cards(interaction.client, rt, order_id, user_id, keep=interaction.message.id)
    elif isinstance(answer, Done):
        await refresh_card(interaction.client, rt, card, who.lang, user_id, who.account.id)


async def draw_pressed(interaction: discord.Interaction, who: Person, card: Card, expanded: bool = False) -> bool:
    """The pressed card drawn again in place, as the order is now; False when it was a card an earlier version
    sent with a notice's words in the DMs: they stay (a V2 card cannot sit beside words), a new card comes under."""
    pressed = interaction.message
    if interaction.guild is None and pressed is not None and (pressed.content or pressed.attachments):
        await send_card(interaction.client, runtime(interaction), interaction.channel, card, who.lang,
                        str(who.user_id), who.account.id)
        return False
    await redraw(interaction.edit_original_response, card_layout(card, who.lang, expanded))
    return True


async def show_more(interaction: discord.Interaction, order_id: str) -> None:
    """[More…]: the pressed card again, as the order is now, with its rarely needed buttons too."""
    await interaction.response.defer()
    who = resolved(interaction)
    who = await viewing(interaction, who, order_id)
    card = await runtime(interaction).service.card(order_id, who.viewer)
    if isinstance(card, Refusal):
        await tell(interaction, card.render(who.lang))
        return
    await draw_pressed(interaction, who, card, expanded=True)


async def viewing(interaction: discord.Interaction, who: Person, order_id: str) -> Person:
    """The person as they may see this order: a party as they are; anyone else as a moderator if they are one,
    checked live (a request to Discord from a DM or another server), else as they are (core then refuses)."""
    order = await runtime(interaction).service.order(order_id)
    if order is not None and order.role_of(who.viewer) is None:
        return await as_moderator(interaction, who)
    return who


async def show_brief(interaction: discord.Interaction, order_id: str) -> None:
    """[Show the brief]: the whole brief and its files, privately, to either party or a moderator."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    who = resolved(interaction)
    rt = runtime(interaction)
    who = await viewing(interaction, who, order_id)
    brief = await rt.service.brief(order_id, who.viewer)
    if isinstance(brief, Refusal):
        await tell(interaction, brief.render(who.lang))
        return
    found = [await rt.files.fetch(ref, UPLOAD_LIMIT) for ref in brief.files[:MAX_FILES]]
    found += [Missing(name_of(ref)) for ref in brief.files[MAX_FILES:]]
    files, notes = uploads(found, who.lang)
    heading = who.t(N_("The brief of order #{order} “{title}”:"), order=brief.order_id, title=brief.title)
    said = plain(heading + "\n" + (brief.text or who.t(N_("(no text: only files)"))))  # the buyer's words, as words
    chunks = pack([said, notes], CONTENT)
    for chunk in chunks[:-1]:
        await interaction.followup.send(chunk, ephemeral=True, suppress_embeds=True)
    await interaction.followup.send(chunks[-1], ephemeral=True, suppress_embeds=True,
                                    **({"files": files} if files else {}))


# --- /order and the entries of /orders -------------------------------------------------------------

async def show_card(interaction: discord.Interaction, order_id: str) -> None:
    """An order's card, freshly drawn: private in a server; in a DM, the order's one card there (the previous
    one goes)."""
    who = resolved(interaction)
    rt = runtime(interaction)
    order_id = order_id.strip().lstrip("#")
    who = await viewing(interaction, who, order_id)
    card = await rt.service.card(order_id, who.viewer)
    if isinstance(card, Refusal):
        await tell(interaction, card.render(who.lang))
        return
    in_dm = interaction.guild is None
    await interaction.response.send_message(view=card_layout(card, who.lang), ephemeral=not in_dm)
    if in_dm:
        message = await interaction.original_response()
        await remember_card(rt, str(who.user_id), message.id, card.order_id, who.account.id)
        await retire_cards(interaction.client, rt, card.order_id, str(who.user_id), keep=message.id)


async def order_choices(interaction: discord.Interaction, typed: str) -> list[discord.app_commands.Choice[str]]:
    """Autocomplete of /order: this person's orders whose number or title holds what they typed."""
    who = resolved(interaction)
    rt = runtime(interaction)
    found = await rt.service.orders_of(who.viewer, limit=100)
    typed = typed.strip().lstrip("#").lower()
    return [discord.app_commands.Choice(name=clip(f"#{o.id} — {o.title}", 100), value=o.id)
            for o in found if typed in o.id.lower() or typed in o.title.lower()][:25]


# --- /orders --------------------------------------------------------------------------------------

async def listing(interaction: discord.Interaction, who: Person, which: str, page: int) -> discord.ui.LayoutView:
    """A page of this person's orders as one card: each order's number, title and next step beside its button,
    then the filter and page buttons."""
    rt = runtime(interaction)
    now = rt.clock.now()
    which = which if which in FILTERS else "act"
    found = await listed_orders(rt, who, which)
    pages = max(1, -(-len(found) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = found[page * PAGE:(page + 1) * PAGE]
    steps = [order_card(o, who.viewer, now, rt.config.settings).next_step.render(who.lang) for o in shown]
    entries: list[Part] = [
        (f"**#{o.id}** — {plain(o.title)}\n→ {step}",
         CardLink(discord.ui.Button(label=clip(f"#{o.id} {o.title}", LABEL), custom_id=ids.card(o.id),
                                    style=discord.ButtonStyle.secondary)))
        for o, step in zip(shown, steps, strict=True)] or [who.t(N_("Nothing here."))]
    buttons: list[discord.ui.Item] = [
        OrdersPage(discord.ui.Button(label=who.t(label), custom_id=ids.orders(key), style=(
            discord.ButtonStyle.primary if key == which else discord.ButtonStyle.secondary)))
        for key, label in FILTERS.items()]
    if page > 0:
        buttons.append(OrdersPage(discord.ui.Button(label="◀", custom_id=ids.page(which, page - 1))))
    if page + 1 < pages:
        buttons.append(OrdersPage(discord.ui.Button(label="▶", custom_id=ids.page(which, page + 1))))
    title = who.t(N_("Your orders — {filter} ({count})"), filter=who.t(FILTERS[which]), count=len(found))
    footer = who.t(N_("Page {page} of {pages}"), page=page + 1, pages=pages)
    return layout([[f"### {title}"], entries, [f"-# {footer}"]], buttons)


async def show_orders(interaction: discord.Interaction, which: str = "act") -> None:
    """/orders: private, a page at a time."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    who = resolved(interaction)
    await interaction.followup.send(view=await listing(interaction, who, which, 0), ephemeral=True)


async def turn_page(interaction: discord.Interaction, which: str, page: int) -> None:
    await interaction.response.defer()
    who = resolved(interaction)
    await redraw(interaction.edit_original_response, await listing(interaction, who, which, page))
