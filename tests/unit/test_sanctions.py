"""Sanctions: only moderators act, never on themselves, always with a reason, and only when it changes something."""

from core.events import Refused
from core.model import Viewer
from core.sanctions import moderation_refusal, suspension_refusal

MOD = Viewer("mo", moderator=True)
ANA = Viewer("ana")


def test_only_moderators_may_moderate():
    assert moderation_refusal(MOD) is None
    assert moderation_refusal(ANA).code is Refused.ROLE


def test_a_moderator_suspends_someone_else_with_a_reason():
    assert suspension_refusal(MOD, "ana", suspended_now=False, suspend=True, reason="fake deliveries") is None
    assert suspension_refusal(MOD, "ana", suspended_now=True, suspend=False, reason="appeal") is None


def test_a_suspension_is_refused_to_non_moderators_on_oneself_without_reason_or_when_nothing_changes():
    cases = {
        (ANA, "ben", False, True, "spam"): "Only moderators can do this.",
        (MOD, "mo", False, True, "oops"): "You cannot suspend or unsuspend your own account.",
        (MOD, "ana", False, True, "  "): "Please say why (a short text is enough).",
        (MOD, "ana", True, True, "again"): "This account is already suspended.",
        (MOD, "ana", False, False, "lift"): "This account is not suspended.",
    }
    for (who, account, now, suspend, reason), said in cases.items():
        assert suspension_refusal(who, account, now, suspend, reason).render("en") == said
