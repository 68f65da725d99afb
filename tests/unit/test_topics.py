"""An order's topic: its name within the platform's limit, and the notice after which it closes."""

from core.conversations import closes_topic, topic_name
from core.deadlines import CHAT_ENDED
from core.i18n import N_, Text


def test_a_topic_is_named_with_the_order_s_number_and_title_cut_to_the_platform_s_limit():
    assert topic_name("AB12", "Logo design", 128) == "#AB12 Logo design"
    long = topic_name("AB12", "x" * 300, 128)
    assert len(long) == 128 and long.startswith("#AB12 xxx")


def test_only_the_notice_that_ends_the_order_s_chat_closes_its_topic():
    assert closes_topic(Text.of(CHAT_ENDED, order="AB12"))
    assert not closes_topic(Text.of(N_("Message from the {role} on order #{order}: {text}"), role="buyer",
                                    order="AB12", text="hi"))
