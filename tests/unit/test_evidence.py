"""The evidence bundle: everything a moderator needs to decide, laid out from the order, its log and its chat."""

from zoneinfo import ZoneInfo

from bots.evidence import FLAG, evidence_text, filename
from core.chat import ChatMessage
from core.model import Action, Payload, Role
from tests.unit.orders import BUYER, HOUR, MODERATOR, SELLER, ordered

NAMES = {BUYER.account: "Ben", SELLER.account: "Ana", MODERATOR.account: "Mo"}
PARIS = ZoneInfo("Europe/Paris")


def disputed_story():
    story = ordered(brief="A fox with a croissant", tip=1_000).accepted()
    story.do(Action.DELIVER, SELLER, Payload(text="Here it is.\nTwo versions.", files=("tg:doc:F1:fox.svg",)),
             after=HOUR)
    story.do(Action.REQUEST_REVISION, BUYER, Payload(text="Smaller croissant"), after=HOUR)
    story.do(Action.OPEN_DISPUTE, SELLER, Payload(text="Endless revisions"), after=HOUR)
    story.do(Action.TAKE_DISPUTE, MODERATOR, after=HOUR)
    return story


def chat(story):
    at = story.now
    return [
        ChatMessage("A1", BUYER.account, Role.BUYER, "telegram", "Hello, any news?", (), False, at),
        ChatMessage("A1", SELLER.account, Role.SELLER, "telegram", "Mail me at […]", ("tg:photo:P1:photo.jpg",), True,
                    at + HOUR),
    ]


def bundle(story, lang="en"):
    events = [e for outcome in story.outcomes for e in outcome.events]
    return evidence_text(story.order, events, chat(story), NAMES, lang, PARIS, story.now)


def test_the_bundle_names_the_parties_and_sums_up_money_and_dates_in_the_moderators_zone():
    story = disputed_story()
    text = bundle(story)
    assert text.startswith("Evidence — order #A1 — A logo for your shop\n")
    assert "Buyer: Ben (buyer)" in text and "Seller: Ana (seller)" in text
    assert "Paid: €110.00 (price €100.00, tip €10.00)" in text and "Held in escrow: €110.00" in text
    assert "Paid on: 2025-03-03 10:00" in text  # 09:00 UTC in Paris
    assert "times are in Europe/Paris" in text
    assert "Dispute opened by Ana (seller) on 2025-03-03 15:00: “Endless revisions”" in text
    assert "Taken by: Mo (moderator)" in text


def test_the_timeline_gives_every_event_with_who_what_the_stages_and_what_was_said():
    text = bundle(disputed_story())
    timeline = text.split("Timeline\n========\n")[1].split("\n\nBrief")[0].splitlines()
    assert timeline[0] == "2025-03-03 10:00 — Ben (buyer) — Place the order — → waiting for acceptance"
    assert "Ana (seller) — Open a dispute — revision requested → in dispute" in timeline[-3]
    assert timeline[-2] == "    “Endless revisions”"
    assert timeline[-1].endswith("Mo (moderator) — Take this dispute — in dispute → in dispute")
    assert "    “Here it is." in timeline and "    Two versions.”" in timeline
    assert "    Files: fox.svg (tg:doc:F1:fox.svg)" in timeline


def test_the_brief_deliveries_and_chat_are_all_there_with_flagged_messages_marked():
    text = bundle(disputed_story())
    assert "Brief\n=====\n    A fox with a croissant\n" in text
    assert "1. 2025-03-03 13:00 (on time)\n    Here it is.\n    Two versions.\n    Files: fox.svg" in text
    assert "2025-03-03 16:00 — Ben (buyer):\n    Hello, any news?" in text
    assert f"{FLAG} 2025-03-03 17:00 — Ana (seller):\n    Mail me at […]\n    Files: photo.jpg" in text
    assert text.count(FLAG) == 2  # the legend and the one flagged message


def test_a_split_decision_shows_the_amount_given_back_and_the_reason():
    story = disputed_story()
    story.do(Action.SPLIT, MODERATOR, Payload(text="Half was done", amount=4_000), after=HOUR)
    text = bundle(story)
    assert "“Half was done”\n    To the buyer: €40.00; the rest to the seller." in text


def test_the_bundle_speaks_the_moderators_language():
    text = bundle(disputed_story(), lang="fr")
    assert "Client\u00a0: Ben (client)" in text
    assert "03/03/2025 10:00" in text
    assert "Historique" in text


def test_an_empty_chat_and_a_missing_delivery_are_said_not_left_blank():
    story = ordered(brief="")
    text = evidence_text(story.order, list(story.last.events), [], {}, "en", PARIS, story.now)
    assert "(empty)" in text and "Nothing was delivered." in text and "No messages." in text
    assert "Buyer: alice (buyer)" in text  # an unknown name falls back to the account id


def test_the_file_is_named_after_the_order():
    assert filename("A1") == "order-A1-evidence.txt"


def test_the_timeline_tells_more_time_asked_and_given_apart_from_a_new_delivery_time():
    story = ordered().accepted()
    story.do(Action.REQUEST_EXTENSION, SELLER, Payload(text="The fox needs more fur.", days=3), after=HOUR)
    story.do(Action.ACCEPT_EXTENSION, BUYER, after=HOUR)
    story.do(Action.OPEN_DISPUTE, BUYER, Payload(text="Still nothing"), after=HOUR)
    timeline = bundle(story).split("Timeline\n========\n")[1].split("\n\nBrief")[0].splitlines()
    assert "    “The fox needs more fur.”" in timeline
    assert "    More time asked: 3 days" in timeline
    # accepted 11:00 UTC with 5 days to deliver, then 3 more: 2025-03-11 11:00 UTC is 12:00 in Paris
    assert "    More time given: 3 days; delivery now due 2025-03-11 12:00" in timeline
    assert not any("New delivery time" in line for line in timeline)
