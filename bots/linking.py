"""Linking one person's accounts across platforms, for every adapter: a code, the confirmation that names the account
being joined, the join. Core decides and keeps (core.linking, core.people); this words it in the person's language.

Typing a code (or opening a /start link_<code> link) only asks; the join happens when the person presses the
button under the question, which names the account, on the platform where the code was typed.
"""

from __future__ import annotations

import math
from datetime import datetime

from core.people import Person
from core.events import Refusal
from core.i18n import N_
from core.linking import LinkCode

PLATFORMS = {"telegram": "Telegram", "discord": "Discord"}


def other(platform: str) -> str:
    return next(name for key, name in PLATFORMS.items() if key != platform)


async def new_code(rt, who: Person, platform: str) -> str:
    """/link with no code: a fresh code to use on the other platform, or when to ask again."""
    limits = rt.config.limits
    made = await rt.people.new_link_code(who.account.id, platform, limits.link_code_lifetime, limits.link_codes)
    if isinstance(made, datetime):
        minutes = max(1, math.ceil((made - rt.clock.now()).total_seconds() / 60))
        return who.t(N_("You already hold {count} unused codes: use one of them, or ask for a new one in "
                        "{minutes} min."), count=limits.link_codes, minutes=minutes)
    minutes = int(limits.link_code_lifetime.total_seconds() // 60)
    return who.t(N_("Your code: {code}\nOn {platform}, send /link {code} within {minutes} min: you will be asked "
                    "there to confirm that you join this account."), code=made, platform=other(platform),
                 minutes=minutes)


async def question(rt, who: Person, platform: str, code: str) -> tuple[str, LinkCode | None]:
    """/link CODE: the question to confirm, naming the account the code joins and where it was made; or why the
    code cannot be used here (and None)."""
    found = await rt.people.link_question(code, platform, who.account.id)
    if isinstance(found, Refusal):
        return found.render(who.lang), None
    return who.t(N_("This code joins this {here} account to the account “{name}”, made on {platform}. From then on, "
                    "what you do here (orders, offers, messages) belongs to “{name}”, and its notices reach you "
                    "here. Join only if that account is yours."),
                 here=PLATFORMS[platform], name=found.name or found.account, platform=PLATFORMS[found.platform]), found


def join_label(who: Person, code: LinkCode) -> str:
    return who.t(N_("Join “{name}”"), name=code.name or code.account)


async def join(rt, who: Person, platform: str, code: str, *, chat_id: str | None = None,
               username: str | None = None) -> str:
    """The confirmation pressed: the join (core checks the code again), and what to tell the person."""
    linked = await rt.people.link(code, platform, str(who.user_id), chat_id=chat_id, username=username)
    if isinstance(linked, Refusal):
        return linked.render(who.lang)
    return who.t(N_("Linked: this {platform} account is now {name}'s account."), platform=PLATFORMS[platform],
                 name=linked.display_name or linked.id)
