"""Discord's custom ids, written in one module (bots/discord/custom_ids.py) and matched to their routes in one
module (bots/discord/routes.py): the ids already sent in old messages are still read back by the same route."""

import pytest

from bots.discord import custom_ids as ids
from bots.discord import routes
from core.buttons import ButtonData
from core.model import Action

#: custom ids exactly as earlier versions of the bot wrote them, and the route that answers each
SENT_BEFORE = [
    ("o:5ZE48TKF:accept:1", routes.OrderButton), ("x:orders:act:0", routes.OrdersPage),
    ("x:page:closed:2", routes.OrdersPage), ("x:card:5ZE48TKF", routes.CardLink),
    ("x:brief:5ZE48TKF", routes.BriefButton), ("x:more:5ZE48TKF", routes.MoreButton),
    ("p:ok:ck_1", routes.PaymentButton), ("x:evidence:5ZE48TKF", routes.EvidenceButton),
    ("x:disputes:3", routes.DisputesPage), ("x:route", routes.RouteSelect), ("d:ask:OFF1", routes.DiscussionButton),
    ("d:custom:disc-9", routes.DiscussionButton), ("c:pay:cu_2", routes.CustomOfferButton),
    ("l:no:AB12CD", routes.LinkButton), ("f:pause:OFF1", routes.SellerButton),
    ("f:questions:OFF1", routes.QuestionsSelect), ("f:order:OFF1", routes.OrderOffer),
    ("b:confirm:a1b2c3", routes.CheckoutControl),
]


def route_of(custom_id: str):
    found = [item for item in routes.PERSISTENT if item.__discord_ui_compiled_template__.fullmatch(custom_id)]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize("custom_id, route", SENT_BEFORE)
def test_an_id_sent_by_an_earlier_version_is_answered_by_the_same_route(custom_id, route):
    assert route_of(custom_id) is route


def test_every_id_the_bot_writes_is_answered_by_one_route():
    written = [ids.orders("open"), ids.page("act", 1), ids.card("A1"), ids.more("A1"), ids.evidence("A1"),
               ids.disputes(0), ids.ask("OFF1"), ids.link("ok", "AB12"), ids.seller("share", "OFF1"),
               ids.questions("OFF1"), ids.order_offer("OFF1"), ids.checkout("tip", "f1"), ids.ROUTE]
    assert [route_of(custom_id) is not None for custom_id in written] == [True] * len(written)


def test_a_modal_id_reads_back_what_it_was_opened_from():
    pressed = ButtonData("5ZE48TKF", Action.DELIVER, 3)
    assert ids.action_form(42, pressed) == "m:42:" + pressed.encode()
    assert ids.pressed_of(ids.action_form(42, pressed)) == pressed
    assert ids.discussion_form_of(ids.discussion_form("reply", "disc-9", 42)) == ("reply", "disc-9")
    assert (ids.brief_form("f1"), ids.offer_form(None), ids.option_form("OFF1")) == (
        "b:form:f1", "f:form:", "f:optform:OFF1")
