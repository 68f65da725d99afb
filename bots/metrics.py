"""The operator's metrics in the Prometheus format (prometheus_client): what the database holds — orders by stage,
transitions by action, overdue timers, waiting notifications — and what this process did: sends, 429s and failures by
platform, errors logged, polls run."""

from __future__ import annotations

import logging
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from core.ports import Outgoing, RetryLater, Undeliverable
from storage import gauges

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Every metric, in a registry of its own (not prometheus_client's global one: one per runtime)."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.orders = Gauge("comptoir_orders", "Orders in the database, by stage.", ["stage"], registry=registry)
        self.transitions = Counter("comptoir_transitions", "Order transitions recorded in the database (place_order "
                                   "included), by action.", ["action"], registry=registry)
        self.overdue = Gauge("comptoir_timers_overdue", "Deadlines and reminders due but not fired yet.", ["kind"],
                             registry=registry)
        self.lag = Gauge("comptoir_timers_lag_seconds", "How long ago the oldest overdue timer was due.", ["kind"],
                         registry=registry)
        self.waiting = Gauge("comptoir_outbox_waiting", "Notifications waiting to be sent, by platform.", ["platform"],
                             registry=registry)
        self.oldest = Gauge("comptoir_outbox_oldest_age_seconds", "Age of the oldest notification waiting to be "
                            "sent, by platform.", ["platform"], registry=registry)
        self.given_up = Gauge("comptoir_outbox_failed", "Notifications given up (undeliverable or out of attempts), "
                              "by platform.", ["platform"], registry=registry)
        self.sends = Counter("comptoir_sends", "Notifications this process sent, by platform.", ["platform"],
                             registry=registry)
        self.rate_limited = Counter("comptoir_rate_limited", "Sends the platform asked to retry later (429 "
                                    "retry_after), by platform.", ["platform"], registry=registry)
        self.failures = Counter("comptoir_send_failures", "Sends that failed and will be retried, by platform.",
                                ["platform"], registry=registry)
        self.undeliverable = Counter("comptoir_undeliverable", "Sends refused for good (the person blocked the bot), "
                                     "by platform.", ["platform"], registry=registry)
        self.errors = Counter("comptoir_errors", "Errors logged by this process, by logger.", ["logger"],
                              registry=registry)
        self.polls = Gauge("comptoir_poll_last_run_timestamp_seconds", "When each poll (timers, outbox...) last "
                           "finished, as a Unix time.", ["poll"], registry=registry)
        self._last_event = 0
        self._seen: dict[int, set[str]] = {}  # labels each gauge has shown

    async def refresh(self, engine, now) -> None:
        """Reads the database's figures into the gauges (at each scrape)."""
        readings = await gauges.read(engine, now, self._last_event)
        self._last_event = readings.last_event
        self._set_all(self.orders, readings.orders_by_stage)
        for action, count in readings.new_transitions.items():
            self.transitions.labels(action).inc(count)
        self._set_all(self.overdue, {kind: count for kind, (count, _) in readings.overdue.items()}, ("deadline", "reminder"))
        self._set_all(self.lag, {kind: lag for kind, (_, lag) in readings.overdue.items()}, ("deadline", "reminder"))
        self._set_all(self.waiting, {platform: count for platform, (count, _) in readings.waiting.items()})
        self._set_all(self.oldest, {platform: age for platform, (_, age) in readings.waiting.items()})
        self._set_all(self.given_up, readings.failed)

    def _set_all(self, gauge: Gauge, values: dict, always: tuple[str, ...] = ()) -> None:
        """Sets every label seen now, and zero for one seen before (or always shown) but gone now."""
        seen = self._seen.setdefault(id(gauge), set(always))
        seen |= values.keys()
        for label in seen:
            gauge.labels(label).set(values.get(label, 0))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def poll_finished(self, poll: str) -> None:
        self.polls.labels(poll).set(time.time())


class Metered:
    """A platform's notifier, counted: sends, 429s, failures. Anything else is the notifier's own (`rooms`...)."""

    def __init__(self, notifier, platform: str, metrics: Metrics) -> None:
        self._notifier = notifier
        self._platform = platform
        self._metrics = metrics

    async def send(self, message: Outgoing) -> str:
        m, platform = self._metrics, self._platform
        try:
            sent = await self._notifier.send(message)
        except RetryLater as wait:
            (m.rate_limited if wait.after is not None else m.failures).labels(platform).inc()
            raise
        except Undeliverable:
            m.undeliverable.labels(platform).inc()
            raise
        except Exception:
            m.failures.labels(platform).inc()
            raise
        m.sends.labels(platform).inc()
        return sent

    def __getattr__(self, name: str):
        return getattr(self._notifier, name)


class ErrorCount(logging.Handler):
    """Counts every error logged, by logger (the relay and the timekeeper log and go on: this is where it shows)."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(logging.ERROR)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        self.metrics.errors.labels(record.name).inc()
