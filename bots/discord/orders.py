"""Order buttons, the modals they open, /orders and order cards: every decision is core's, this translates."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

import discord

from bots.discord.buttons import CardLink, OrdersPage
from bots.discord.cards import card_embed, card_view, clip, refresh_card, remember_card, retire_cards
from bots.discord.context import Person, person, runtime
from bots.discord.modals import ActionModal, dispatch_submit, open_unkept, pressed_of
from bots.discord.files import CONTENT, MAX_FILES, UPLOAD_LIMIT, uploads
from bots.files import Missing, name_of
from bots.render import pack
from bots.routing import FILTERS, listed_orders
from core.buttons import BadButton, ButtonData
from core.card import NEEDS, order_card
from core.engine import allowed_actions
from core.events import Outcome, Refusal
from core.i18n import N_, translate
from core.model import Order
from core.table import Needs

log = logging.getLogger(__name__)

PAGE = 5
OOPS = N_("Something went wrong on our side. Please try again in a moment.")


async def tell(interaction: discord.Interaction, text: str) -> None:
    """A private answer to this interaction, whether or not it was answered already."""
    if interaction.response.is_done():
        await interaction.followup.send(clip(text, 2000), ephemeral=True)
    else:
        await interaction.response.send_message(clip(text, 2000), ephemeral=True)


async def failed(interaction: discord.Interaction, error: BaseException) -> None:
    log.error("while handling %s", interaction.data, exc_info=error)
    try:
        lang = (await person(interaction)).lang
    except Exception:  # noqa: BLE001 — the database may be what failed
        lang = "en"
    try:
        await tell(interaction, translate(OOPS, lang))
    except discord.HTTPException:
        log.exception("could not tell the user about the error")


async def guarded(interaction: discord.Interaction, work: Awaitable[None]) -> None:
    """Runs a handler; an error is logged and the person told, privately, to try again."""
    try:
        await work
    except Exception as error:  # noqa: BLE001 — every interaction gets an answer
        await failed(interaction, error)


# --- the buttons of a card -------------------------------------------------------------------------

async def press(interaction: discord.Interaction, data: str) -> None:
    """A card's button: act at once, or open the modal that collects what the action needs."""
    try:
        pressed = ButtonData.decode(data)
    except BadButton:
        who = await person(interaction)
        await tell(interaction, translate(N_("This button is not valid."), who.lang if who else "en"))
        return
    needs = NEEDS[pressed.action]
    if needs is Needs.NOTHING:
        await interaction.response.defer()  # within Discord's 3 s; the answer comes as an edit or a follow-up
    who = await person(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    order = await their_order(interaction, who, pressed.order_id)
    if order is None:
        return
    possible = pressed.version == order.version and pressed.action in allowed_actions(
        order, who.viewer, rt.clock.now(), rt.config.settings)
    if needs is not Needs.NOTHING and possible:
        await open_unkept(interaction, ActionModal(who.user_id, pressed, needs, who.lang, order.currency,
                                                   rt.config.settings.max_text,
                                                   current=order.brief if needs is Needs.BRIEF else ""))
        return
    if not interaction.response.is_done():
        await interaction.response.defer()
    # acts, or (when not possible) comes back refused with core's reason and what is possible now
    result = await rt.service.act(order.id, pressed.action, who.viewer, version=pressed.version)
    await answer(interaction, who, order.id, result)


async def their_order(interaction: discord.Interaction, who: Person, order_id: str) -> Order | None:
    """The order, if this person has a part in it; otherwise they are told so, privately, and None."""
    order = await runtime(interaction).service.order(order_id)
    if order is None or order.role_of(who.viewer) is None:
        await tell(interaction, who.t(N_("This order is not yours.")))
        return None
    return order


async def reopen(interaction: discord.Interaction, custom_id: str) -> None:
    """An order's modal submitted (before or after a restart: none is kept in memory): rebuilt from its
    custom id, the person and the order, then submitted as usual, so core decides (a stale one is refused)."""
    who = await person(interaction)
    if who is None:
        return
    try:
        pressed = pressed_of(custom_id)
    except BadButton:
        await tell(interaction, who.t(N_("This button is not valid.")))
        return
    order = await their_order(interaction, who, pressed.order_id)
    if order is None:
        return
    rt = runtime(interaction)
    modal = ActionModal(who.user_id, pressed, NEEDS[pressed.action], who.lang, order.currency,
                        rt.config.settings.max_text)
    await dispatch_submit(modal, interaction)


async def submit(interaction: discord.Interaction, modal: ActionModal) -> None:
    await interaction.response.defer()  # updates the card the modal was opened from
    who = await person(interaction)
    if who is None:
        return
    payload = modal.payload()
    if isinstance(payload, str):
        await tell(interaction, who.t(payload))
        return
    rt = runtime(interaction)
    result = await rt.service.act(modal.pressed.order_id, modal.pressed.action, who.viewer, payload,
                                  version=modal.pressed.version)
    await answer(interaction, who, modal.pressed.order_id, result)


async def answer(interaction: discord.Interaction, who: Person, order_id: str, result: Outcome | Refusal) -> None:
    """Done or refused (core's reason then comes privately), the pressed card is drawn again whole from the order
    as it is now. In a DM it is the person's one card of the order; a card pressed elsewhere (in a server) brings
    their DM card up to date too."""
    if isinstance(result, Refusal):
        await tell(interaction, result.render(who.lang))
    rt = runtime(interaction)
    card = await rt.service.card(order_id, who.viewer)
    if isinstance(card, Refusal):
        return
    await interaction.edit_original_response(content=None, embed=card_embed(card, who.lang),
                                             view=card_view(card, who.lang))
    user_id = str(who.user_id)
    if interaction.guild is None and interaction.message is not None:
        await remember_card(rt, user_id, interaction.message.id, order_id, who.account.id)
        await retire_cards(interaction.client, rt, order_id, user_id, keep=interaction.message.id)
    elif not isinstance(result, Refusal):
        await refresh_card(interaction.client, rt, card, who.lang, user_id)


async def show_more(interaction: discord.Interaction, order_id: str) -> None:
    """[More…]: the pressed card again, as the order is now, with its rarely needed buttons too."""
    await interaction.response.defer()
    who = await person(interaction)
    if who is None:
        return
    card = await runtime(interaction).service.card(order_id, who.viewer)
    if isinstance(card, Refusal):
        await tell(interaction, card.render(who.lang))
        return
    await interaction.edit_original_response(embed=card_embed(card, who.lang),
                                             view=card_view(card, who.lang, expanded=True))


async def show_brief(interaction: discord.Interaction, order_id: str) -> None:
    """[Show the brief]: the whole brief and its files, privately, to either party or a moderator."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    who = await person(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    brief = await rt.service.brief(order_id, who.viewer)
    if isinstance(brief, Refusal):
        await tell(interaction, brief.render(who.lang))
        return
    found = [await rt.files.fetch(ref, UPLOAD_LIMIT) for ref in brief.files[:MAX_FILES]]
    found += [Missing(name_of(ref)) for ref in brief.files[MAX_FILES:]]
    files, notes = uploads(found, who.lang)
    heading = who.t(N_("The brief of order #{order} “{title}”:"), order=brief.order_id, title=brief.title)
    chunks = pack([heading + "\n" + (brief.text or who.t(N_("(no text: only files)"))), notes], CONTENT)
    for chunk in chunks[:-1]:
        await interaction.followup.send(chunk, ephemeral=True)
    await interaction.followup.send(chunks[-1], ephemeral=True, **({"files": files} if files else {}))


# --- /order and the entries of /orders -------------------------------------------------------------

async def show_card(interaction: discord.Interaction, order_id: str) -> None:
    """An order's card, freshly drawn: private in a server; in a DM, the order's one card there (the previous
    one goes)."""
    who = await person(interaction)
    if who is None:
        return
    rt = runtime(interaction)
    card = await rt.service.card(order_id.strip().lstrip("#"), who.viewer)
    if isinstance(card, Refusal):
        await tell(interaction, card.render(who.lang))
        return
    in_dm = interaction.guild is None
    view = card_view(card, who.lang)
    await interaction.response.send_message(embed=card_embed(card, who.lang), ephemeral=not in_dm,
                                            **({"view": view} if view else {}))
    if in_dm:
        message = await interaction.original_response()
        await remember_card(rt, str(who.user_id), message.id, card.order_id, who.account.id)
        await retire_cards(interaction.client, rt, card.order_id, str(who.user_id), keep=message.id)


async def order_choices(interaction: discord.Interaction, typed: str) -> list[discord.app_commands.Choice[str]]:
    """Autocomplete of /order: this person's orders whose number or title holds what they typed."""
    who = await person(interaction)
    if who is None:
        return []
    rt = runtime(interaction)
    async with rt.store.unit_of_work() as uow:
        found = await uow.orders_of(who.account.id, limit=100)
    typed = typed.strip().lstrip("#").lower()
    return [discord.app_commands.Choice(name=clip(f"#{o.id} — {o.title}", 100), value=o.id)
            for o in found if typed in o.id.lower() or typed in o.title.lower()][:25]


# --- /orders --------------------------------------------------------------------------------------

async def listing(interaction: discord.Interaction, who: Person, which: str, page: int):
    """A page of this person's orders, with the filter and page buttons: (embed, view)."""
    rt = runtime(interaction)
    now = rt.clock.now()
    which = which if which in FILTERS else "act"
    found = await listed_orders(rt, who, which)
    pages = max(1, -(-len(found) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = found[page * PAGE:(page + 1) * PAGE]
    next_steps = [order_card(o, who.viewer, now, rt.config.settings).next_step.render(who.lang) for o in shown]
    lines = [f"**#{o.id}** — {o.title}\n→ {step}" for o, step in zip(shown, next_steps, strict=True)]
    lines = lines or [who.t(N_("Nothing here."))]
    embed = discord.Embed(title=who.t(N_("Your orders — {filter} ({count})"), filter=who.t(FILTERS[which]),
                                      count=len(found)), description=clip("\n".join(lines), 4096))
    embed.set_footer(text=who.t(N_("Page {page} of {pages}"), page=page + 1, pages=pages))
    view = discord.ui.View(timeout=None)
    for o in shown:
        view.add_item(CardLink(discord.ui.Button(label=clip(f"#{o.id} {o.title}", 80), custom_id=f"x:card:{o.id}",
                                                 style=discord.ButtonStyle.secondary, row=0)))
    for key, label in FILTERS.items():
        style = discord.ButtonStyle.primary if key == which else discord.ButtonStyle.secondary
        view.add_item(OrdersPage(discord.ui.Button(label=who.t(label), style=style, custom_id=f"x:orders:{key}:0",
                                                   row=1)))
    if page > 0:
        view.add_item(OrdersPage(discord.ui.Button(label="◀", custom_id=f"x:page:{which}:{page - 1}", row=2)))
    if page + 1 < pages:
        view.add_item(OrdersPage(discord.ui.Button(label="▶", custom_id=f"x:page:{which}:{page + 1}", row=2)))
    return embed, view


async def show_orders(interaction: discord.Interaction, which: str = "act") -> None:
    """/orders: private, a page at a time."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    who = await person(interaction)
    if who is None:
        return
    embed, view = await listing(interaction, who, which, 0)
    await interaction.followup.send(embed=embed, view=view, ephemeral=True)


async def turn_page(interaction: discord.Interaction, which: str, page: int) -> None:
    await interaction.response.defer()
    who = await person(interaction)
    if who is None:
        return
    embed, view = await listing(interaction, who, which, page)
    await interaction.edit_original_response(embed=embed, view=view)
