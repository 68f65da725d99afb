"""The operator's endpoint of a running `comptoir run`: /metrics scraped in the Prometheus format, /healthz, JSON logs."""

import asyncio
import json
import socket
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_comptoir_run import comptoir_run, mentions, place_order, running, stopped
from tests.fakes.discord_api import FakeDiscord


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def get(url: str) -> tuple[int, str]:
    def fetch() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
    return await asyncio.to_thread(fetch)


def samples(exposition: str) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) -> value, parsed by prometheus_client's own parser."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(exposition) for sample in family.samples}


async def test_a_running_desk_serves_its_metrics_and_health_and_logs_json(tmp_path):
    port = free_port()
    with FakeDiscord() as fake:
        process = comptoir_run(tmp_path, f'[discord]\nbase_url = "{fake.base_url}"\n'
                                         f'marketplace_channel_id = {fake.channel["id"]}\n'
                                         f"[http]\nenabled = true\nport = {port}\n"
                                         '[logging]\nformat = "json"\n', COMPTOIR_DISCORD_TOKEN=fake.token)
        try:
            await running(process, tmp_path, fake)
            ana, ben = fake.user("ana"), fake.user("ben")
            for person in (ana, ben):  # each one's account, from their first command
                asked = await fake.slash(person, "orders")
                # the listing itself, not the deferral before it: the account exists by then
                await fake.wait_for(lambda asked=asked: any(a.get("components") for a in fake.answers(asked)))
            order_id = await place_order(tmp_path / "comptoir.sqlite3", seller=ana, buyer=ben)
            await fake.wait_for(lambda: [m for m in fake.dms(ana) if mentions(m, f"#{order_id}")])

            async def scraped() -> dict:
                status, text = await get(f"http://127.0.0.1:{port}/metrics")
                assert status == 200 and "# TYPE comptoir_outbox_waiting gauge" in text
                return samples(text)
            found = await scraped()
            while found.get(("comptoir_sends_total", (("platform", "discord"),)), 0) < 2:  # the buyer's notice too
                await asyncio.sleep(0.2)
                found = await scraped()
            assert found[("comptoir_orders", (("stage", "pending"),))] == 1
            assert found[("comptoir_transitions_total", (("action", "place_order"),))] == 1
            assert found[("comptoir_timers_overdue", (("kind", "deadline"),))] == 0
            assert found[("comptoir_timers_lag_seconds", (("kind", "reminder"),))] == 0
            assert ("comptoir_rate_limited_total", (("platform", "discord"),)) not in found  # no 429 so far
            assert found[("comptoir_poll_last_run_timestamp_seconds", (("poll", "outbox"),))] > 0

            status, text = await get(f"http://127.0.0.1:{port}/healthz")
            health = json.loads(text)
            assert status == 200 and health["status"] == "ok", health
            assert {"database", "discord", "polls"} == health["checks"].keys()
            assert health["checks"]["discord"]["detail"].startswith("connected to the gateway")
        finally:
            output = stopped(process, tmp_path)
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any(record["message"] == "Comptoir running on discord" and record["level"] == "INFO"
               for record in records)
    assert fake.token not in output
