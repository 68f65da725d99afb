"""The Today card on Discord: one message per person in their direct messages with the bot, edited in place when
something changes (bots.today's poll); /today sends it again; [Turn off the morning digest] under it.

Drawn from core's platform-neutral card (core.today.TodayCard: lines with an order, a label, a deadline, a button)
as one Components V2 container, like the order cards: the title, each line beside the button that opens its order,
then the digest's switch."""

from __future__ import annotations

import logging

import discord

from bots.discord.cards import LABEL, clip, layout, timestamp
from bots.discord.context import PLATFORM, resolved, runtime
from bots.discord.markdown import plain
from bots.discord.routes import CardLink, DigestButton
from bots.render import live, stamps, zone
from bots.runtime import Runtime
from core.i18n import N_, Lines, translate
from core.people import Account
from core.ports import Undeliverable
from core.today import DIGEST_BACK, DIGEST_OFF, Item, TodayCard, TodayMessage

log = logging.getLogger(__name__)
SECTIONS = 10  # a line beside its button is 3 components: 10 keep the card within Discord's 40
IN_DMS = N_("Your Today card is in your direct messages with me: it stays up to date by itself.")


def today_layout(card: TodayCard, lang: str, now) -> discord.ui.LayoutView:
    """The card's words, its deadlines as Discord's live timestamps (each reader's zone and language), each line
    beside [Open #…] (persistent), the digest's switch under them."""
    def shown(item: Item) -> str:  # titles are people's words: shown as written
        return stamps(plain(Lines((item,)).render(lang, zone("UTC"), now, live)), timestamp)

    beside = [(shown(item), CardLink(discord.ui.Button(label=clip(line.button.label.render(lang), LABEL),
                                                       style=discord.ButtonStyle.secondary,
                                                       custom_id=line.button.data)))
              for item, line in zip(card.items()[:SECTIONS], card.lines)]
    under = [shown(item) for item in card.items()[SECTIONS:] + card.rest()]
    toggle = card.toggle
    switch = DigestButton(discord.ui.Button(label=clip(toggle.label.render(lang), LABEL),
                                            style=discord.ButtonStyle.secondary, custom_id=toggle.data))
    return layout([[f"### {shown(card.head())}"], [*beside, *under], [shown(item) for item in card.note()]], [switch],
                  discord.Colour.blurple())


class DiscordToday:
    """Draws Today cards in people's direct messages with the bot (bots.today.TodayDesk)."""

    platform = PLATFORM

    def __init__(self, client: discord.Client, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime

    async def show(self, account: Account, chat_id: str, card: TodayCard, where: TodayMessage | None,
                   fresh: bool = False) -> TodayMessage:
        try:
            return await self._show(account, chat_id, card, where, fresh)
        except discord.Forbidden as gone:  # DMs closed, no server shared any more
            raise Undeliverable(str(gone)) from gone

    async def _show(self, account: Account, chat_id: str, card: TodayCard, where: TodayMessage | None,
                    fresh: bool) -> TodayMessage:
        lang = account.language
        view = today_layout(card, lang, self.runtime.clock.now())
        channel = await self.client.create_dm(discord.Object(int(chat_id)))
        if where is not None and where.chat_id == chat_id and not fresh:
            try:
                await channel.get_partial_message(int(where.message_id)).edit(view=view)
                return where
            except discord.NotFound:
                pass  # deleted: a new one in its place
        sent = await channel.send(view=view, silent=True)
        if where is not None and where.chat_id == chat_id:
            try:
                await channel.get_partial_message(int(where.message_id)).delete()
            except (discord.NotFound, discord.Forbidden):
                pass  # gone already
        return TodayMessage(account.id, PLATFORM, chat_id, str(sent.id))


async def show(interaction: discord.Interaction, fresh: bool) -> TodayCard:
    """The person's card drawn in their DMs (`fresh`: sent again at the bottom)."""
    who = resolved(interaction)
    rt = runtime(interaction)
    card = await rt.todays.of(who.viewer)
    where = await rt.todays.where(who.account.id, PLATFORM)
    placed = await DiscordToday(interaction.client, rt).show(who.account, str(who.user_id), card, where, fresh)
    await rt.todays.placed(placed)
    return card


async def today(interaction: discord.Interaction) -> None:
    """/today: the card sent again in the person's DMs; the answer says where it is."""
    from bots.discord.orders import tell

    await interaction.response.defer(ephemeral=True, thinking=True)
    await show(interaction, fresh=True)
    await tell(interaction, resolved(interaction).t(IN_DMS))


async def switch_digest(interaction: discord.Interaction, on: bool) -> None:
    """[Turn off the morning digest] / [Turn on …]: said privately, and the card in the DMs redrawn."""
    from bots.discord.orders import tell

    who = resolved(interaction)
    card = await runtime(interaction).todays.set_digest(who.viewer, on)
    await tell(interaction, translate(DIGEST_BACK if on else DIGEST_OFF, who.lang).format(
        at=card.digest_at.strftime("%H:%M")))
    await show(interaction, fresh=False)
