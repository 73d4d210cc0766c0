"""Visits logged at the same moment by different callers are written together (group commit,
api.visits.group_commit) and each answered exactly as if it had been logged alone: its own status,
refusal or duplicate, its own audit entry under its caller and request."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from domain.visits import services as visits
from tests.builders import World
from tests.e2e.test_visits import API, visit


def test_visits_sent_at_once_are_each_answered_as_if_alone(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    log_visits = visits.log_visits

    def recorded(uow: Any, items: list[visits.VisitLogging], *, at: datetime) -> Any:
        batches.append(len(items))
        if len(batches) == 1:
            time.sleep(0.3)  # the first batch is slow: the others arrive meanwhile
        return log_visits(uow, items, at=at)

    monkeypatch.setattr(visits, "log_visits", recorded)
    same = str(uuid.uuid4())  # one offline-made visit sent twice at the same instant
    member = world.headers(Role.MEMBER)
    secretary = world.headers(Role.BRANCH_SECRETARY)
    sent: list[tuple[str, dict[str, str], dict[str, Any]]] = [
        ("member-h1", member, visit(world, "h1", notes="一")),
        ("twin-a", member, visit(world, "h1", notes="二", client_uuid=same)),
        ("twin-b", member, visit(world, "h1", notes="二", client_uuid=same)),
        ("not-theirs", member, visit(world, "h3")),
        ("for-m2", secretary, visit(world, "h3", member_id=world.member["m2"], notes="三")),
        ("bad-tick", member, visit(world, "h1", checklist=["打扫卫生"])),
        ("in-future", member, visit(world, "h1", visited_at="2026-11-26T09:00:00+00:00")),
    ] * 3
    sent = [(f"{name}-{i}", h, b) for i, (name, h, b) in enumerate(sent)]

    def post(item: tuple[str, dict[str, str], dict[str, Any]]) -> tuple[str, int, Any]:
        name, headers, body = item
        res = client.post(f"{API}/visits", json=body, headers={**headers, "X-Request-ID": name})
        return name, res.status_code, res.json()

    with ThreadPoolExecutor(len(sent)) as pool:
        answers = list(pool.map(post, sent))
    assert sum(batches) == len(sent) and max(batches) > 1, batches

    ids: dict[str, int] = {}
    for name, status, body in answers:
        kind = name.rsplit("-", 1)[0]
        if kind in ("member-h1", "for-m2"):
            assert status == 201 and body["duplicate"] is False, (name, body)
            ids[name] = body["id"]
        elif kind in ("twin-a", "twin-b"):
            assert status in (200, 201), (name, body)
            ids[name] = body["id"]
        elif kind == "not-theirs":
            assert status == 404 and body["code"] == "household.not_found", (name, body)
        elif kind == "bad-tick":
            assert status == 422 and body["code"] == "visit.unknown_checklist_item", (name, body)
        else:
            assert status == 422 and body["code"] == "visit.in_future", (name, body)
    twins = sorted((s for n, s, _ in answers if n.startswith("twin")))
    assert twins == [200] * 5 + [201], "the uuid sent six times is one visit"
    assert len({ids[n] for n in ids if n.startswith("twin")}) == 1

    with world.app.state.session_factory() as s:
        stored = {int(i): str(by) for i, by in s.execute(text("SELECT id, created_by FROM visits"))}
        audit = s.execute(
            text("SELECT entity_id, actor, request_id FROM audit_log WHERE entity = 'visit'")
        ).all()
        events = s.execute(
            text("SELECT entity_id, actor, request_id, type FROM outbox WHERE entity = 'visit'")
        ).all()
    assert sorted(stored) == sorted(set(ids.values())), "only the visits answered 201 were kept"
    new = {n: i for n, i in ids.items() if not n.startswith("twin")}
    twin_written = [n for n, s, _ in answers if n.startswith("twin") and s == 201]
    new.update({twin_written[0]: ids[twin_written[0]]})
    assert {(int(e), r) for e, _, r in audit} == {(i, n) for n, i in new.items()}
    # each visit of the batch its own event too, under its own caller and request
    assert sorted((int(e), a, r, t) for e, a, r, t in events) == sorted(
        (int(e), a, r, "VisitLogged") for e, a, r in audit
    )
    actors = {int(e): a for e, a, _ in audit}
    for name, visit_id in new.items():
        who = Role.BRANCH_SECRETARY if name.startswith("for-m2") else Role.MEMBER
        assert actors[visit_id].startswith(f"user:{who.value}@"), (name, actors[visit_id])
        assert stored[visit_id] == actors[visit_id], "credited to the caller who logged it"
