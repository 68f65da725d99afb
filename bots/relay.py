"""The outbox relay: sends queued notifications through each platform's Notifier, at least once.

Retries back off exponentially and honour the platform's retry_after; a row is marked sent as soon
as the platform accepted it, and a dedupe key already recorded as sent is never sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from core.model import Role
from core.ports import Clock, Notifier, Outgoing, RetryLater, Undeliverable
from storage.outbox import Outbox

log = logging.getLogger(__name__)

#: how long to wait before looking again for someone who has not started the bot yet
UNREACHABLE_RECHECK = timedelta(minutes=5)


@dataclass
class RelayPolicy:
    batch: int = 50
    max_attempts: int = 10
    backoff: float = 2.0  # seconds before the first retry, doubled each time
    max_backoff: float = 600.0
    lease: timedelta = timedelta(seconds=60)


class Relay:
    def __init__(self, outbox: Outbox, notifiers: dict[str, Notifier], clock: Clock,
                 policy: RelayPolicy | None = None) -> None:
        self.outbox = outbox
        self.notifiers = notifiers
        self.clock = clock
        self.policy = policy or RelayPolicy()
        #: told of every message a platform accepted (Discord keeps its order rooms in step with the order)
        self.observers: list[Callable[[Outgoing], Awaitable[None]]] = []
        #: per platform, whether a user (by id) moderates right now: every moderator's notice is checked before it
        #: goes, so a moderator removed since it was queued never reads it (registered by each adapter)
        self.moderators: dict[str, Callable[[str], Awaitable[bool]]] = {}

    async def drain(self) -> int:
        """Sends everything due now; returns how many were sent."""
        sent, _ = await self._pipeline(once=False)
        return sent

    async def tick(self) -> tuple[int, int]:
        """One batch only: (sent, claimed)."""
        return await self._pipeline(once=True)

    async def _pipeline(self, once: bool) -> tuple[int, int]:
        """A pipeline rather than batch after batch: each chat has one sender going through its messages in order,
        and as soon as fewer than `batch` messages wait to be sent, more are claimed. A chat paced at one message
        a second no longer holds back the next batch's other chats (the platform's overall rate is the limit)."""
        queues: dict[tuple[str, str], deque] = {}
        senders: dict[tuple[str, str], asyncio.Task] = {}
        sent = claimed_total = 0
        exhausted = False

        async def send_chat(chat: tuple[str, str]) -> int:
            done, queue = 0, queues[chat]
            while queue:
                row_id, attempts, message = queue.popleft()
                outcome = await self._send(row_id, attempts, message)
                if isinstance(outcome, RetryLater):  # the platform said wait: the rest of this chat waits too
                    resume = self.clock.now() + timedelta(seconds=outcome.after)
                    while queue:
                        later_id, _, _ = queue.popleft()
                        await self.outbox.later(later_id, resume, "waiting behind a rate-limited message", False)
                    break
                done += outcome
            del queues[chat], senders[chat]  # with no await since the queue was seen empty: nothing is stranded
            return done

        try:
            while True:
                # at most `batch` messages claimed and not yet sent: waiting in a queue, or one being sent per chat
                room = self.policy.batch - sum(len(q) + 1 for q in queues.values())
                if not exhausted and room > 0:
                    now = self.clock.now()
                    claimed = await self.outbox.claim(now, room, self.policy.lease)
                    claimed_total += len(claimed)
                    exhausted = once or len(claimed) < room
                    for row_id, attempts, message in claimed:
                        if message is None or message.platform not in self.notifiers:
                            # not reachable here yet (never started the bot, or platform not run by this process)
                            await self.outbox.later(row_id, now + UNREACHABLE_RECHECK, "recipient not reachable yet",
                                                    False)
                            continue
                        chat = (message.platform, message.chat_id)
                        queues.setdefault(chat, deque()).append((row_id, attempts, message))
                        if chat not in senders:
                            senders[chat] = asyncio.create_task(send_chat(chat))
                if not senders:
                    return sent, claimed_total
                finished, _ = await asyncio.wait(set(senders.values()), return_when=asyncio.FIRST_COMPLETED)
                sent += sum(task.result() for task in finished)
        finally:  # stopped or failed: no sender outlives the drain (their rows' leases bring them back)
            for task in senders.values():
                task.cancel()

    async def _send(self, row_id: int, attempts: int, message: Outgoing) -> int | RetryLater:
        if await self.outbox.was_sent(message.dedupe_key):  # accepted before a crash: never twice
            await self.outbox.sent(row_id, self.clock.now(), message, "")
            return 0
        try:
            if message.role is Role.MODERATOR and not await self._still_moderator(message):
                await self.outbox.failed(row_id, self.clock.now(), "not sent: no longer a moderator")
                return 0
            message_id = await self.notifiers[message.platform].send(message)
        except RetryLater as wait:
            if wait.after is not None:  # the platform's own retry_after: not a failure
                await self._retry(row_id, attempts, str(wait), wait.after, counts=False)
                return wait
            await self._retry(row_id, attempts, str(wait), self._backoff(attempts), counts=True)
            return 0
        except Undeliverable as gone:
            await self.outbox.failed(row_id, self.clock.now(), f"undeliverable: {gone}")
            return 0
        except Exception as error:  # noqa: BLE001 — a platform library failing must not stop the relay
            log.warning("sending %s failed: %r", message.dedupe_key, error)
            await self._retry(row_id, attempts, repr(error), self._backoff(attempts), counts=True)
            return 0
        await self.outbox.sent(row_id, self.clock.now(), message, str(message_id))
        for observe in self.observers:
            try:
                await observe(message)
            except Exception:  # noqa: BLE001 — what follows a delivery never undoes it
                log.exception("observing %s failed", message.dedupe_key)
        return 1

    async def _still_moderator(self, message: Outgoing) -> bool:
        """A private chat's id is its person's user id on both platforms (bots.*.context)."""
        check = self.moderators.get(message.platform)
        return check is None or await check(message.chat_id)

    def _backoff(self, attempts: int) -> float:
        return min(self.policy.backoff * 2**attempts, self.policy.max_backoff)

    async def _retry(self, row_id: int, attempts: int, error: str, delay: float, counts: bool) -> None:
        now = self.clock.now()
        if counts and attempts + 1 >= self.policy.max_attempts:
            await self.outbox.failed(row_id, now, error)
        else:
            await self.outbox.later(row_id, now + timedelta(seconds=delay), error, counts)
