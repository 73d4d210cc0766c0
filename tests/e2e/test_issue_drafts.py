"""A flagged item of a visit (四个必记) becomes an issue draft with one call; once only."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from persistence.issue_drafts.store import SqlIssueDraftStore
from tests.builders import World
from tests.e2e.test_sync import _all_at_once

API = "/api/v1"


@pytest.fixture
def visit(client: TestClient, world: World, scheme: None) -> dict[str, Any]:
    res = client.post(
        f"{API}/visits",
        json={
            "member_id": world.member["m1"],
            "household_id": world.household["h1"],
            "visited_at": "2026-11-25T01:30:00+00:00",
            "mode": "home",
            "flags": [
                {"kind": "difficulty", "text": "屋顶漏雨，需要维修"},
                {"kind": "suggestion", "text": "希望村口装路灯"},
            ],
        },
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201, res.text
    out: dict[str, Any] = res.json()
    return out


def raise_flag(client: TestClient, world: World, visit_id: int, kind: str, role: Role) -> Any:
    return client.post(
        f"{API}/visits/{visit_id}/issue-drafts", json={"kind": kind}, headers=world.headers(role)
    )


def test_a_flag_becomes_a_draft_in_one_call_and_asking_again_returns_it(
    client: TestClient, world: World, visit: dict[str, Any]
) -> None:
    first = raise_flag(client, world, visit["id"], "difficulty", Role.MEMBER)
    assert first.status_code == 201, first.text
    draft = first.json()
    assert draft["text"] == "屋顶漏雨，需要维修" and draft["kind_label"] == "困难问题"
    assert draft["household_id"] == world.household["h1"] and draft["status"] == "draft"
    # seeds/xiaolin-xianfeng-hulian.txt: 收集、分类、流转、督办、反馈 — collected, waiting for 分类.
    assert draft["status_label"] == "待分类"
    assert draft["title"].startswith("困难问题：屋顶漏雨")
    again = raise_flag(client, world, visit["id"], "difficulty", Role.MEMBER)
    assert again.status_code == 200 and again.json()["id"] == draft["id"]
    assert again.json()["duplicate"] is True
    other = raise_flag(client, world, visit["id"], "suggestion", Role.BRANCH_SECRETARY)
    assert other.status_code == 201 and other.json()["id"] != draft["id"]
    listed = client.get(
        f"{API}/issue-drafts",
        params={"household_id": world.household["h1"]},
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()
    assert listed["total"] == 2
    assert {d["kind"] for d in listed["data"]} == {"difficulty", "suggestion"}
    # a list names the household's head and the visiting member, not their ids alone
    assert {(d["head_name"], d["member_name"]) for d in listed["data"]} == {("赵一", "张三")}
    got = client.get(f"{API}/issue-drafts/{draft['id']}", headers=world.headers(Role.MEMBER))
    assert got.status_code == 200 and got.json()["text"] == draft["text"]


def test_a_kind_the_visit_did_not_record_or_does_not_exist_is_refused(
    client: TestClient, world: World, visit: dict[str, Any]
) -> None:
    missing = raise_flag(client, world, visit["id"], "dispute", Role.MEMBER)
    assert missing.status_code == 422
    assert missing.json()["code"] == "issue_draft.no_such_flag"
    assert missing.json()["field"] == "kind"
    bogus = raise_flag(client, world, visit["id"], "gossip", Role.MEMBER)
    assert bogus.status_code == 422 and bogus.json()["field"] == "kind"


def test_drafts_stay_inside_the_callers_reach(
    client: TestClient, world: World, visit: dict[str, Any]
) -> None:
    stranger = client.post(
        f"{API}/visits/{visit['id']}/issue-drafts",
        json={"kind": "difficulty"},
        headers=world.headers(Role.MEMBER, org="V2", member="m3"),
    )
    assert stranger.status_code == 404 and stranger.json()["code"] == "visit.not_found"
    assert raise_flag(client, world, visit["id"], "difficulty", Role.AUDITOR).status_code == 403
    draft = raise_flag(client, world, visit["id"], "difficulty", Role.MEMBER).json()
    far = world.headers(Role.TOWNSHIP_CADRE, org="T2")
    assert client.get(f"{API}/issue-drafts", headers=far).json()["total"] == 0
    res = client.get(f"{API}/issue-drafts/{draft['id']}", headers=far)
    assert res.status_code == 404 and res.json()["code"] == "issue_draft.not_found"
    near = client.get(f"{API}/issue-drafts", headers=world.headers(Role.TOWNSHIP_CADRE))
    assert near.json()["total"] == 1


def test_a_flag_raised_twice_at_once_is_one_draft_and_the_other_answer_finds_it(
    client: TestClient, world: World, visit: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both found no draft before either wrote one (a double tap, a retry): the second insert
    broke the unique (visit, kind) and answered 500."""
    _all_at_once(monkeypatch, SqlIssueDraftStore, "by_flag", 2)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda _: raise_flag(client, world, visit["id"], "difficulty", Role.MEMBER),
                range(2),
            )
        )
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    # the one answered 200 is what a repeat a moment later gets: the draft, marked duplicate
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True]
    assert len({a.json()["id"] for a in answers}) == 1
    with world.app.state.session_factory() as s:
        drafts = s.execute(text("SELECT count(*) FROM issue_drafts")).scalar_one()
        audited = s.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'issue_draft'"))
        assert (drafts, audited.scalar_one()) == (1, 1)
