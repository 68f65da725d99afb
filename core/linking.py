"""Linking one person's accounts across platforms: when a /link code may join an identity to another account.

A code is made on one platform and used on the other, by the same person: it joins the identity that uses it
to the account that made it. Whoever holds a code could otherwise take over whoever taps it, so a code works
only across platforms, only while it is fresh, only after the person confirmed on the second platform that
they join *that* account (named), and never moves an identity away from an account that has orders, offers
or discussions of its own: those would vanish from the person's view (or, taken by a stranger's code, their
next purchase would land in the stranger's account).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.events import Refusal, Refused
from core.i18n import N_, Text

UNKNOWN = N_("This code is unknown or expired. Ask for a new one with /link.")


@dataclass(frozen=True)
class LinkCode:
    """A live code: the account it joins to (and its name) and the platform it was made on."""

    code: str
    account: str
    name: str
    platform: str
    expires_at: datetime


def link_refusal(code: LinkCode | None, platform: str, account: str, has_history: bool) -> Refusal | None:
    """None if the identity of `account` on `platform` may be joined to the code's account; else why not."""
    if code is None:
        return Refusal(Refused.INPUT, Text.of(UNKNOWN))
    if code.platform == platform:
        return Refusal(Refused.INPUT, Text.of(N_(
            "A code joins an account on another platform: use it there, not where you asked for it.")))
    if code.account == account:
        return Refusal(Refused.STAGE, Text.of(N_("This account is already linked to that one.")))
    if has_history:
        return Refusal(Refused.CONDITION, Text.of(N_(
            "This account has orders, offers or discussions of its own: joining it to another one would hide "
            "them. Ask for a code here with /link, and use it on the other platform instead.")))
    return None


def code_wait(most: int, live: list[datetime]) -> datetime | None:
    """When this person may ask for another code, if they hold `most` live ones already (each expiring at one of
    `live`); None if they may now."""
    if len(live) < most:
        return None
    return sorted(live)[len(live) - most]
