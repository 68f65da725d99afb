"""What the chat keeps for the evidence, on a real database (PostgreSQL too): what was written before masking, edits
beside the message they change, file references of any length, and the moderators told of each flagged one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.chat import ChatMessage
from core.model import Role, Viewer
from storage.tables import outbox
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people
from tests.integration.test_orders import placed


async def test_a_file_reference_of_any_length_is_kept_whole(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    long_ref = "tg:doc:" + "A" * 2_000 + ":sketch.png"  # a String(300) refused this on PostgreSQL
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.add_message(ChatMessage(order_id, ids["buyer"], Role.BUYER, "telegram", "The sketch", (long_ref,),
                                          False, clock.now()))
        await uow.commit()
    async with SqlUnitOfWork(engine, clock) as uow:
        [message] = await uow.messages(order_id)
    assert message.files == (long_ref,)


async def test_a_masked_message_keeps_what_was_written_and_an_edit_sits_beside_it(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    buyer = Viewer(ids["buyer"])
    said = await service.say(order_id, buyer, "Mail me at ben@example.com", "telegram", source="100:7")
    clock.advance(timedelta(minutes=3))
    edited, refusal = await service.edit("telegram", "100:7", buyer, "Mail me at ben@example.org instead")
    assert refusal is None
    assert await service.edit("telegram", "100:7", buyer, "Mail me at ben@example.org instead") is None  # unchanged
    assert await service.edit("telegram", "100:7", Viewer(ids["seller"]), "Not mine") is None  # not theirs
    async with SqlUnitOfWork(engine, clock) as uow:
        first, second = await uow.messages(order_id)
        flagged = await uow.flagged_messages()
    assert (first.text, first.original, first.source) == ("Mail me at […]", "Mail me at ben@example.com", "100:7")
    assert (second.edit_of, second.original, second.at - first.at) == (
        said.id, "Mail me at ben@example.org instead", timedelta(minutes=3))
    assert [m.id for m, _ in flagged] == [edited.id, said.id]
    async with engine.connect() as conn:
        keys = (await conn.execute(select(outbox.c.dedupe_key).where(outbox.c.role == Role.MODERATOR.value))).scalars()
        assert sorted(k.split(":")[1] for k in keys) == ["flag", "flag"]  # each one told to the moderator
