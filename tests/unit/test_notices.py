"""What each reader is told: their own words (second person), the money that moved for them, and the content
the action carried (the brief, the delivery's message, the reasons), whole and masked like the chat."""

from zoneinfo import ZoneInfo

from core.card import MORE, PRIMARY, brief_of, order_card, render_text
from core.model import Action, Payload, Role, Stage
from core.settings import Settings
from tests.unit.orders import BUYER, MODERATOR, SELLER, STRANGER, at_stage, ordered


def told(outcome, role: Role, lang: str = "en"):
    """(text, quotes as 'label: words', files) of the notice this role received."""
    [notice] = [n for n in outcome.notices if n.to is role]
    return (notice.text.render(lang), [f"{q.label.render(lang)}: {q.text}" for q in notice.quotes], notice.files)


def test_the_seller_receives_the_brief_and_its_files_with_the_new_order():
    story = ordered(brief="A fox holding a croissant.")
    text, quotes, _ = told(story.last, Role.SELLER)
    assert text.startswith("New order #A1") and "€100.00 paid and held" in text
    assert quotes == ["The brief: A fox holding a croissant."]
    assert [n.to for n in story.last.notices] == [Role.SELLER]


def test_an_order_paid_without_a_brief_asks_the_buyer_for_it_and_tells_the_seller_to_wait():
    story = ordered(brief="")
    buyer_text, _, _ = told(story.last, Role.BUYER)
    seller_text, seller_quotes, _ = told(story.last, Role.SELLER)
    assert "only once you have written the brief" in buyer_text
    assert "has not written the brief yet" in seller_text and seller_quotes == []


def test_the_first_brief_tells_the_seller_they_can_now_accept_and_carries_it_whole():
    story = ordered(brief="")
    outcome = story.do(Action.EDIT_BRIEF, BUYER, Payload(text="x" * 3000, files=("ref.png",)))
    text, quotes, files = told(outcome, Role.SELLER)
    assert "wrote the brief" in text and "can now accept" in text
    assert quotes == ["The brief: " + "x" * 3000] and files == ("ref.png",)


def test_an_edited_brief_reaches_the_seller_whole_not_only_its_new_file():
    story = ordered(brief="A fox.")
    outcome = story.do(Action.EDIT_BRIEF, BUYER, Payload(text="A fox and a croissant.", files=("fox.png",)))
    text, quotes, files = told(outcome, Role.SELLER)
    assert "updated the brief" in text
    assert quotes == ["The brief: A fox and a croissant."] and files == ("fox.png",)


def test_the_buyer_reads_the_delivery_message_with_its_files():
    story = at_stage(Stage.IN_PROGRESS)
    outcome = story.do(Action.DELIVER, SELLER, Payload(text="Here is v1 of your logo", files=("logo.svg",)))
    text, quotes, files = told(outcome, Role.BUYER)
    assert text.startswith("Order #A1 was delivered")
    assert quotes == ["The seller's message: Here is v1 of your logo"] and files == ("logo.svg",)


def test_a_decline_tells_the_buyer_they_are_refunded_and_how_much_with_the_sellers_reason():
    story = ordered(tip=1_000)
    outcome = story.do(Action.DECLINE, SELLER, Payload(text="I am fully booked."))
    text, quotes, _ = told(outcome, Role.BUYER)
    assert text == "Order #A1: the seller declined your order. You are refunded in full: €110.00."
    assert quotes == ["Their reason: I am fully booked."]


def test_the_seller_is_told_what_they_are_paid_after_the_commission():
    story = at_stage(Stage.DELIVERED, settings=Settings(commission_basis_points=1_000))
    text, _, _ = told(story.do(Action.COMPLETE, BUYER), Role.SELLER)
    assert text == ("Order #A1 is completed: you are paid €90.00 (€100.00 less the platform's commission of "
                    "€10.00).")


def test_a_completion_with_a_review_carries_the_review_to_the_seller():
    story = at_stage(Stage.DELIVERED)
    text, quotes, _ = told(story.do(Action.COMPLETE, BUYER, Payload(positive=True, text="Lovely work")),
                           Role.SELLER)
    assert "you are paid €100.00" in text and "positive review" in text
    assert quotes == ["Their review: Lovely work"]


def test_every_reason_reaches_the_other_party():
    story = at_stage(Stage.IN_PROGRESS)
    asked = story.do(Action.REQUEST_CANCELLATION, BUYER, Payload(text="I found a template."))
    assert told(asked, Role.SELLER)[1] == ["Their reason: I found a template."]
    refused = story.do(Action.REFUSE_CANCELLATION, SELLER, Payload(text="Half is done."))
    assert told(refused, Role.BUYER)[1] == ["Their reason: Half is done."]
    story.do(Action.DELIVER, SELLER, Payload(text="v1"))
    revision = story.do(Action.REQUEST_REVISION, BUYER, Payload(text="A bigger fox."))
    assert told(revision, Role.SELLER)[1] == ["What to change: A bigger fox."]
    refusal = story.do(Action.REFUSE_REVISION, SELLER, Payload(text="Not in the brief."))
    assert told(refusal, Role.BUYER)[1] == ["Their reason: Not in the brief."]
    dispute = story.do(Action.OPEN_DISPUTE, BUYER, Payload(text="We cannot agree."))
    assert told(dispute, Role.SELLER)[1] == ["Their reason: We cannot agree."]
    assert told(dispute, Role.MODERATOR)[0] == "New dispute on order #A1, opened by the buyer. Take it to mediate."


def test_a_moderators_split_tells_each_party_their_share_and_the_reason():
    story = at_stage(Stage.DISPUTED)
    story.do(Action.TAKE_DISPUTE, MODERATOR)
    outcome = story.do(Action.SPLIT, MODERATOR, Payload(text="Half was done.", amount=4_000))
    buyer_text, buyer_quotes, _ = told(outcome, Role.BUYER)
    seller_text, _, _ = told(outcome, Role.SELLER)
    assert "€40.00 is refunded to you" in buyer_text and buyer_quotes == ["The moderator's reason: Half was done."]
    assert "you are paid €60.00" in seller_text and "buyer is refunded €40.00" in seller_text


def test_contact_details_in_a_reason_are_masked_for_the_other_party():
    story = at_stage(Stage.IN_PROGRESS)
    outcome = story.do(Action.REQUEST_CANCELLATION, BUYER, Payload(text="Mail me at ben@example.com"))
    assert told(outcome, Role.SELLER)[1] == ["Their reason: Mail me at […]"]
    assert story.order.cancellation_reason == "Mail me at ben@example.com"  # kept as written for the evidence


def test_notices_are_written_in_french_for_a_french_reader():
    story = at_stage(Stage.IN_PROGRESS)
    text, quotes, _ = told(story.do(Action.DELIVER, SELLER, Payload(text="Voici")), Role.BUYER, "fr")
    assert text.startswith("La commande #A1 a été livrée") and quotes == ["Le message du vendeur: Voici"]


# the card

def test_the_card_shows_the_start_of_the_brief_and_a_button_for_the_whole_of_it():
    story = ordered(brief="word " * 100)
    card = order_card(story.order, SELLER, story.now, story.settings)
    assert card.brief.endswith("…") and len(card.brief) <= 161 and card.brief_more
    assert [link.data for link in card.links] == ["x:brief:A1"]
    assert "Brief: “word word" in render_text(card, "en", ZoneInfo("UTC"), story.now)
    assert order_card(story.order, STRANGER, story.now, story.settings).links == ()


def test_the_whole_brief_is_given_to_the_parties_and_moderators_masked_for_the_seller_only():
    story = ordered(brief="Call me on 06 12 34 56 78")
    assert brief_of(story.order, SELLER, story.settings).text == "Call me on […]"
    assert brief_of(story.order, BUYER, story.settings).text == "Call me on 06 12 34 56 78"
    assert brief_of(story.order, MODERATOR, story.settings).text == "Call me on 06 12 34 56 78"
    assert brief_of(story.order, STRANGER, story.settings) is None


def test_without_a_brief_the_seller_reads_why_there_is_no_accept_and_the_buyer_is_asked_to_write_it():
    story = ordered(brief="")
    seller = order_card(story.order, SELLER, story.now, story.settings)
    buyer = order_card(story.order, BUYER, story.now, story.settings)
    assert "Waiting for the buyer's brief" in seller.next_step.render("en")
    assert [b.label.render("en") for b in seller.buttons] == ["Decline"]
    assert buyer.buttons[0].label.render("en") == "Write the brief" and buyer.buttons[0].rank == PRIMARY


def test_after_a_delivery_the_buyer_sees_complete_first_and_the_rare_actions_one_tap_further():
    story = at_stage(Stage.DELIVERED)
    card = order_card(story.order, BUYER, story.now, story.settings)
    assert [b.label.render("en") for b in card.main_buttons] == ["Complete", "Request a revision"]
    assert card.main_buttons[0].rank == PRIMARY
    assert [b.label.render("en") for b in card.more_buttons] == ["Report an empty or fake delivery",
                                                                 "Open a dispute"]
    assert all(b.rank == MORE for b in card.more_buttons)


def test_a_card_whose_buttons_are_all_rare_shows_them_at_once():
    story = at_stage(Stage.IN_PROGRESS)
    card = order_card(story.order, MODERATOR, story.now, story.settings)
    assert [b.label.render("en") for b in card.main_buttons] == ["Freeze"] and card.more_buttons == ()


def test_the_sellers_card_shows_their_payout_when_a_commission_applies():
    story = at_stage(Stage.IN_PROGRESS, settings=Settings(commission_basis_points=1_000))
    card = order_card(story.order, SELLER, story.now, story.settings)
    assert card.payout == 9_000
    assert "Your payout: €90.00" in render_text(card, "en", ZoneInfo("UTC"), story.now)
    assert order_card(story.order, BUYER, story.now, story.settings).payout is None

