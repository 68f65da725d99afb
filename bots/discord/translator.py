"""Slash command names, descriptions and choices in each language, read from the gettext catalogs."""

from __future__ import annotations

import discord
from discord import app_commands

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

#: the Discord locales we have a catalog for (English is the commands' own text)
LOCALES = {discord.Locale(code): code for code in LANGUAGES if code != DEFAULT_LANGUAGE}


class CatalogTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        lang = LOCALES.get(locale)
        if lang is None:
            return None
        text = translate(string.message, lang)
        return text if text != string.message else None
