"""Issue 14 moved the code into feature packages without changing the API: every operation,
every status it declares and every problem code of before the move is still there (the snapshot
``api_surface_before_issue14.json`` was taken from the tree of before the move with
``python -m tests.api_surface``). New operations (the change feed, later features) may be added."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.api_surface import surface

ROOT = Path(__file__).resolve().parents[2]
BEFORE = json.loads((Path(__file__).with_name("api_surface_before_issue14.json")).read_text())


@cache
def _now() -> dict[str, Any]:
    return surface(ROOT)


def test_every_operation_of_before_the_move_is_still_served() -> None:
    now = _now()["operations"]
    assert sorted(set(BEFORE["operations"]) - set(now)) == []


def test_no_operation_lost_a_status_it_declared() -> None:
    now = _now()["operations"]
    lost = {
        op: sorted(set(statuses) - set(now.get(op, [])))
        for op, statuses in BEFORE["operations"].items()
        if set(statuses) - set(now.get(op, []))
    }
    assert lost == {}


def test_every_problem_code_of_before_the_move_can_still_be_answered() -> None:
    assert sorted(set(BEFORE["error_codes"]) - set(_now()["error_codes"])) == []
