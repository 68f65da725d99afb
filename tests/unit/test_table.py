"""The transition table is validated as a machine: reachable, closed, never stuck."""

import inspect

from core import table
from core.deadlines import DEADLINES_BY_STAGE
from core.model import OPEN, TERMINAL, Action, Deadline, Role, Stage
from core.step import Step
from core.table import TABLE, Needs

SYSTEM_ACTIONS = {row.action for row in TABLE if Role.SYSTEM in row.by}


def successors(stage: Stage) -> set[Stage]:
    out = set()
    for row in TABLE:
        if stage in row.sources:
            out.add(row.to or stage)
    if stage is Stage.DISPUTED:  # unfreeze returns to the stage the order was frozen in
        out |= OPEN - {Stage.DISPUTED}
    return out


def test_every_stage_is_reachable_from_a_placed_order():
    seen, todo = {Stage.PENDING}, [Stage.PENDING]
    while todo:
        for nxt in successors(todo.pop()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    assert seen == set(Stage)


def test_terminal_stages_have_no_exits():
    for row in TABLE:
        for stage in row.sources & TERMINAL:
            assert row.to in (None, stage), f"{row.action} leaves terminal stage {stage}"


def test_every_open_stage_has_an_action_or_a_deadline_that_leaves_it():
    for stage in OPEN:
        leaving = [row for row in TABLE if stage in row.sources and row.to not in (None, stage)]
        assert leaving, stage
        if stage is not Stage.DISPUTED:  # disputes wait in the moderators' queue, by design
            assert any(Role.SYSTEM in row.by for row in leaving), f"{stage} has no deadline that leaves it"


def test_every_deadline_that_can_run_has_a_system_row_in_its_stages():
    for stage, deadlines in DEADLINES_BY_STAGE.items():
        for deadline in deadlines:
            assert any(stage in row.sources and Role.SYSTEM in row.by and row.guard and
                       row.guard.name.startswith(deadline.value.replace("_", " ")) for row in TABLE), (stage, deadline)


def test_disputed_and_closed_orders_run_no_deadline():
    assert all(not DEADLINES_BY_STAGE[s] for s in TERMINAL | {Stage.DISPUTED})
    assert all(Deadline.EXPIRY in DEADLINES_BY_STAGE[s] for s in OPEN - {Stage.DISPUTED})


def test_system_actions_need_no_input_and_people_never_press_them():
    for row in TABLE:
        if Role.SYSTEM in row.by:
            assert row.by == {Role.SYSTEM} and row.needs is Needs.NOTHING


def test_every_action_but_placing_an_order_has_a_row():
    assert {row.action for row in TABLE} == set(Action) - {Action.PLACE_ORDER}


def test_rows_for_one_action_and_role_differ_only_by_guard_and_the_guarded_one_comes_first():
    seen = {}
    for row in TABLE:
        for stage in row.sources:
            for role in row.by:
                key = (stage, row.action, role, row.flags)
                if key in seen:
                    assert seen[key].guard is not None, f"unreachable row {key}"
                seen[key] = row


def test_every_effect_is_a_step_method_whose_docstring_is_one_line_of_the_table():
    effects = {effect for row in TABLE for effect in row.effects}
    assert effects and all(getattr(Step, effect.__name__) is effect for effect in effects)
    assert all(effect.__doc__ and "\n" not in effect.__doc__.strip() for effect in effects)


def test_the_table_module_wraps_no_effect_in_a_function_of_its_own():
    functions = [name for name, value in vars(table).items()
                 if inspect.isfunction(value) and value.__module__ == table.__name__]
    assert sorted(functions) == ["as_markdown", "by", "due", "rows_for"]
