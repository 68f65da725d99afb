"""Before an order, over the in-memory unit of work: offers published and paused, visitors, discussions."""

from dataclasses import replace

import pytest

from core.events import Refusal, Refused
from core.model import Offer, Option, Role, Viewer
from core.offers import ASK, ORDER, Shown
from core.settings import Settings
from core.storefront import Storefront
from tests.fakes.memory import FakeClock, MemoryUnitOfWork, Store

ANA, BEN, EVE = Viewer("ana"), Viewer("ben"), Viewer("eve")
OFFER = Offer("logo", "ana", "A logo", "Vector logo", 10_000, "EUR", 3, (Option("src", "Source files", 1_000, 1),))


@pytest.fixture
def shop():
    store = Store(offers={OFFER.id: OFFER})
    ids = iter(f"N{i}" for i in range(1, 100))
    return store, Storefront(lambda: MemoryUnitOfWork(store), FakeClock(), Settings(), lambda: next(ids))


async def test_a_new_offer_gets_an_id_and_its_seller_and_every_limit_is_checked(shop):
    store, front = shop
    draft = replace(OFFER, id="", seller="")
    published = await front.publish(ANA, draft)
    assert published.id == "N1" and store.offers["N1"].seller == "ana" and store.offers["N1"].active
    for bad, words in ((replace(draft, title="x" * 121), "title is too long"),
                       (replace(draft, description=""), "description cannot be empty"),
                       (replace(draft, price=0), "more than 0"),
                       (replace(draft, delivery_days=366), "between 1 and 365"),
                       (replace(draft, options=tuple(Option(f"o{i}", "Extra", 100) for i in range(11))), "at most 10"),
                       (replace(draft, options=(Option("o", "Extra", 100, -1),)), "extra time")):
        refusal = await front.publish(ANA, bad)
        assert refusal.code is Refused.INPUT and words in refusal.render("en")
    assert set(store.offers) == {"logo", "N1"}


async def test_only_its_seller_edits_or_pauses_an_offer_and_a_paused_offer_stays_paused_when_edited(shop):
    store, front = shop
    assert (await front.publish(EVE, replace(OFFER, title="Mine now"))).code is Refused.STRANGER
    assert (await front.set_active("logo", EVE, False)).code is Refused.STRANGER
    assert not (await front.set_active("logo", ANA, False)).active
    edited = await front.publish(ANA, replace(OFFER, price=12_000))
    assert edited.price == 12_000 and not edited.active and store.offers["logo"].title == "A logo"


async def test_a_visitor_may_order_and_ask_its_seller_sees_it_as_buyers_do_and_a_paused_one_is_refused(shop):
    store, front = shop
    assert (await front.view("logo", BEN)).actions == (ORDER, ASK)
    own = await front.view("logo", ANA)
    assert isinstance(own, Shown) and own.actions == () and "how buyers see" in own.note.render("en")
    store.offers["logo"] = replace(OFFER, contact_allowed=False)
    assert (await front.view("logo", BEN)).actions == (ORDER,)
    store.offers["logo"] = replace(OFFER, active=False)
    assert (await front.view("logo", BEN)).code is Refused.OFFER
    store.offers["logo"] = OFFER
    store.suspended.add("ana")
    assert (await front.view("logo", BEN)).code is Refused.SUSPENDED
    assert (await front.view("nope", BEN)).code is Refused.UNKNOWN


async def test_a_seller_cannot_order_their_own_offer(shop):
    _, front = shop
    refusal = await front.orderable(ANA, "logo")
    assert refusal.code is Refused.ROLE and "your own offer" in refusal.render("en")
    assert (await front.orderable(BEN, "logo")).id == "logo"


async def test_a_question_reaches_the_seller_masked_with_buttons_to_answer_and_make_an_offer(shop):
    store, front = shop
    first = await front.ask("logo", BEN, "A fox? Write to ben@example.com")
    again = await front.ask("logo", BEN, "And a cat?")
    assert first.id == again.id and len(store.discussions) == 1  # one discussion per buyer and offer
    notice = store.outbox[0]
    assert (notice.to, notice.account, notice.order_id) == (Role.SELLER, "ana", None)
    assert "ben@example.com" not in notice.text.render("en") and "A fox?" in notice.text.render("en")
    assert [b.data for b in notice.buttons] == [f"d:reply:{first.id}", f"d:custom:{first.id}"]
    answer = await front.say(first.id, ANA, "Yes")
    assert answer.id == first.id and store.outbox[-1].account == "ben"
    assert [b.data for b in store.outbox[-1].buttons] == [f"d:reply:{first.id}"]
    assert (await front.say(first.id, EVE, "Hi")).code is Refused.STRANGER
    assert (await front.say(first.id, BEN, "  ")).code is Refused.INPUT


async def test_no_question_when_the_seller_switched_them_off_or_to_oneself(shop):
    store, front = shop
    assert (await front.askable("logo", BEN)).id == "logo"  # asked before the question is written
    assert (await front.ask("logo", ANA, "Hello me")).code is Refused.ROLE
    assert (await front.askable("logo", ANA)).code is Refused.ROLE
    store.offers["logo"] = replace(OFFER, contact_allowed=False)
    assert (await front.ask("logo", BEN, "Hello")).code is Refused.OFFER
    assert (await front.askable("logo", BEN)).code is Refused.OFFER
    store.offers["logo"] = OFFER
    store.suspended.add("ana")
    assert (await front.askable("logo", BEN)).code is Refused.SUSPENDED
    assert (await front.askable("nope", BEN)).code is Refused.UNKNOWN
    assert store.outbox == [] and store.discussions == {}


async def test_a_custom_offer_is_made_by_the_seller_only_and_reaches_the_buyer_with_a_pay_button(shop):
    store, front = shop
    talk = await front.ask("logo", BEN, "A fox and a card?")
    terms = dict(title="Fox + card", description="Both", price=15_000, delivery_days=5)
    assert (await front.custom_offer_draft(talk.id, ANA)).id == "logo"
    assert (await front.custom_offer_draft(talk.id, BEN)).code is Refused.ROLE
    assert (await front.custom_offer_draft(talk.id, EVE)).code is Refused.STRANGER
    assert (await front.send_custom_offer(talk.id, BEN, **terms)).code is Refused.ROLE
    custom = await front.send_custom_offer(talk.id, ANA, **terms)
    assert (custom.currency, custom.buyer, store.custom_offers[custom.id]) == ("EUR", "ben", custom)
    notice = store.outbox[-1]
    assert notice.account == "ben" and [b.data for b in notice.buttons] == [f"c:pay:{custom.id}"]
    assert "€150.00" in notice.text.render("en")
    assert (await front.orderable(BEN, custom_offer_id=custom.id)).price == 15_000
    assert isinstance(await front.orderable(EVE, custom_offer_id=custom.id), Refusal)


async def test_an_offers_and_a_custom_offers_words_are_kept_masked_unless_the_rules_allow_contact_details(shop):
    store, front = shop
    draft = replace(OFFER, id="", title="Logo, insta: ana.design", description="Mail ana dot design at gmail dot com",
                    options=(Option("call", "A call on 06 12 34 56 78", 1_000),))
    published = await front.publish(ANA, draft)
    assert (published.title, published.description, published.options[0].title) == (
        "Logo, insta: […]", "Mail […]", "A call on […]")
    assert store.offers[published.id] == published
    talk = await front.ask("logo", BEN, "A fox?")
    custom = await front.send_custom_offer(talk.id, ANA, title="Fox, t.me /anadesign", description="ana@design.fr",
                                           price=15_000, delivery_days=5)
    assert (custom.title, custom.description) == ("Fox, […]", "[…]")
    told = store.outbox[-1].text.render("en")
    assert told.startswith("The seller made you a custom offer: “Fox, […]”") and "design" not in told

    front.settings = replace(front.settings, mask_contacts=False)
    assert (await front.publish(ANA, draft)).description == "Mail ana dot design at gmail dot com"
