"""The fake Telegram Bot API, checked with the real python-telegram-bot: an Application long-polls it over HTTP."""

import contextlib
import datetime

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice, MessageEntity, Update
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from tests.fakes.telegram_api import FakeTelegram

BEN = 100


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def application(fake: FakeTelegram) -> Application:
    return (Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url)
            .build())


@contextlib.asynccontextmanager
async def polling(app: Application):
    """The real Application, long polling the fake; stopped and shut down whatever the test does."""
    await app.initialize()
    try:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


async def test_a_start_command_reaches_the_command_handler_with_its_deep_link_argument_and_the_reply_is_recorded(
        fake):
    seen = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append((update.effective_user.id, update.effective_user.language_code, context.args))
        await update.message.reply_text(f"Offer {context.args[0]}")

    app = application(fake)
    app.add_handler(CommandHandler("start", start))
    ben = fake.user(id=BEN, first_name="Ben", language_code="fr", username="ben")
    sent = ben.send("/start offer_ABC")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    async with polling(app):
        reply = await fake.wait_for(lambda: fake.last_message(BEN))

    assert seen == [(BEN, "fr", ["offer_ABC"])]
    assert reply["text"] == "Offer offer_ABC"
    assert reply["from"]["id"] == fake.bot_id and reply["from"]["is_bot"]
    assert reply["chat"]["id"] == BEN and reply["chat"]["type"] == "private"
    call = fake.calls("sendMessage")[0]
    assert call.params["chat_id"] == BEN and call.response["result"]["message_id"] == reply["message_id"]
    assert [r.method for r in fake.requests][:2] == ["getMe", "deleteWebhook"]


async def test_a_button_press_is_answered_and_the_edited_message_shows_its_new_text_and_buttons(fake):
    answered = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Order #7", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Accept", callback_data="accept:7"),
              InlineKeyboardButton("Decline", callback_data="decline:7")]]))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        answered.append(query.data)
        await query.answer("Accepted")
        await query.edit_message_text("Order #7: accepted", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Deliver", callback_data="deliver:7")]]))

    app = application(fake)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    ben = fake.user(id=BEN, first_name="Ben")
    ben.send("/start")

    async with polling(app):
        card = await fake.wait_for(lambda: fake.last_message(BEN))
        assert fake.buttons(card) == [[("Accept", "accept:7"), ("Decline", "decline:7")]]
        query_id = ben.press(card, "accept:7")
        await fake.wait_for(lambda: fake.last_message(BEN)["text"] == "Order #7: accepted")

    assert answered == ["accept:7"]
    answer = fake.answer_for(query_id)
    assert (answer.callback_query_id, answer.text, answer.show_alert) == (query_id, "Accepted", False)
    assert fake.answers == [answer]
    [now] = fake.sent_to(BEN)  # the same message, edited: not a second one
    assert now["message_id"] == card["message_id"] and "edit_date" in now
    assert fake.buttons(now) == [[("Deliver", "deliver:7")]]


async def test_callback_data_of_65_bytes_and_a_text_of_4097_characters_are_refused_like_telegram_does(fake):
    fake.user(id=BEN, first_name="Ben").send("/start")
    app = application(fake)
    async with polling(app):
        await fake.wait_for(lambda: fake.pending_updates == 0)
        at_limit = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])  # 64 bytes
        await app.bot.send_message(BEN, "fits", reply_markup=at_limit)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 32 + "x")]])
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await app.bot.send_message(BEN, "too much data", reply_markup=too_long)
        await app.bot.send_message(BEN, "x" * 4096)
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await app.bot.send_message(BEN, "x" * 4097)
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await app.bot.send_message(BEN, "   ")

    refused = [r.response["description"] for r in fake.calls("sendMessage") if not r.response["ok"]]
    assert refused == ["Bad Request: BUTTON_DATA_INVALID", "Bad Request: message is too long",
                       "Bad Request: message text is empty"]
    assert [m["text"][:4] for m in fake.sent_to(BEN)] == ["fits", "xxxx"]


async def test_entities_sent_with_a_text_are_kept_and_refused_when_outside_it_unknown_or_missing_a_field(fake):
    fake.user(id=BEN, first_name="Ben").send("/start")
    due = datetime.datetime(2026, 3, 6, 9, tzinfo=datetime.UTC)
    app = application(fake)
    async with polling(app):
        await fake.wait_for(lambda: fake.pending_updates == 0)
        text = "⏰ Due: in 4 d"  # the alarm clock is one UTF-16 unit, "Due: " starts at 2
        countdown = MessageEntity(MessageEntity.DATE_TIME, 7, 6, unix_time=due, date_time_format="r")
        await app.bot.send_message(BEN, text, entities=[countdown])
        astral = "🕰️ " + text  # U+1F570 is two UTF-16 units, its variation selector one more
        await app.bot.send_message(BEN, astral, entities=[MessageEntity(MessageEntity.DATE_TIME, 11, 6,
                                                                         unix_time=due)])
        with pytest.raises(BadRequest, match="outside the text"):
            await app.bot.send_message(BEN, text, entities=[MessageEntity(MessageEntity.BOLD, 7, 7)])
        with pytest.raises(BadRequest, match="cuts a character"):
            await app.bot.send_message(BEN, astral, entities=[MessageEntity(MessageEntity.BOLD, 1, 3)])
        with pytest.raises(BadRequest, match="unsupported entity type"):
            await app.bot.send_message(BEN, text, entities=[MessageEntity("countdown", 7, 6)])
        with pytest.raises(BadRequest, match='"unix_time" must be present'):
            await app.bot.send_message(BEN, text, entities=[MessageEntity(MessageEntity.DATE_TIME, 7, 6)])
        with pytest.raises(BadRequest, match="invalid date_time_format"):
            await app.bot.send_message(BEN, text, entities=[MessageEntity(MessageEntity.DATE_TIME, 7, 6,
                                                                         unix_time=due, date_time_format="rd")])

    first, second = fake.sent_to(BEN)
    assert first["entities"] == [{"type": "date_time", "offset": 7, "length": 6, "unix_time": int(due.timestamp()),
                                  "date_time_format": "r"}]
    assert second["entities"] == [{"type": "date_time", "offset": 11, "length": 6, "unix_time": int(due.timestamp())}]
    assert len([r for r in fake.calls("sendMessage") if not r.response["ok"]]) == 5


async def test_a_pinned_message_is_listed_named_by_get_chat_announced_by_a_service_message_and_unpinned(fake):
    fake.user(id=BEN, first_name="Ben").send("/start")
    app = application(fake)
    async with polling(app):
        await fake.wait_for(lambda: fake.pending_updates == 0)
        first = await app.bot.send_message(BEN, "Today")
        second = await app.bot.send_message(BEN, "Later")
        assert await app.bot.pin_chat_message(BEN, first.message_id, disable_notification=True)
        assert await app.bot.pin_chat_message(BEN, second.message_id)
        assert fake.pinned(BEN) == [first.message_id, second.message_id]
        assert (await app.bot.get_chat(BEN)).pinned_message.message_id == second.message_id
        service = fake.last_message(BEN)
        assert service["pinned_message"]["message_id"] == second.message_id and "text" not in service
        with pytest.raises(BadRequest, match="(?i)message to pin not found"):
            await app.bot.pin_chat_message(BEN, 999)
        with pytest.raises(BadRequest, match="(?i)message can.t be pinned"):
            await app.bot.pin_chat_message(BEN, service["message_id"])
        assert await app.bot.unpin_chat_message(BEN)  # the most recent
        assert fake.pinned(BEN) == [first.message_id]
        assert await app.bot.unpin_chat_message(BEN, first.message_id)
        assert fake.pinned(BEN) == [] and (await app.bot.get_chat(BEN)).pinned_message is None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter's int retry_after
async def test_a_burst_of_five_messages_to_one_chat_gets_429_with_retry_after_when_rate_limits_are_on(fake):
    fake.user(id=BEN, first_name="Ben").send("/start")
    fake.rate_limits_enabled = True
    app = application(fake)
    outcomes = []
    async with polling(app):
        await fake.wait_for(lambda: fake.pending_updates == 0)
        for n in range(5):
            try:
                await app.bot.send_message(BEN, f"burst {n}")
                outcomes.append("sent")
            except RetryAfter as exc:
                retry_after = exc.retry_after
                if isinstance(retry_after, datetime.timedelta):
                    retry_after = retry_after.total_seconds()
                outcomes.append(retry_after)

    assert outcomes == ["sent", 1, 1, 1, 1]
    assert fake.rate_limited == 4
    limited = [r.response for r in fake.calls("sendMessage") if not r.response["ok"]][0]
    assert limited == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                       "parameters": {"retry_after": 1}}
    assert [m["text"] for m in fake.sent_to(BEN)] == ["burst 0"]


async def test_a_duplicated_update_is_delivered_twice_to_the_handler(fake):
    received = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        received.append((update.update_id, update.message.text))

    app = application(fake)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    ben = fake.user(id=BEN, first_name="Ben")
    fake.duplicate_next()
    ben.send("once")
    ben.send("twice?")

    async with polling(app):
        await fake.wait_for(lambda: len(received) == 3)

    first, second = fake.updates[0]["update_id"], fake.updates[1]["update_id"]
    assert sorted(received) == [(first, "once"), (first, "once"), (second, "twice?")]
    assert fake.deliveries.count(first) == 2


async def test_a_document_sent_by_a_user_arrives_with_a_file_id_and_the_bot_can_download_it(fake):
    downloads = []
    content = b"%PDF-1.4\r\n\x00\xffbinary brief\r\n--not-a-boundary\r\n"

    async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        doc = update.message.document
        data = await (await context.bot.get_file(doc.file_id)).download_as_bytearray()
        downloads.append((doc.file_name, doc.mime_type, update.message.caption, bytes(data)))
        await update.message.reply_document(bytes(data), filename="copy.pdf", caption="Back to you")

    app = application(fake)
    app.add_handler(MessageHandler(filters.Document.ALL, document))
    fake.user(id=BEN, first_name="Ben").send_document("brief.pdf", content, caption="The brief")

    async with polling(app):
        echoed = await fake.wait_for(lambda: fake.last_message(BEN))

    assert downloads == [("brief.pdf", "application/pdf", "The brief", content)]
    assert echoed["caption"] == "Back to you" and echoed["document"]["file_name"] == "copy.pdf"
    assert fake.file_content(echoed["document"]["file_id"]) == content  # the multipart upload kept every byte


async def test_a_stars_payment_goes_from_invoice_to_successful_payment_and_refund(fake):
    events = []

    async def precheckout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.pre_checkout_query
        events.append(("pre_checkout", query.invoice_payload, query.total_amount, query.currency))
        await query.answer(ok=True)

    async def paid(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payment = update.message.successful_payment
        events.append(("paid", payment.invoice_payload, payment.total_amount))
        await context.bot.refund_star_payment(update.effective_user.id, payment.telegram_payment_charge_id)

    app = application(fake)
    app.add_handler(PreCheckoutQueryHandler(precheckout))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, paid))
    ben = fake.user(id=BEN, first_name="Ben")
    ben.send("/start")

    async with polling(app):
        invoice = await app.bot.send_invoice(BEN, title="Logo design", description="Order #7", payload="order:7",
                                             currency="XTR", prices=[LabeledPrice("Logo", 250)])
        assert invoice.invoice.total_amount == 250
        charge_id = ben.pay(fake.last_message(BEN))
        await fake.wait_for_request("refundStarPayment")

    assert events == [("pre_checkout", "order:7", 250, "XTR"), ("paid", "order:7", 250)]
    assert fake.pre_checkout_answers[0]["ok"] is True
    assert fake.refunds == [{"user_id": BEN, "telegram_payment_charge_id": charge_id}]
    assert fake.payment(charge_id)["refunded"] is True


async def test_a_pre_checkout_answered_too_late_brings_no_payment(fake):
    refused = []

    async def precheckout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await update.pre_checkout_query.answer(ok=True)
        except BadRequest as exc:
            refused.append(str(exc))

    app = application(fake)
    app.add_handler(PreCheckoutQueryHandler(precheckout))
    fake.pre_checkout_timeout = 0
    fake.user(id=BEN, first_name="Ben").pay("order:8", 100)

    async with polling(app):
        await fake.wait_for(lambda: refused)

    assert refused == ["Query is too old and response timeout expired or query id is invalid"]
    assert fake.payments == [] and fake.pending_updates == 0


async def test_users_who_never_started_the_bot_or_blocked_it_are_forbidden(fake):
    fake.user(id=BEN, first_name="Ben")
    app = fake.builder().build()  # the same Application.builder() chain, from the fake
    async with fake.polling(app):  # initialize, start, start_polling(poll_interval=0, timeout=1), then shutdown
        with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
            await app.bot.send_message(BEN, "hello")
        fake.start_chat(BEN)
        await app.bot.send_message(BEN, "hello")
        fake.block(BEN)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(BEN, "still there?")
        await fake.wait_for(lambda: fake.pending_updates == 0)  # the my_chat_member update was fetched

    assert fake.updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    assert [m["text"] for m in fake.sent_to(BEN)] == ["hello"]


async def test_a_bot_with_topic_mode_opens_a_topic_in_a_private_chat_sends_into_it_and_reads_replies_written_in_it():
    seen = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append((update.message.message_thread_id, update.message.is_topic_message, update.message.text))

    with FakeTelegram(topics_enabled=True) as fake:
        ben = fake.user(BEN, "Ben")
        ben.send("hello")
        app = application(fake)
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with polling(app):
            assert app.bot.bot.has_topics_enabled is True
            topic = await app.bot.create_forum_topic(BEN, "#12 Logo design")
            sent = await app.bot.send_message(BEN, "Your order", message_thread_id=topic.message_thread_id)
            await app.bot.send_message(BEN, "Outside")
            ben.send("About the logo", topic=topic.message_thread_id)
            await fake.wait_for(lambda: seen[1:])
            await app.bot.edit_forum_topic(BEN, topic.message_thread_id, name="✓ #12 Logo design")
            with pytest.raises(BadRequest, match="only for supergroups"):
                await app.bot.close_forum_topic(BEN, topic.message_thread_id)
            with pytest.raises(BadRequest, match="thread not found"):
                await app.bot.send_message(BEN, "Lost", message_thread_id=topic.message_thread_id + 100)
            with pytest.raises(BadRequest, match="(?i)topic_title_invalid"):
                await app.bot.create_forum_topic(BEN, "x" * 129)

    assert topic.name == "#12 Logo design" and sent.message_thread_id == topic.message_thread_id
    assert sent.is_topic_message is True
    assert seen[1] == (topic.message_thread_id, True, "About the logo") and seen[0] == (None, None, "hello")
    assert [m["text"] for m in fake.in_topic(BEN, topic.message_thread_id)] == ["Your order"]
    assert [m["text"] for m in fake.in_topic(BEN, None)] == ["Outside"]
    assert fake.topics(BEN) == {topic.message_thread_id: {"name": "✓ #12 Logo design", "icon_color": 0x6FB9F0,
                                                           "is_closed": False}}


async def test_a_bot_without_topic_mode_is_refused_a_topic_in_a_private_chat_and_says_so_in_get_me(fake):
    fake.user(BEN, "Ben").send("hello")
    app = application(fake)
    async with polling(app):
        assert not app.bot.bot.has_topics_enabled
        with pytest.raises(BadRequest, match="not a forum"):
            await app.bot.create_forum_topic(BEN, "#12 Logo design")
        with pytest.raises(BadRequest, match="thread not found"):
            await app.bot.send_message(BEN, "In a topic", message_thread_id=2)
    assert fake.topics(BEN) == {} and fake.sent_to(BEN) == []
