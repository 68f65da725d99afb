"""Live dates: core writes each date as plain text, the adapters show it their platform's way — on Telegram a
date_time entity wrapping that text (its offsets in UTF-16 code units), on Discord a timestamp."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bots.render import countdowns, live, notice_parts, pack, stamps
from bots.telegram.messages import utf16, with_entities
from core.card import order_card, render_text
from core.engine import place_order
from core.i18n import Moment, Text
from core.model import Deadline, Offer, Role, Viewer
from core.ports import Outgoing
from core.settings import Settings

S = Settings()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUYER, SELLER = Viewer("ben"), Viewer("ana")
OFFER = Offer("logo", "ana", "Logo 🦊 renard", "", 10_000, "EUR", 3)


def pending():
    return place_order("X1", OFFER, BUYER, T0, S, paid=10_000, brief="A fox").order


def entity_texts(text):
    """Each entity's text as Telegram cuts it out of the message, by UTF-16 offsets, and the entity."""
    shown, entities = with_entities(text)
    units = shown.encode("utf-16-le")
    return [(units[2 * e.offset:2 * (e.offset + e.length)].decode("utf-16-le"), e) for e in entities or []]


def test_a_card_deadline_is_a_date_entity_and_a_countdown_entity_after_an_emoji_of_the_astral_planes():
    order = pending()
    due = order.deadline(Deadline.ACCEPTANCE)
    card = render_text(order_card(order, SELLER, T0, S), "en", ZoneInfo("Europe/Paris"), T0, mark=live)
    text, _ = with_entities(card)
    assert text == render_text(order_card(order, SELLER, T0, S), "en", ZoneInfo("Europe/Paris"), T0)  # same words
    assert utf16(text) > len(text)  # the fox before the dates counts twice in UTF-16
    found = entity_texts(card)
    deadline = [(cut, e) for cut, e in found if e.unix_time == due]
    assert [(cut, e.date_time_format) for cut, e in deadline] == [("2026-03-04 10:00", None), ("in 2 d", "r")]
    assert all(e.type == "date_time" for _, e in found)
    paid = [cut for cut, e in found if e.unix_time == T0]
    assert paid == ["2026-03-02 10:00"]  # now: a date without a countdown


def test_in_french_the_countdown_entity_wraps_dans_and_the_date_as_french_writes_it():
    order = pending()
    card = render_text(order_card(order, SELLER, T0 + timedelta(hours=2), S), "fr", ZoneInfo("Europe/Paris"),
                       T0 + timedelta(hours=2), mark=live)
    found = [(cut, e.date_time_format) for cut, e in entity_texts(card)
             if e.unix_time == order.deadline(Deadline.ACCEPTANCE)]
    assert found == [("04/03/2026 10:00", None), ("dans 1 j 22 h", "r")]
    assert "Acceptation attendue : 04/03/2026 10:00, dans 1 j 22 h" in with_entities(card)[0]


def test_a_notice_with_a_new_deadline_carries_its_countdown_above_the_card():
    due = T0 + timedelta(days=4, hours=1)
    message = Outgoing(dedupe_key="k", platform="telegram", chat_id="1", account_id="ana", language="en", role=Role.SELLER,
                       order_id=None, text=Text.of("📅 The delivery deadline stays {due}.", due=Moment(due)),
                       timezone="Europe/Paris", timezone_set=True)
    [notice] = notice_parts(message, None, T0, live)
    assert with_entities(notice)[0] == "📅 The delivery deadline stays 2026-03-06 11:00, in 4 d 1 h."
    assert [(cut, e.offset) for cut, e in entity_texts(notice)] == [("2026-03-06 11:00", 31), ("in 4 d 1 h", 49)]
    assert stamps(notice, lambda at, text, countdown: f"<t:{int(at.timestamp())}:{'R' if countdown else 'f'}>") == \
        f"📅 The delivery deadline stays <t:{int(due.timestamp())}:f>, <t:{int(due.timestamp())}:R>."


def test_a_date_split_between_two_messages_leaves_no_mark_and_no_entity_behind():
    text = "word " * 5 + live(T0, "2026-03-02 10:00", False) + " end"
    first, second = pack([text], 60)
    assert with_entities(first) == ("word word word word word 2026-03-02", None)
    assert with_entities(second) == ("10:00 end", None)


def test_marks_typed_by_a_person_stay_as_typed_and_become_no_date():
    forged = "\ue000cafe:0:r\ue001soon\ue002cafe\ue002"
    assert countdowns(forged) == (forged, [])
    assert with_entities(forged) == (forged, None)
