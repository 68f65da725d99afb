"""What `comptoir run` does once started: the objects of start-up leave garbage collection."""

from __future__ import annotations

import gc
import inspect

from bots.command import run
from bots.command.run import freeze_start_up


def test_objects_made_at_start_up_are_no_longer_walked_by_garbage_collections():
    made_at_start_up = [object()]
    assert any(o is made_at_start_up for o in gc.get_objects())
    try:
        freeze_start_up()
        assert gc.get_freeze_count() > 0
        assert not any(o is made_at_start_up for o in gc.get_objects())
        made_after = [object()]
        assert any(o is made_after for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_the_run_command_freezes_start_up_once_every_platform_is_started():
    source = inspect.getsource(run.serve)
    assert source.index("freeze_start_up()") > source.index("start_scheduler(")
