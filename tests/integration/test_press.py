"""A press of an order card's button on a real database: one call, one transaction, one read of the order."""

import asyncio

import pytest

from core.buttons import ButtonData
from core.card import order_card
from core.events import Outcome
from core.events import Refused as Why
from core.model import Action, Payload, Stage, Viewer
from core.people import Account, Authority, Person
from core.press import Ask, Done, Presses, Refused, may_ask
from storage.unit_of_work import SqlUnitOfWork
from tests.counting import Counted
from tests.integration.conftest import people


@pytest.fixture
def presses(engine, clock, settings):
    return Presses(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, settings)


async def placed(service, ids) -> str:
    result = await service.place("logo", Viewer(ids["buyer"]), paid=11_000, options=("source",), brief="A fox")
    assert isinstance(result, Outcome), result
    return result.order.id


def accept(order_id: str, version: int = 1) -> str:
    return ButtonData(order_id, Action.ACCEPT, version).encode()


async def test_an_accept_press_is_done_in_one_write_transaction_reading_the_order_once(engine, service, presses,
                                                                                       clock, settings):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    seller = Viewer(ids["seller"])
    with Counted(engine) as counted:
        answer = await presses(seller, accept(order_id), seen=("telegram", "press:1"))
    assert isinstance(answer, Done) and answer.outcome.order.stage is Stage.IN_PROGRESS
    assert (counted.transactions, counted.writers, counted.order_reads) == (1, 1, 1)
    # the card drawn from the outcome is the card the order, read back, draws
    assert answer.card == order_card(await service.order(order_id), seller, clock.now(), settings)


async def test_a_moderators_press_is_done_and_audited_as_whom_it_was_made_in_one_write_transaction(
        engine, service, presses, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    await service.act(order_id, Action.ACCEPT, Viewer(ids["seller"]))
    await service.act(order_id, Action.OPEN_DISPUTE, Viewer(ids["seller"]), Payload(text="no brief"))
    mod = Person(Account(ids["moderator"], "Mo", "en", "UTC", False), 900, 900,
                 Authority("telegram", "900", "telegram.moderators"))
    with Counted(engine) as counted:
        answer = await presses(mod, ButtonData(order_id, Action.TAKE_DISPUTE, 3).encode())
    assert isinstance(answer, Done) and answer.outcome.order.dispute.moderator == ids["moderator"]
    assert (counted.transactions, counted.writers) == (1, 1)
    async with SqlUnitOfWork(engine, clock) as uow:
        grounds = await uow.audit.grounds(list(answer.outcome.events))
    assert grounds == {(order_id, 4): "telegram:900 telegram.moderators"}


async def test_the_same_press_delivered_twice_acts_once_and_the_second_delivery_gets_no_answer(engine, service,
                                                                                             presses, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    first = await presses(Viewer(ids["seller"]), accept(order_id), seen=("telegram", "press:7"))
    again = await presses(Viewer(ids["seller"]), accept(order_id), seen=("telegram", "press:7"))
    assert isinstance(first, Done) and again is None
    assert (await service.order(order_id)).version == 2


async def test_a_button_that_needs_input_asks_for_it_and_changes_nothing(engine, service, presses, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    await presses(Viewer(ids["seller"]), accept(order_id))
    deliver = ButtonData(order_id, Action.DELIVER, 2)
    answer = await presses(Viewer(ids["seller"]), deliver.encode())
    assert isinstance(answer, Ask) and answer.button == deliver and answer.currency == "EUR"
    assert (await service.order(order_id)).version == 2
    assert may_ask(deliver.encode()) and not may_ask(accept(order_id))
    done = await presses(Viewer(ids["seller"]), deliver, Payload(text="Here it is"))
    assert isinstance(done, Done) and done.outcome.order.stage is Stage.DELIVERED


async def test_a_stale_button_is_refused_with_the_card_as_the_order_stands(engine, service, presses, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    await presses(Viewer(ids["seller"]), accept(order_id))
    answer = await presses(Viewer(ids["seller"]), accept(order_id))
    assert isinstance(answer, Refused) and answer.card is not None and answer.card.order_id == order_id
    assert answer.refusal.code in (Why.VERSION, Why.STAGE)


async def test_a_stranger_or_a_forged_button_is_refused_without_a_card(engine, service, presses, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    stranger = await presses(Viewer("nobody"), accept(order_id))
    assert isinstance(stranger, Refused) and stranger.stranger and stranger.card is None
    assert stranger.refusal.render("en") == "This order is not yours."
    forged = await presses(Viewer(ids["seller"]), "o:../x:accept:1")
    assert isinstance(forged, Refused) and not forged.stranger and forged.card is None
    assert forged.refusal.render("en") == "This button is not valid."
    assert (await service.order(order_id)).version == 1


async def test_of_two_racing_presses_one_is_done_and_the_other_told_where_the_order_stands(engine, service,
                                                                                         presses, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    seller = Viewer(ids["seller"])
    answers = await asyncio.gather(presses(seller, accept(order_id), seen=("telegram", "press:a")),
                                   presses(seller, ButtonData(order_id, Action.DECLINE, 1),
                                           Payload(text="Too busy"), seen=("telegram", "press:b")))
    assert sorted(type(a).__name__ for a in answers) == ["Done", "Refused"]
    refused = next(a for a in answers if isinstance(a, Refused))
    assert refused.card is not None
