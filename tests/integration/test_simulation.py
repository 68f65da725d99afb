"""The deterministic simulation (sim/), a few small seeds: what `make sim` runs at length, kept in `make test`.

Each seed drives the real Service on a real SQLite file with crashes, duplicated deliveries, forged and stale
buttons and a flaky platform, and checks every invariant after each step and at the end (sim/README.md).
"""

from __future__ import annotations

import asyncio

import pytest

from sim.checks import SimFailure
from sim.world import Params, Simulation


def run(seed: int, tmp_path, orders: int = 12, steps: int = 120):
    params = Params(seed, orders, steps, tmp_path, check_every=20)
    sim = Simulation(params)
    try:
        return asyncio.run(sim.run())
    except SimFailure as failure:
        pytest.fail(f"seed {seed}, step {sim.step_no}: {failure}\nreplay: {params.replay()}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_seed_keeps_every_promise(seed, tmp_path):
    figures = run(seed, tmp_path)
    assert figures.orders == 12
    assert figures.crashes > 0 and figures.refused > 0 and figures.notifications > 0


def test_sellers_ask_for_more_time_and_buyers_accept_decline_or_let_it_lapse(tmp_path):
    figures = run(4, tmp_path, orders=50, steps=500)
    assert figures.extensions > 0
    assert figures.extensions_accepted > 0 and figures.extensions_declined > 0 and figures.extensions_lapsed > 0


def test_a_seed_replays_the_same_run(tmp_path):
    first = run(7, tmp_path / "a", orders=8, steps=80)
    second = run(7, tmp_path / "b", orders=8, steps=80)
    assert first.digest == second.digest
    assert first == second
