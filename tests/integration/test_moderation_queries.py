"""What moderators read across orders, on a real database: the dispute queue, their disputes, the audit trail."""

from datetime import timedelta

from core.events import Outcome
from core.model import Action, Payload, Stage, Viewer
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people

MINUTE = timedelta(minutes=1)


async def placed(service, ids) -> str:
    result = await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox")
    assert isinstance(result, Outcome), result
    return result.order.id


async def accepted(service, ids) -> str:
    order_id = await placed(service, ids)
    await service.act(order_id, Action.ACCEPT, Viewer(ids["seller"]))
    return order_id


async def test_the_dispute_queue_lists_the_longest_waiting_dispute_first_a_page_at_a_time(engine, service, clock):
    ids = await people(engine, clock)
    buyer, seller, mod = Viewer(ids["buyer"]), Viewer(ids["seller"]), Viewer(ids["moderator"], moderator=True)
    first, second, third, calm = [await accepted(service, ids) for _ in range(4)]
    # disputed in another order than placed: the queue follows when each dispute began
    for order_id, who in ((third, seller), (first, buyer)):
        clock.advance(MINUTE)
        assert isinstance(await service.act(order_id, Action.OPEN_DISPUTE, who, Payload(text="stuck")), Outcome)
    clock.advance(MINUTE)
    await service.act(second, Action.FREEZE, mod, Payload(text="suspicious"))
    clock.advance(MINUTE)
    await service.act(third, Action.TAKE_DISPUTE, mod)  # taken later: keeps its place
    async with SqlUnitOfWork(engine, clock) as uow:
        everything = await uow.orders_in([Stage.DISPUTED], limit=10)
        page_one = await uow.orders_in([Stage.DISPUTED], limit=2)
        page_two = await uow.orders_in([Stage.DISPUTED], limit=2, offset=2)
        total = await uow.count_orders_in([Stage.DISPUTED])
    assert [o.id for o in everything] == [third, first, second]
    assert [o.id for o in page_one + page_two] == [third, first, second]
    assert total == 3 and calm not in {o.id for o in everything}
    assert everything[0].dispute.moderator == ids["moderator"] and everything[2].dispute.frozen


async def test_an_unfrozen_order_leaves_the_queue_and_comes_back_last_when_frozen_again(engine, service, clock):
    ids = await people(engine, clock)
    mod = Viewer(ids["moderator"], moderator=True)
    early, late = await accepted(service, ids), await accepted(service, ids)
    await service.act(early, Action.FREEZE, mod, Payload(text="check"))
    clock.advance(MINUTE)
    await service.act(late, Action.OPEN_DISPUTE, Viewer(ids["buyer"]), Payload(text="late"))
    clock.advance(MINUTE)
    await service.act(early, Action.UNFREEZE, mod, Payload(text="fine"))
    async with SqlUnitOfWork(engine, clock) as uow:
        assert [o.id for o in await uow.orders_in([Stage.DISPUTED])] == [late]
    clock.advance(MINUTE)
    await service.act(early, Action.FREEZE, mod, Payload(text="again"))
    async with SqlUnitOfWork(engine, clock) as uow:
        assert [o.id for o in await uow.orders_in([Stage.DISPUTED])] == [late, early]


async def test_a_moderator_finds_the_disputes_they_took_and_no_others(engine, service, clock):
    ids = await people(engine, clock)
    async with SqlUnitOfWork(engine, clock) as uow:
        other = await uow.accounts.ensure("telegram", "901", name="Max", moderator=True)
        await uow.commit()
    mine, theirs, open_ = [await accepted(service, ids) for _ in range(3)]
    for order_id in (mine, theirs, open_):
        await service.act(order_id, Action.OPEN_DISPUTE, Viewer(ids["buyer"]), Payload(text="why"))
    await service.act(mine, Action.TAKE_DISPUTE, Viewer(ids["moderator"], moderator=True))
    await service.act(theirs, Action.TAKE_DISPUTE, Viewer(other.id, moderator=True))
    async with SqlUnitOfWork(engine, clock) as uow:
        assert [o.id for o in await uow.disputes_taken_by(ids["moderator"])] == [mine]
        assert [o.id for o in await uow.disputes_taken_by(ids["buyer"])] == []


async def test_people_are_found_by_username_whatever_its_case_and_named_together(engine, clock):
    async with SqlUnitOfWork(engine, clock) as uow:
        ana = await uow.accounts.ensure("telegram", "200", name="Ana", username="Ana_Draws")
        ben = await uow.accounts.ensure("telegram", "100", name="Ben")
        await uow.commit()
    async with SqlUnitOfWork(engine, clock) as uow:
        assert (await uow.accounts.by_username("telegram", "@ana_draws")).id == ana.id
        assert await uow.accounts.by_username("discord", "ana_draws") is None
        assert await uow.accounts.names([ana.id, ben.id, "nobody"]) == {ana.id: "Ana", ben.id: "Ben"}


async def test_the_audit_trail_gives_sanctions_and_moderator_decisions_newest_first(engine, service, clock):
    ids = await people(engine, clock)
    mod = Viewer(ids["moderator"], moderator=True)
    order_id = await accepted(service, ids)
    await service.act(order_id, Action.OPEN_DISPUTE, Viewer(ids["seller"]), Payload(text="no brief"))
    clock.advance(MINUTE)
    await service.act(order_id, Action.TAKE_DISPUTE, mod)
    clock.advance(MINUTE)
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.accounts.suspend(ids["moderator"], ids["seller"], True, "fake deliveries")
        await uow.commit()
    clock.advance(MINUTE)
    await service.act(order_id, Action.REFUND_ALL, mod, Payload(text="nothing delivered"))
    clock.advance(MINUTE)
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.accounts.suspend(ids["moderator"], ids["seller"], False, "appeal accepted")
        await uow.commit()
    async with SqlUnitOfWork(engine, clock) as uow:
        entries = await uow.audit.entries(limit=10)
        decisions = await uow.audit.decisions(limit=10)
        assert len(await uow.audit.entries(limit=1)) == 1
    assert [(e.action, e.account, e.reason) for e in entries] == [
        ("unsuspend", ids["seller"], "appeal accepted"), ("suspend", ids["seller"], "fake deliveries")]
    assert [(e.action, e.actor, e.get("text")) for e in decisions] == [
        (Action.REFUND_ALL, ids["moderator"], "nothing delivered"), (Action.TAKE_DISPUTE, ids["moderator"], None)]
