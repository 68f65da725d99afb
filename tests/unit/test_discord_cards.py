"""An order's card on Discord is one Components V2 container that Discord accepts at every stage and for every
reader, however long what people wrote: exactly core's buttons under their usual custom ids, people's words as
words, dates as live timestamps."""

from dataclasses import replace

import discord
import pytest
from simcord.components import validate_message_state

from bots.discord import custom_ids as ids
from bots.discord.cards import COMPONENTS, TEXT, card_layout, layout
from core.card import order_card
from core.i18n import Text
from core.model import Stage
from tests.fakes.discord_messages import controls, labels, read
from tests.unit.orders import BUYER, MODERATOR, SELLER, at_stage

V2 = 1 << 15
STAGES = [Stage.PENDING, Stage.IN_PROGRESS, Stage.DELIVERED, Stage.REVISION_REQUESTED, Stage.REVISION_REFUSED,
          Stage.DISPUTED, Stage.COMPLETED]


def sent(view: discord.ui.LayoutView) -> dict:
    """The message as discord.py sends it, once Discord (as simcord checks it) has accepted it."""
    components = view.to_components()
    validate_message_state(components, flags=V2, content=None, embeds=[])
    return {"content": "", "embeds": [], "components": components, "flags": V2}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_readers_card_at_every_stage_is_one_container_discord_accepts_with_exactly_cores_buttons(stage, lang):
    story = at_stage(stage)
    for viewer in (BUYER, SELLER, MODERATOR):
        card = order_card(story.order, viewer, story.now, story.settings)
        for expanded in (False, True):
            message = sent(card_layout(card, lang, expanded))
            [container] = message["components"]
            assert container["type"] == 17
            shown = card.buttons if expanded else card.main_buttons
            more = [ids.more(card.order_id)] if card.more_buttons and not expanded else []
            assert sorted(c["custom_id"] for c in controls(message)) == sorted(
                [b.data for b in shown] + more + [link.data for link in card.links])
            assert f"#{card.order_id}" in read(message).partition("\n")[0]


def test_a_card_with_a_long_brief_and_many_notes_is_cut_to_discords_4000_characters_and_keeps_its_buttons():
    story = at_stage(Stage.DISPUTED)
    card = order_card(story.order, MODERATOR, story.now, story.settings)
    card = replace(card, brief="b" * 5_000, notes=tuple(Text.of("n" * 300) for _ in range(20)))
    view = card_layout(card, "en")
    assert view.content_length() <= TEXT and view.total_children_count <= COMPONENTS
    message = sent(view)
    assert labels(message)[0] == "Show the brief" and "Take this dispute" in labels(message)
    assert "…" in read(message)


def test_the_card_gives_the_dates_as_live_discord_timestamps_and_the_amount_under_the_title():
    story = at_stage(Stage.IN_PROGRESS)
    card = order_card(story.order, SELLER, story.now, story.settings)
    text = read(sent(card_layout(card, "fr")))
    due = int(card.dates[-1][1].timestamp())
    assert f"<t:{due}:R> (<t:{due}:f>)" in text
    title, amount = text.splitlines()[:2]
    assert title.startswith(f"### Commande #{card.order_id}") and amount.startswith("**") and "€" in amount
    assert text.endswith("→ Livrez avant l'échéance.")


def test_peoples_words_on_a_card_are_shown_as_words():
    story = at_stage(Stage.PENDING)
    card = replace(order_card(story.order, SELLER, story.now, story.settings), title="**Free** @everyone",
                   brief="# Urgent [pay here](https://evil.example)")
    text = read(sent(card_layout(card, "en")))
    assert "**Free**" not in text and "@everyone" not in text and "\\*\\*Free\\*\\*" in text
    assert "\\[pay here](https://evil.example)" in text  # a link's words, not a link masked by them


def test_a_text_beside_its_button_is_a_section_and_buttons_go_five_to_a_row():
    buttons = [discord.ui.Button(label=str(n), custom_id=f"b{n}") for n in range(7)]
    message = sent(layout([["One", ("Two", discord.ui.Button(label="Beside", custom_id="beside"))], ["Three"]],
                          buttons))
    [container] = message["components"]
    assert [c["type"] for c in container["components"]] == [10, 9, 14, 10, 1, 1]
    assert [len(row["components"]) for row in container["components"][-2:]] == [5, 2]
    assert labels(message) == ["Beside", *map(str, range(7))]
