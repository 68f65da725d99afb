"""The operator's HTTP endpoint (`[http]`, off by default): GET /healthz and GET /metrics, on the process's own loop."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from bots.health import Health, PollWatch
from bots.metrics import CONTENT_TYPE, ErrorCount, Metered, Metrics

log = logging.getLogger(__name__)


class Endpoint:
    def __init__(self, runtime, apps: dict[str, object]) -> None:
        self.runtime = runtime
        self.metrics = Metrics()
        config = runtime.config
        intervals = {"timers": config.scheduler.poll_seconds, "outbox": config.relay.poll_seconds}
        self.polls = PollWatch(intervals, self.metrics.poll_finished)
        self.health = Health(runtime, apps, self.polls)
        self.errors = ErrorCount(self.metrics)
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Counts what the notifiers do and what is logged as an error, then listens."""
        relay = self.runtime.relay
        for platform, notifier in list(relay.notifiers.items()):
            relay.notifiers[platform] = Metered(notifier, platform, self.metrics)
        logging.getLogger().addHandler(self.errors)
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.runner.setup()
        http = self.runtime.config.http
        try:
            await web.TCPSite(self.runner, http.listen, http.port).start()
        except BaseException:
            await self.stop()
            raise
        log.info("Health and metrics on http://%s:%d/healthz and /metrics", http.listen, http.port)

    def watch(self, scheduler) -> None:
        self.polls.attach(scheduler)

    async def stop(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        checks = await self.health.checks()
        ok = all(check.ok for check in checks.values())
        body = {"status": "ok" if ok else "failing",
                "checks": {name: {"ok": check.ok, "detail": check.detail} for name, check in checks.items()}}
        return web.Response(status=200 if ok else 503, text=json.dumps(body, ensure_ascii=False),
                            content_type="application/json")

    async def _metrics(self, request: web.Request) -> web.Response:
        await self.metrics.refresh(self.runtime.store.engine, self.runtime.clock.now())
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


async def start_endpoint(runtime, apps: dict[str, object]) -> Endpoint:
    endpoint = Endpoint(runtime, apps)
    await endpoint.start()
    return endpoint
