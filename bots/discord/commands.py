"""The slash commands, in every catalog language: /today, /orders, /order, /link, /language, /timezone.

Names, descriptions and choices are `locale_str` msgids: the tree's translator (bots.discord.translator)
reads them from the gettext catalogs when the commands are synced. Every answer is private.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str

from bots import linking
from bots.discord import orders, today
from bots.discord import custom_ids as ids
from bots.discord.routes import LinkButton
from bots.discord.cards import clip
from bots.discord.context import PLATFORM, person, resolved, runtime
from bots.routing import FILTERS
from core.i18n import LANGUAGES, N_

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def localized(msgid: str) -> locale_str:
    """A command's text: its English msgid, translated by the tree's translator."""
    return locale_str(msgid)


@app_commands.command(name=localized(N_("orders")), description=localized(N_("Your orders and what to do next")))
@app_commands.rename(which=localized(N_("filter")))
@app_commands.describe(which=localized(N_("Which orders to show")))
@app_commands.choices(which=[Choice(name=localized(label), value=key) for key, label in FILTERS.items()])
async def orders_command(interaction: discord.Interaction, which: Choice[str] | None = None) -> None:
    await orders.guarded(interaction, orders.show_orders(interaction, which.value if which else "act"))


@app_commands.command(name=localized(N_("order")),
                      description=localized(N_("An order's card and what you can do on it")))
@app_commands.rename(number=localized(N_("number")))
@app_commands.describe(number=localized(N_("The order's number, like AB12CD34")))
async def order_command(interaction: discord.Interaction, number: app_commands.Range[str, 1, 30]) -> None:
    await orders.guarded(interaction, orders.show_card(interaction, number))


@order_command.autocomplete("number")
async def order_numbers(interaction: discord.Interaction, typed: str) -> list[Choice[str]]:
    return await orders.order_choices(interaction, typed)


@app_commands.command(name=localized(N_("link")), description=localized(N_("Use the same account on Telegram")))
@app_commands.describe(code=localized(N_("The code /link gave you on Telegram")))
async def link_command(interaction: discord.Interaction, code: app_commands.Range[str, 1, 16] | None = None) -> None:
    await orders.guarded(interaction, link(interaction, code))


async def link(interaction: discord.Interaction, code: str | None) -> None:
    """/link gives a one-time code; /link CODE asks to confirm joining the account it names (bots.linking)."""
    who = resolved(interaction)
    rt = runtime(interaction)
    if code is None:
        await orders.tell(interaction, await linking.new_code(rt, who, PLATFORM))
        return
    text, found = await linking.question(rt, who, PLATFORM, code)
    if found is None:
        await orders.tell(interaction, text)
        return
    view = discord.ui.View(timeout=None)
    view.add_item(LinkButton(discord.ui.Button(label=clip(linking.join_label(who, found), 80),
                                               style=discord.ButtonStyle.danger, custom_id=ids.link("ok", found.code))))
    view.add_item(LinkButton(discord.ui.Button(label=who.t(N_("Cancel")), custom_id=ids.link("no", found.code))))
    await interaction.response.send_message(text, view=view, ephemeral=True)


async def confirm_link(interaction: discord.Interaction, verb: str, code: str) -> None:
    """[Join …] or [Cancel] under the question: the join, checked by core again, and the question answered."""
    who = resolved(interaction)
    if verb == "ok":
        text = await linking.join(runtime(interaction), who, PLATFORM, code, chat_id=str(who.user_id),
                                  username=interaction.user.name)
    else:
        text = who.t(N_("Cancelled: nothing was changed."))
    await interaction.response.edit_message(content=text, view=None)


@app_commands.command(name=localized(N_("language")), description=localized(N_("Language")))
@app_commands.rename(code=localized(N_("language")))
@app_commands.describe(code=localized(N_("The language I speak with you")))
@app_commands.choices(code=[Choice(name=LANGUAGE_NAMES[code], value=code) for code in LANGUAGES])
async def language_command(interaction: discord.Interaction, code: Choice[str]) -> None:
    await orders.guarded(interaction, set_language(interaction, code.value))


async def set_language(interaction: discord.Interaction, code: str) -> None:
    who = resolved(interaction)
    rt = runtime(interaction)
    await rt.people.set_preferences(who.account.id, language=code)
    who = await person(interaction, again=True)  # in the language just chosen
    await orders.tell(interaction, who.t(N_("Done: I will speak {language} with you."), language=LANGUAGE_NAMES[code]))


@app_commands.command(name=localized(N_("timezone")), description=localized(N_("Your time zone")))
@app_commands.describe(zone=localized(N_("A time zone name, like Europe/Paris")))
async def timezone_command(interaction: discord.Interaction,
                           zone: app_commands.Range[str, 1, 64] | None = None) -> None:
    await orders.guarded(interaction, set_timezone(interaction, zone))


@timezone_command.autocomplete("zone")
async def zone_names(interaction: discord.Interaction, typed: str) -> list[Choice[str]]:
    typed = typed.strip().lower()
    return [Choice(name=name, value=name) for name in sorted(available_timezones()) if typed in name.lower()][:25]


async def set_timezone(interaction: discord.Interaction, name: str | None) -> None:
    """/timezone Europe/Paris — dates written out in text are then in that zone (cards show each
    reader's own time, as Discord timestamps)."""
    who = resolved(interaction)
    if not name:
        await orders.tell(interaction, who.t(
            N_("Your time zone is {zone}. To change it, send for example: /timezone Europe/Paris"),
            zone=who.account.timezone))
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        await orders.tell(interaction, who.t(
            N_("I don't know the time zone “{zone}”. Use a name like Europe/Paris or America/Montreal."),
            zone=name))
        return
    rt = runtime(interaction)
    await rt.people.set_preferences(who.account.id, timezone=name)
    await orders.tell(interaction, who.t(N_("Done: deadlines are now shown in {zone}."), zone=name))


@app_commands.command(name=localized(N_("today")), description=localized(N_("What needs you today")))
async def today_command(interaction: discord.Interaction) -> None:
    await orders.guarded(interaction, today.today(interaction))


COMMANDS = (today_command, orders_command, order_command, link_command, language_command, timezone_command)
