"""A long text is sent over several messages, split where a reader would (a paragraph, a line, a space), never cut
and never reordered; short parts share a message."""

from hypothesis import given, strategies as st

from bots.render import pack

WORDS = st.text(alphabet=st.sampled_from("abcdéf🙂"), min_size=1, max_size=30)
TEXTS = st.lists(st.tuples(WORDS, st.sampled_from([" ", "\n", "\n\n"])), max_size=200).map(
    lambda pairs: "".join(word + gap for word, gap in pairs).strip())


@given(st.lists(TEXTS, min_size=1, max_size=4), st.integers(min_value=40, max_value=500))
def test_every_word_arrives_in_order_and_no_message_is_longer_than_the_limit(parts, limit):
    messages = pack(parts, limit)
    assert all(len(message) <= limit for message in messages)
    assert " ".join(messages).split() == " ".join(parts).split()  # words of ≤ 30 characters are never cut


def test_a_long_brief_is_split_at_its_paragraphs_and_short_parts_share_one_message():
    brief = "\n\n".join(["Paragraph one, a little long."] * 3)
    two = "Paragraph one, a little long.\n\nParagraph one, a little long."
    assert pack(["Order #A1", brief], 70) == ["Order #A1", two, "Paragraph one, a little long."]
    assert pack(["a", "b"], 4096) == ["a\n\nb"]


def test_a_word_longer_than_a_message_is_split_inside_it_without_losing_a_character():
    assert pack(["x" * 25], 10) == ["x" * 10, "x" * 10, "x" * 5]
