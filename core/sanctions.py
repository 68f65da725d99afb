"""Who may moderate and whom a moderator may suspend: the rules the adapters ask before acting."""

from __future__ import annotations

from core.events import Refusal, Refused
from core.i18n import N_, Text
from core.model import Viewer

MODERATORS_ONLY = N_("Only moderators can do this.")


def moderation_refusal(viewer: Viewer) -> Refusal | None:
    """None if this person may read the dispute queue, evidence and audit trail, and sanction accounts."""
    return None if viewer.moderator else Refusal(Refused.ROLE, Text.of(MODERATORS_ONLY))


def suspension_refusal(moderator: Viewer, account: str, suspended_now: bool, suspend: bool,
                       reason: str) -> Refusal | None:
    """None if this moderator may (un)suspend this account now; a suspension is logged with its reason."""
    refusal = moderation_refusal(moderator)
    if refusal is not None:
        return refusal
    if account == moderator.account:
        return Refusal(Refused.ROLE, Text.of(N_("You cannot suspend or unsuspend your own account.")))
    if not reason.strip():
        return Refusal(Refused.INPUT, Text.of(N_("Please say why (a short text is enough).")))
    if suspend and suspended_now:
        return Refusal(Refused.STAGE, Text.of(N_("This account is already suspended.")))
    if not suspend and not suspended_now:
        return Refusal(Refused.STAGE, Text.of(N_("This account is not suspended.")))
    return None
