"""A Notifier that records what it was asked to send, and fails on demand like a platform would."""

from __future__ import annotations

from collections import deque

from core.ports import Outgoing, RetryLater, Undeliverable


class RecordingNotifier:
    def __init__(self, platform: str = "telegram") -> None:
        self.platform = platform
        self.sent: list[Outgoing] = []
        self.failures: deque[Exception] = deque()  # raised one by one before sending succeeds

    def fail_next(self, *errors: Exception) -> None:
        self.failures.extend(errors)

    async def send(self, message: Outgoing) -> str:
        if self.failures:
            raise self.failures.popleft()
        self.sent.append(message)
        return str(len(self.sent))


__all__ = ["RecordingNotifier", "RetryLater", "Undeliverable"]
