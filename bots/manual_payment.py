"""Paying by hand, on any platform: what the buyer is told once their order waits for its payment — the amount,
the reference and the marketplace's instructions in their language (config's [payment]), or plainly that a
moderator will tell them how to pay when there are none."""

from __future__ import annotations

from bots.config import Config
from core.checkout import Checkout
from core.i18n import N_, Money, translate

HOW_TO_PAY = N_("To pay {total} for “{title}”:\n{instructions}\n\nMention the reference {reference} with your "
                "payment. Your order is placed as soon as a moderator confirms that the money arrived.")
ASK_A_MODERATOR = N_("Your order will be placed as soon as a moderator confirms your payment of {total} for "
                     "“{title}”. A moderator will tell you how to pay: mention the reference {reference} with your "
                     "payment.")


def how_to_pay(config: Config, checkout: Checkout, title: str, lang: str) -> str:
    """The message that tells a buyer how to pay their checkout by hand, to keep (the reference is in it)."""
    instructions = config.payment.instructions_in(lang, config.default_language)
    return translate(HOW_TO_PAY if instructions else ASK_A_MODERATOR, lang).format(
        total=Money(checkout.amount, checkout.currency).render(lang), title=title, reference=checkout.id,
        instructions=instructions)
