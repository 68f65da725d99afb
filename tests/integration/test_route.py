"""A chat message on a real database: which order it is about, relayed or refused, decided in one call."""

import pytest

from core.buttons import ButtonData
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
