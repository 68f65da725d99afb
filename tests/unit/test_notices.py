"""What each reader is told: their own words (second person), the money that moved for them, and the content
the action carried (the brief, the delivery's message, the reasons), whole and masked like the chat."""

from zoneinfo import ZoneInfo

from core.card import MORE, PRIMARY, brief_of, order_card, render_text
from core.model import SYSTEM, Action, Deadline, Payload, Role, Stage
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



# extension requests

def asked_for_more_time(story, days: int = 3, reason: str = "The fox needs more fur."):
    return story.do(Action.REQUEST_EXTENSION, SELLER, Payload(text=reason, days=days))


def test_the_buyer_reads_the_days_asked_the_deadline_they_would_give_when_to_answer_and_the_sellers_reason():
    story = at_stage(Stage.IN_PROGRESS)  # accepted 2025-03-03 11:00 UTC, 5 days to deliver
    text, quotes, _ = told(asked_for_more_time(story), Role.BUYER)
    assert text == ("Order #A1: the seller asks for an extension of 3 days to deliver: the delivery deadline would "
                    "move to 2025-03-11 11:00 UTC. Accept or decline it before 2025-03-05 11:00 UTC; without an "
                    "answer, it is declined.")
    assert quotes == ["Their reason: The fox needs more fur."]
    assert [n.to for n in story.last.notices] == [Role.BUYER]


def test_the_buyer_of_a_late_order_reads_that_an_extension_counts_from_their_yes_and_that_they_may_cancel():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    text, _, _ = told(asked_for_more_time(story, days=1), Role.BUYER)
    assert "is late, and the seller asks for an extension of 1 day to deliver, counted from when you accept" in text
    assert "cancel the late order for a full refund" in text


def test_the_seller_reads_the_new_deadline_once_the_buyer_accepts():
    story = at_stage(Stage.IN_PROGRESS)
    asked_for_more_time(story)
    text, quotes, _ = told(story.do(Action.ACCEPT_EXTENSION, BUYER), Role.SELLER)
    assert text == ("Order #A1: the buyer accepted your extension of 3 days. The new delivery deadline is "
                    "2025-03-11 11:00 UTC.")
    assert quotes == []


def test_the_seller_reads_the_buyers_reason_for_declining_and_where_the_deadline_stands():
    story = at_stage(Stage.IN_PROGRESS)
    asked_for_more_time(story)
    text, quotes, _ = told(story.do(Action.DECLINE_EXTENSION, BUYER, Payload(text="The fair is on Saturday.")),
                           Role.SELLER)
    assert text == ("Order #A1: the buyer declined your extension request. The delivery deadline stays "
                    "2025-03-08 11:00 UTC.")
    assert quotes == ["Their reason: The fair is on Saturday."]


def test_a_lapsed_extension_request_tells_each_side_it_is_declined_and_what_to_do_on_a_late_order():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    asked_for_more_time(story)
    outcome = story.do(Action.EXTENSION_ANSWER_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.EXTENSION_ANSWER))
    buyer, _, _ = told(outcome, Role.BUYER)
    seller, _, _ = told(outcome, Role.SELLER)
    assert buyer.startswith("Order #A1: you did not answer the seller's extension request in time, so it is declined.")
    assert buyer.endswith("The order is still late: you can cancel it for a full refund, or keep waiting.")
    assert seller.endswith("so it is declined. The order is still late: deliver as soon as you can.")


def test_the_new_deadline_is_written_in_the_readers_language_and_time_zone():
    story = at_stage(Stage.IN_PROGRESS)
    [notice] = asked_for_more_time(story).notices
    text = notice.text.render("fr", ZoneInfo("Europe/Paris"))
    assert "la livraison serait alors attendue le 11/03/2025 12:00" in text
    assert "avant le 05/03/2025 12:00" in text and "UTC" not in text


def test_the_buyers_card_puts_accepting_the_extension_first_and_shows_the_request_masked():
    story = at_stage(Stage.IN_PROGRESS)
    asked_for_more_time(story, reason="Call me on 06 12 34 56 78")
    card = order_card(story.order, BUYER, story.now, story.settings)
    assert [b.label.render("en") for b in card.main_buttons][:2] == ["Accept the extension", "Decline the extension"]
    assert card.main_buttons[0].rank == PRIMARY
    assert "Extension requested: 3 days (“Call me on […]”)" in [n.render("en") for n in card.notes]
    assert card.next_step.render("en") == "The seller asks for more time: accept or decline their extension request."
    text = render_text(card, "en", ZoneInfo("UTC"), story.now)
    assert "Answer to the extension due: 2025-03-05 11:00, in 2 d" in text
    seller = order_card(story.order, SELLER, story.now, story.settings)
    assert seller.next_step.render("en") == "You asked for more time: keep working while the buyer answers."
    assert "Ask for more time" not in [b.label.render("en") for b in seller.buttons]  # one request at a time


def test_asking_for_more_time_waits_behind_more_until_the_order_is_late():
    story = at_stage(Stage.IN_PROGRESS)
    card = order_card(story.order, SELLER, story.now, story.settings)
    assert "Ask for more time" in [b.label.render("en") for b in card.more_buttons]
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    card = order_card(story.order, SELLER, story.now, story.settings)
    assert [b.label.render("en") for b in card.main_buttons] == ["Deliver", "Ask for more time", "Cancel the order"]
