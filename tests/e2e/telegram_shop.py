"""Shop steps for Telegram end-to-end tests: a person does something, then waits for what the bot says next.

Waiting for "the next message saying X" (not the latest one) matters here: offer steps and checkouts
repeat words ("Step 1/7", "Got it"), and an earlier message must never satisfy a later wait.
"""

from __future__ import annotations

from collections.abc import Callable

from core.model import Offer, Option

LOGO_STARS = Offer("logo", "", "Logo", "A vector logo, three proposals", 1_000, "XTR", 3,
                   (Option("source", "Source files", 300, 1),))


def text_of(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


async def then(world, chat_id: int, action: Callable[[], object], contains: str | None = None,
               match: Callable[[dict], bool] | None = None, timeout: float = 5.0) -> dict:
    """Runs the action, then waits for a message sent to this chat after it that contains the text
    (or matches); an edited message that was already there counts once it matches."""
    mark = len(world.fake.sent_to(chat_id))
    before = {m["message_id"]: m for m in world.fake.sent_to(chat_id)}
    action()
    test = match or (lambda m: contains in text_of(m))

    def found():
        messages = world.fake.sent_to(chat_id)
        fresh = [m for m in messages[mark:] if test(m)]
        edited = [m for m in messages[:mark] if m != before.get(m["message_id"]) and test(m)]
        return (fresh or edited or [None])[-1]
    return await world.fake.wait_for(found, timeout=timeout, what=f"{contains or match!r} in chat {chat_id}")


async def say(world, user, text: str, contains: str) -> dict:
    return await then(world, user.id, lambda: user.send(text), contains)


async def tap(world, user, message: dict, label: str, contains: str | None = None,
              match: Callable[[dict], bool] | None = None) -> dict:
    return await then(world, user.id, lambda: user.press(message, world.button(message, label)), contains, match)


async def started(world, *users):
    """Users who opened the bot (/start), in the language given."""
    people = []
    for user_id, name, lang in users:
        user = world.fake.user(user_id, name, language_code=lang)
        await then(world, user_id, lambda: user.send("/start"), "")
        people.append(user)
    return people


def is_invoice(message: dict) -> bool:
    return "invoice" in message
