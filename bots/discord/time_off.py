"""/away: a seller's time off and limit of orders in progress; a visitor's [Tell me when it reopens]."""

from __future__ import annotations

import discord
from discord import app_commands

from bots import time_off
from bots.discord import custom_ids as ids, orders
from bots.discord.routes import WatchButton
from bots.discord.cards import clip
from bots.discord.commands import localized
from bots.discord.context import resolved, runtime
from core.i18n import N_, translate

away_group = app_commands.Group(name=localized(N_("away")),
                                description=localized(N_("Time off and how many orders you take at once")))


@away_group.command(name=localized(N_("status")),
                    description=localized(N_("What you set, and whether your offers take orders")))
async def status_command(interaction: discord.Interaction) -> None:
    await orders.guarded(interaction, answer(interaction))


@away_group.command(name=localized(N_("set")), description=localized(N_("Go away from one day to another")))
@app_commands.rename(first=localized(N_("first")), last=localized(N_("last")), message=localized(N_("message")))
@app_commands.describe(first=localized(N_("Your first day away, like 2026-12-24 (your time zone)")),
                       last=localized(N_("Your last day away, like 2027-01-02")),
                       message=localized(N_("What visitors of your offers read meanwhile")))
async def set_command(interaction: discord.Interaction, first: app_commands.Range[str, 1, 20],
                      last: app_commands.Range[str, 1, 20],
                      message: app_commands.Range[str, 0, 1000] | None = None) -> None:
    await orders.guarded(interaction, answer(interaction, away=(first, last, message or "")))


@away_group.command(name=localized(N_("back")), description=localized(N_("Back early: take orders again")))
async def back_command(interaction: discord.Interaction) -> None:
    await orders.guarded(interaction, answer(interaction, back=True))


@away_group.command(name=localized(N_("limit")),
                    description=localized(N_("At most this many orders in progress at once")))
@app_commands.rename(orders_at_once=localized(N_("orders")))
@app_commands.describe(orders_at_once=localized(N_("A number, like 3, or “off” for no limit")))
async def limit_command(interaction: discord.Interaction, orders_at_once: app_commands.Range[str, 1, 10]) -> None:
    await orders.guarded(interaction, answer(interaction, limit=orders_at_once))


async def answer(interaction: discord.Interaction, **asked) -> None:
    await orders.tell(interaction, await time_off.answer(runtime(interaction), resolved(interaction), **asked))


async def watch(interaction: discord.Interaction, offer_id: str) -> None:
    await orders.tell(interaction, await time_off.watch(runtime(interaction), resolved(interaction), offer_id))


def watch_button(offer_id: str, title: str, lang: str, titled: bool) -> WatchButton:
    label = (translate(N_("Tell me when “{title}” reopens"), lang).format(title=title) if titled
             else translate(N_("Tell me when it reopens"), lang))
    return WatchButton(discord.ui.Button(label=clip(label, 80), custom_id=ids.watch(offer_id)))


COMMANDS = (away_group,)
