"""An order's own topic in a Telegram private chat (Bot API 9.3): opened on first need, named after the order,
marked closed when its chat ends; the chat itself where the bot has no topic mode or a chat refused a topic
(remembered per chat, so it is asked once)."""

from __future__ import annotations

from telegram import Bot
from telegram.constants import ForumTopicLimit
from telegram.error import BadRequest

from bots.runtime import Runtime
from bots.telegram.context import PLATFORM

NAME_LIMIT = ForumTopicLimit.MAX_NAME_LENGTH  # 128 characters


def offered(bot: Bot) -> bool:
    """The bot's topic mode in private chats, as @BotFather set it (getMe's has_topics_enabled)."""
    try:
        return bool(bot.bot.has_topics_enabled)
    except RuntimeError:  # not initialized: getMe never answered, so no topics
        return False


async def thread_of(bot: Bot, rt: Runtime, chat_id: int | str, order_id: str | None) -> int | None:
    """The topic this order's messages go to in this chat (opened now if it has none yet), or None: the chat
    itself. A refusal (400) means this chat has no topics, for good; other failures go to the caller."""
    place = await rt.conversations.place(PLATFORM, str(chat_id), order_id, offered=offered(bot),
                                         name_limit=NAME_LIMIT)
    if place.topic is not None:
        return int(place.topic)
    if place.open_as is None or order_id is None:
        return None
    try:
        topic = await bot.create_forum_topic(chat_id, place.open_as)
    except BadRequest:
        await rt.conversations.no_topics(PLATFORM, str(chat_id))
        return None
    await rt.conversations.topic_opened(PLATFORM, str(chat_id), order_id, str(topic.message_thread_id))
    return topic.message_thread_id


async def close(bot: Bot, rt: Runtime, chat_id: int | str, order_id: str, thread: int) -> None:
    """The order's chat has ended: its topic is marked closed by its name (✓ #12 …), since the Bot API closes
    topics in supergroups only; a refused rename leaves it as it was (nothing is lost)."""
    name = await rt.conversations.closed_topic_name(order_id, NAME_LIMIT)
    if name is None:
        return
    try:
        await bot.edit_forum_topic(chat_id, thread, name=name)
    except BadRequest:
        pass  # the topic was deleted by the person: nothing to mark
