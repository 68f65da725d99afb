"""A chat message on a real database: which order it is about, relayed or refused, decided in one call."""

import pytest

from core.buttons import ButtonData
from core.conversations import ConversationState, Place
from core.model import Action, Deadline, Payload, Viewer
from core.routing import Blocked, Pick, Relayed, Routes, Unsendable
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people
from tests.integration.test_press import Counted, placed


@pytest.fixture
def route(engine, clock, settings):
    return Routes(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, settings)


async def test_someone_with_no_order_is_told_so_and_nothing_is_kept(engine, route, clock):
    ids = await people(engine, clock)
    routed = await route(Viewer(ids["buyer"]), "Hello?", "telegram")
    assert isinstance(routed, Unsendable)
    assert routed.reason.render("en") == "You have no order to write about. Your orders: /orders"


async def test_the_only_order_gets_the_message_in_one_transaction(engine, service, route, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    with Counted(engine) as counted:
        routed = await route(Viewer(ids["buyer"]), "Blue, please", "telegram", source="100:5")
    assert isinstance(routed, Relayed) and routed.message.order_id == order_id and not routed.message.flagged
    assert (counted.transactions, counted.writers) == (1, 1)


async def test_with_two_orders_the_person_picks_then_the_message_goes_to_the_picked_one(engine, service, route, clock):
    ids = await people(engine, clock)
    first, second = await placed(service, ids), await placed(service, ids)
    picked = await route(Viewer(ids["buyer"]), "Blue, please", "telegram")
    assert isinstance(picked, Pick) and {o.id for o in picked.orders} == {first, second}
    assert picked.names[ids["seller"]] == "Ana"
    routed = await route(Viewer(ids["buyer"]), "Blue, please", "telegram", order_id=second)
    assert isinstance(routed, Relayed) and routed.message.order_id == second


async def test_a_reply_to_an_order_s_message_goes_to_that_order(engine, service, route, clock):
    ids = await people(engine, clock)
    await placed(service, ids)
    second = await placed(service, ids)
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.conversations.remember("telegram", "100", "42", "card", second, ids["buyer"])
        await uow.commit()
    routed = await route(Viewer(ids["buyer"]), "About this one", "telegram", reply_to=("100", "42"))
    assert isinstance(routed, Relayed) and routed.message.order_id == second


async def test_a_message_no_order_could_take_is_refused_before_asking_which_order(engine, service, route, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    checked = await route(Viewer(ids["buyer"]), "   ", "telegram", check_first=True)
    assert isinstance(checked, Unsendable) and checked.reason.render("en") == "The message is empty."
    routed = await route(Viewer(ids["buyer"]), "   ", "discord")
    assert isinstance(routed, Blocked) and routed.order_id == order_id and routed.until is None
    assert routed.reopen == () and routed.card is None


async def test_while_the_buyer_reviews_the_delivery_the_chat_is_refused_until_its_end_with_the_reopening_buttons(
        engine, service, route, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    seller, buyer = Viewer(ids["seller"]), Viewer(ids["buyer"])
    await service.act(order_id, Action.ACCEPT, seller)
    delivered = await service.act(order_id, Action.DELIVER, seller, Payload(text="Here"))
    routed = await route(buyer, "One more thing", "telegram")
    assert isinstance(routed, Blocked) and routed.order_id == order_id
    assert routed.until == delivered.order.deadline(Deadline.REVIEW_WINDOW)
    version = delivered.order.version
    assert routed.reopen == (ButtonData(order_id, Action.COMPLETE, version),
                             ButtonData(order_id, Action.REQUEST_REVISION, version))
    assert routed.card is not None and routed.card.order_id == order_id
    told = await route(seller, "Enjoy", "telegram")
    assert isinstance(told, Blocked) and told.reopen == () and told.card is None


async def test_a_message_written_in_an_order_s_topic_goes_to_that_order_without_asking(engine, service, route, clock):
    ids = await people(engine, clock)
    first = await placed(service, ids)
    await placed(service, ids)
    state = ConversationState(lambda **kw: SqlUnitOfWork(engine, clock, **kw))
    await state.topic_opened("telegram", "100", first, "7")
    routed = await route(Viewer(ids["buyer"]), "About the first", "telegram", topic=("100", "7"))
    assert isinstance(routed, Relayed) and routed.message.order_id == first
    elsewhere = await route(Viewer(ids["buyer"]), "Which one?", "telegram", topic=("200", "7"))
    assert isinstance(elsewhere, Pick)


async def test_an_order_s_place_in_a_chat_is_its_topic_once_opened_and_a_chat_refused_topics_keeps_them_all(
        engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    state = ConversationState(lambda **kw: SqlUnitOfWork(engine, clock, **kw))
    assert await state.place("telegram", "100", order_id, offered=False, name_limit=128) == Place()
    assert await state.place("telegram", "100", None, offered=True, name_limit=128) == Place()
    to_open = await state.place("telegram", "100", order_id, offered=True, name_limit=128)
    assert to_open == Place(open_as=f"#{order_id} A logo")
    assert (await state.place("telegram", "100", order_id, offered=True, name_limit=5)).open_as == f"#{order_id}"[:5]
    await state.topic_opened("telegram", "100", order_id, "7")
    assert await state.place("telegram", "100", order_id, offered=True, name_limit=128) == Place("7")
    await state.no_topics("telegram", "200")
    await state.no_topics("telegram", "100")  # too late: the chat has topics, decided once
    assert await state.place("telegram", "200", order_id, offered=True, name_limit=128) == Place()
    assert await state.place("telegram", "100", order_id, offered=True, name_limit=128) == Place("7")
