"""Offline sync: a mixed batch keeps its good items, replays are duplicates, a visit to a
household reassigned meanwhile is kept and flagged, and the delta pull."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from persistence.issue_drafts.store import SqlIssueDraftStore
from persistence.visits.store import SqlVisitStore
from tests.builders import World
from tests.conftest import Clock

API = "/api/v1"


def op(
    world: World, uuid: str, household: str, when: str = "2026-11-20T08:00:00+08:00", **payload: Any
) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "kind": "visit",
        "payload": {
            "member_id": world.member["m1"],
            "household_id": world.household[household],
            "visited_at": when,
            "mode": "home",
            **payload,
        },
    }


def visits_count(world: World) -> int:
    with world.app.state.session_factory() as s:
        return int(s.execute(text("SELECT count(*) FROM visits")).scalar_one())


U = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(10)]


def test_a_mixed_batch_keeps_the_good_items_and_says_why_for_the_others(
    client: TestClient, world: World, scheme: None
) -> None:
    batch = [
        op(world, U[1], "h1"),
        op(world, U[2], "h2", checklist=["支部决议传达到户"]),
        op(world, U[3], "h1", when="2026-12-30T08:00:00+08:00"),  # in the future
        {"uuid": U[4], "kind": "meeting_minutes", "payload": {}},  # not a sync operation
        op(world, U[5], "h3"),  # never m1's household
        op(world, "not-a-uuid", "h1"),
        op(world, U[6], "h2", mode="telepathy"),
    ]
    res = client.post(
        f"{API}/sync/batch", json={"operations": batch}, headers=world.headers(Role.MEMBER)
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert (body["applied"], body["duplicate"], body["rejected"]) == (2, 0, 5)
    codes = {r["index"]: r["code"] for r in body["results"] if r["status"] == "rejected"}
    assert codes == {
        2: "visit.in_future",
        3: "sync.unsupported_kind",
        4: "visit.not_contact_member",
        5: "sync.bad_uuid",
        6: "request.validation",
    }
    bad_mode = next(r for r in body["results"] if r["index"] == 6)
    assert bad_mode["field"] == "mode" and bad_mode["message"].startswith("应为以下之一：")
    assert visits_count(world) == 2


def test_replaying_a_batch_never_duplicates(client: TestClient, world: World, scheme: None) -> None:
    batch = {"operations": [op(world, U[1], "h1"), op(world, U[2], "h2")]}
    client.post(f"{API}/sync/batch", json=batch, headers=world.headers(Role.MEMBER))
    again = client.post(f"{API}/sync/batch", json=batch, headers=world.headers(Role.MEMBER))
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert visits_count(world) == 2


def test_a_visit_to_a_household_reassigned_meanwhile_is_kept_credited_and_flagged(
    client: TestClient, world: World, scheme: None
) -> None:
    with world.app.state.session_factory() as s:  # h1 went to m2 on 2026-11-22
        s.execute(
            text("UPDATE assignments SET ended_on = :d WHERE household_id = :h"),
            {"d": date(2026, 11, 22), "h": world.household["h1"]},
        )
        s.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on) VALUES (:m, :h, :d)"
            ),
            {"m": world.member["m2"], "h": world.household["h1"], "d": date(2026, 11, 22)},
        )
        s.commit()
    # m1 visited on the 20th, offline; the sync comes after the change
    res = client.post(
        f"{API}/sync/batch",
        json={"operations": [op(world, U[1], "h1")]},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    [result] = res.json()["results"]
    assert result["status"] == "applied" and "改由党员" in result["note"]
    with world.app.state.session_factory() as s:
        member = s.execute(text("SELECT member_id FROM visits")).scalar_one()
    assert member == world.member["m1"]


def test_the_sync_note_names_the_member_who_looks_after_the_household_now(
    client: TestClient, world: World, scheme: None
) -> None:
    """The note said '已改由党员 10 联系': an id the member cannot place."""
    with world.app.state.session_factory() as s:  # h1 went to m2 (李四) on the 22nd
        s.execute(
            text("UPDATE assignments SET ended_on = :d WHERE household_id = :h"),
            {"d": date(2026, 11, 22), "h": world.household["h1"]},
        )
        s.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on) VALUES (:m, :h, :d)"
            ),
            {"m": world.member["m2"], "h": world.household["h1"], "d": date(2026, 11, 22)},
        )
        s.commit()
    h = world.headers(Role.MEMBER)
    res = client.post(f"{API}/sync/batch", json={"operations": [op(world, U[1], "h1")]}, headers=h)
    [result] = res.json()["results"]
    assert result["note"] == "离线走访同步时该户已改由党员 李四 联系", result
    # h2 moved out meanwhile: nobody looks after it now
    client.patch(
        f"{API}/households/{world.household['h2']}",
        json={"status": "moved_out"},
        headers=world.headers(Role.ADMIN),
    )
    res = client.post(f"{API}/sync/batch", json={"operations": [op(world, U[2], "h2")]}, headers=h)
    [result] = res.json()["results"]
    assert result["status"] == "applied", result
    assert result["note"] == "离线走访同步时该户已无联系党员", result


def test_an_item_that_is_not_an_operation_is_refused_alone(
    client: TestClient, world: World, scheme: None
) -> None:
    """A list of objects was the batch's type: one item that was not an object (or carried a
    key beside uuid, kind and payload, silently ignored) refused the whole batch, or not at
    all."""
    batch = [
        op(world, U[1], "h1"),
        "garbage",
        None,
        {**op(world, U[2], "h2"), "recorded_at": "2026-11-20T08:00:00+08:00"},
        op(world, U[3], "h2"),
    ]
    res = client.post(
        f"{API}/sync/batch", json={"operations": batch}, headers=world.headers(Role.MEMBER)
    )
    assert res.status_code == 200, res.text
    rejected = {r["index"]: (r["code"], r["field"]) for r in res.json()["results"]}
    assert {i: rejected[i] for i in (1, 2, 3)} == {
        1: ("sync.bad_operation", "operation"),
        2: ("sync.bad_operation", "operation"),
        3: ("sync.unknown_key", "recorded_at"),
    }
    assert res.json()["applied"] == 2 and visits_count(world) == 2


def test_a_tick_made_offline_within_the_window_counts_when_synced_later(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The edit window was judged at the sync: a tick made an hour after the visit, on a phone
    that found a signal two days later, was refused as too late."""
    h = world.headers(Role.MEMBER)
    client.post(f"{API}/sync/batch", json={"operations": [op(world, V[1], "h1")]}, headers=h)
    made = clock()

    def tick(uuid: str, item: str, recorded_at: datetime | None) -> dict[str, Any]:
        payload: dict[str, Any] = {"visit_uuid": V[1], "items": [item]}
        if recorded_at is not None:
            payload["recorded_at"] = recorded_at.isoformat()
        return {"uuid": uuid, "kind": "checklist_tick", "payload": payload}

    clock.advance(days=2)
    ops = [
        tick(V[2], "困难帮扶解决到户", made + timedelta(hours=1)),
        tick(V[3], "支部决议传达到户", None),  # no phone time: judged now, too late
        tick(V[4], "上级政策宣讲到户", clock() + timedelta(hours=1)),  # in the future
        tick(V[5], "上级政策宣讲到户", datetime(2026, 11, 1, tzinfo=UTC)),  # before the visit
    ]
    res = client.post(f"{API}/sync/batch", json={"operations": ops}, headers=h).json()
    assert [(r["status"], r.get("code")) for r in res["results"]] == [
        ("applied", None),
        ("rejected", "visit.edit_window_closed"),
        ("rejected", "visit.recorded_in_future"),
        ("rejected", "visit.recorded_before_visit"),
    ]
    visits = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert visits[0]["checklist"] == ["困难帮扶解决到户"]


def test_the_pull_returns_what_changed_since_the_cursor(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    h = world.headers(Role.MEMBER)
    first = client.get(f"{API}/sync/pull", headers=h).json()
    assert sorted(x["external_id"] for x in first["households"]) == ["H1", "H2"]
    assert first["due"]["cadence_days"] == 14 and len(first["due"]["data"]) == 2
    clock.advance(minutes=5)
    client.post(f"{API}/sync/batch", json={"operations": [op(world, U[1], "h2")]}, headers=h)
    second = client.get(f"{API}/sync/pull", params={"since": first["cursor"]}, headers=h)
    assert second.status_code == 200, second.text
    assert second.json()["households"] == []
    assert [v["household_id"] for v in second.json()["visits"]] == [world.household["h2"]]


def pull_all(client: TestClient, world: World, since: str | None = None, **params: Any) -> Any:
    """One pull, every page of it: the pages as the server sent them."""
    h = world.headers(Role.MEMBER)
    base = {**params, **({"since": since} if since else {})}
    pages = [client.get(f"{API}/sync/pull", params=base, headers=h).json()]
    while pages[-1]["more"]:
        pages.append(
            client.get(f"{API}/sync/pull", params={**base, **pages[-1]["next"]}, headers=h).json()
        )
        assert len(pages) < 20, pages
    return pages


def test_a_pull_larger_than_its_limit_comes_in_pages_that_add_up(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """Past the limit the rest was dropped, and the cursor moved on past it: a branch
    secretary's first pull of a village's year of visits kept only the oldest 2,000."""
    h = world.headers(Role.MEMBER)
    ops = [op(world, U[i], "h1" if i % 2 else "h2") for i in range(5)]
    client.post(f"{API}/sync/batch", json={"operations": ops}, headers=h)
    whole = pull_all(client, world)
    assert len(whole) == 1 and whole[0]["next"] is None
    pages = pull_all(client, world, limit=2)
    assert len(pages) == 3
    assert [len(p["visits"]) for p in pages] == [2, 2, 1]
    assert sorted(v["id"] for p in pages for v in p["visits"]) == sorted(
        v["id"] for v in whole[0]["visits"]
    )
    assert [x["id"] for p in pages for x in p["households"]] == [
        x["id"] for x in whole[0]["households"]
    ]
    assert pages[0]["due"] is not None and all(p["due"] is None for p in pages[1:])
    # a visit logged between two pages waits for the next pull: the pages are one moment's
    clock.advance(minutes=1)
    sent = client.post(
        f"{API}/sync/batch", json={"operations": [op(world, U[8], "h1")]}, headers=h
    ).json()
    late_id = sent["results"][0]["id"]
    page = client.get(f"{API}/sync/pull", params={"limit": 2, **pages[0]["next"]}, headers=h)
    assert late_id not in {v["id"] for v in page.json()["visits"]}
    assert late_id in {
        v["id"] for p in pull_all(client, world, pages[-1]["cursor"]) for v in p["visits"]
    }


def test_a_write_committed_just_after_a_pull_with_an_earlier_time_comes_in_the_next(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """A visit written with the time its batch began, committed after a pull that ran in
    between, carries a time before that pull's cursor: the next pull started after it."""
    h = world.headers(Role.MEMBER)
    clock.advance(minutes=10)
    first = pull_all(client, world)[-1]
    clock.advance(minutes=-1)  # the batch began a minute before the pull …
    client.post(f"{API}/sync/batch", json={"operations": [op(world, U[1], "h1")]}, headers=h)
    clock.advance(minutes=2)  # … and committed after it
    later = pull_all(client, world, first["cursor"])
    assert [v["household_id"] for p in later for v in p["visits"]] == [world.household["h1"]]


def test_a_visit_edited_since_the_cursor_comes_in_the_pull(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The pull read visits by the time they were logged: an edit (the branch correcting a
    note, a tick) never reached the member's phone."""
    h = world.headers(Role.MEMBER)
    sent = client.post(
        f"{API}/sync/batch", json={"operations": [op(world, U[1], "h1")]}, headers=h
    ).json()
    visit_id = sent["results"][0]["id"]
    clock.advance(minutes=10)
    before = pull_all(client, world)[-1]
    clock.advance(minutes=10)
    res = client.patch(
        f"{API}/visits/{visit_id}",
        json={"notes": "支部补记：已联系村医"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert res.status_code == 200, res.text
    clock.advance(minutes=10)
    after = pull_all(client, world, before["cursor"])
    assert [(v["id"], v["notes"]) for p in after for v in p["visits"]] == [
        (visit_id, "支部补记：已联系村医")
    ]


def test_the_pull_carries_the_members_open_tasks(
    client: TestClient, world: World, scheme: None
) -> None:
    """A must-attend event reported while the phone was online reached it only if the member
    opened the task list then: offline later, it was not there."""
    event_id = report_event(client, world, "h2")
    pages = pull_all(client, world, limit=1)
    assert [t["id"] for t in pages[0]["tasks"]] == [event_id]
    assert pages[0]["tasks"][0]["household_id"] == world.household["h2"]
    assert all(p["tasks"] is None for p in pages[1:])
    secretary = client.get(f"{API}/sync/pull", headers=world.headers(Role.BRANCH_SECRETARY))
    assert secretary.json()["tasks"] is None  # an account that is no member has no tasks


def test_a_household_given_to_the_member_reaches_their_phone_with_its_history(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """Its own row did not change when a roster gave it to the member: a phone that had pulled
    before never heard of it (the due list named it, the phone had nothing to show)."""
    admin, h2 = world.headers(Role.ADMIN), world.household["h2"]

    def publish(member: str) -> None:
        draft = client.post(
            f"{API}/assignment-proposals", json={"org_id": world.org["V1"]}, headers=admin
        ).json()
        move = {"household_id": h2, "member_id": world.member[member]}
        res = client.post(
            f"{API}/assignment-proposals/{draft['id']}/edits", json={"moves": [move]}, headers=admin
        )
        assert res.status_code == 200, res.text
        res = client.post(
            f"{API}/assignment-proposals/{draft['id']}/publish",
            json={"accept_shortfalls": True},
            headers=admin,
        )
        assert res.status_code == 200, res.text

    publish("m2")  # h2 goes to the branch secretary, who visits it
    earlier = client.post(
        f"{API}/visits",
        json={
            "member_id": world.member["m2"],
            "household_id": h2,
            "visited_at": "2026-11-20T08:00:00+08:00",
            "mode": "home",
        },
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert earlier.status_code == 201, earlier.text
    clock.advance(minutes=10)
    before = pull_all(client, world)[-1]
    assert h2 not in {x["id"] for x in before["households"]}
    clock.advance(minutes=10)
    publish("m1")  # and comes back to the member
    clock.advance(minutes=10)
    after = pull_all(client, world, before["cursor"])
    assert h2 in {x["id"] for p in after for x in p["households"]}
    assert earlier.json()["id"] in {v["id"] for p in after for v in p["visits"]}
    assert h2 in {d["household_id"] for d in after[0]["due"]["data"]}


def test_an_oversized_batch_is_refused_whole(
    client: TestClient, world: World, scheme: None
) -> None:
    ops = [op(world, f"00000000-0000-4000-8000-{i:012d}", "h1") for i in range(501)]
    res = client.post(
        f"{API}/sync/batch", json={"operations": ops}, headers=world.headers(Role.MEMBER)
    )
    assert res.status_code == 422 and res.json()["field"] == "operations"
    assert visits_count(world) == 0


V = [f"11111111-1111-4111-8111-1111111111{i:02d}" for i in range(20)]


def report_event(client: TestClient, world: World, household: str) -> int:
    res = client.post(
        f"{API}/households/{world.household[household]}/events",
        json={"kind": "生病住院", "note": "户主住院"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def field_day(world: World, event_id: int) -> list[dict[str, Any]]:
    """A day in the field, offline: a visit with a flagged difficulty, a tick added to it
    later, the difficulty raised as an issue draft, and attendance at a must-attend event."""
    visit = op(
        world,
        V[1],
        "h1",
        when="2026-11-24T09:00:00+08:00",
        flags=[{"kind": "difficulty", "text": "家中老人行动不便，需要轮椅"}],
    )
    return [
        visit,
        {
            "uuid": V[2],
            "kind": "checklist_tick",
            "payload": {"visit_uuid": V[1], "items": ["困难帮扶解决到户"]},
        },
        {
            "uuid": V[3],
            "kind": "issue_draft",
            "payload": {"visit_uuid": V[1], "kind": "difficulty"},
        },
        {
            "uuid": V[4],
            "kind": "attendance",
            "payload": {
                **op(world, V[4], "h2", when="2026-11-25T10:00:00+08:00")["payload"],
                "event_id": event_id,
            },
        },
    ]


def test_every_kind_of_offline_work_syncs_once_even_when_replayed(
    client: TestClient, world: World, scheme: None
) -> None:
    batch = field_day(world, report_event(client, world, "h2"))
    h = world.headers(Role.MEMBER)
    first = client.post(f"{API}/sync/batch", json={"operations": batch}, headers=h).json()
    assert [r["status"] for r in first["results"]] == ["applied"] * 4, first
    again = client.post(f"{API}/sync/batch", json={"operations": batch}, headers=h).json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 4, again
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert visits_count(world) == 2  # the visit and the attendance, once each
    visit_id = first["results"][0]["id"]
    # each answer names the visit it belongs to, where the client uploads its photos
    attendance = client.get(f"{API}/households/{world.household['h2']}/visits", headers=h).json()[
        0
    ]["id"]
    assert [r["visit_id"] for r in first["results"]] == [visit_id] * 3 + [attendance]
    assert [r["visit_id"] for r in again["results"]] == [r["visit_id"] for r in first["results"]]
    history = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert history[0]["id"] == visit_id and history[0]["checklist"] == ["困难帮扶解决到户"]
    drafts = client.get(f"{API}/issue-drafts", headers=h).json()
    assert drafts["total"] == 1 and drafts["data"][0]["visit_id"] == visit_id
    assert client.get(f"{API}/members/{world.member['m1']}/tasks", headers=h).json() == []
    events = client.get(
        f"{API}/org-units/{world.org['V1']}/events", headers=world.headers(Role.BRANCH_SECRETARY)
    ).json()["data"]
    assert [e["status"] for e in events] == ["attended"]


def test_bad_items_of_the_new_kinds_are_refused_one_by_one_and_the_good_kept(
    client: TestClient, world: World, scheme: None
) -> None:
    event_id = report_event(client, world, "h2")
    good = field_day(world, event_id)
    bad = [
        {
            "uuid": V[10],
            "kind": "checklist_tick",
            "payload": {"visit_uuid": V[1], "items": ["打扫卫生到户"]},
        },  # not on the checklist
        {
            "uuid": V[11],
            "kind": "issue_draft",
            "payload": {"visit_uuid": V[19], "kind": "difficulty"},
        },  # that visit never synced
        {
            "uuid": V[12],
            "kind": "issue_draft",
            "payload": {"visit_uuid": V[1], "visit_id": 1, "kind": "difficulty"},
        },  # both refs
        {
            "uuid": V[13],
            "kind": "issue_draft",
            "payload": {"visit_uuid": V[1], "kind": "dispute"},
        },  # not recorded on that visit
        {
            "uuid": V[14],
            "kind": "attendance",
            "payload": {**op(world, V[14], "h2")["payload"], "event_id": event_id},
        },  # again
        {"uuid": V[15], "kind": "attendance", "payload": op(world, V[15], "h2")["payload"]},
    ]
    res = client.post(
        f"{API}/sync/batch",
        json={"operations": good + bad},
        headers=world.headers(Role.MEMBER),
    ).json()
    assert (res["applied"], res["rejected"]) == (4, 6), res
    rejected = {
        r["index"]: (r["code"], r["field"]) for r in res["results"] if r["status"] == "rejected"
    }
    assert rejected == {
        4: ("visit.unknown_checklist_item", "checklist"),
        5: ("visit.not_found", "visit_uuid"),
        6: ("request.validation", "payload"),
        7: ("issue_draft.no_such_flag", "kind"),
        8: ("event.already_attended", "event_id"),
        9: ("request.validation", "event_id"),
    }
    assert visits_count(world) == 2


def test_ticks_after_the_edit_window_are_refused_but_a_replay_still_answers_duplicate(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    h = world.headers(Role.MEMBER)
    tick = {
        "uuid": V[2],
        "kind": "checklist_tick",
        "payload": {"visit_uuid": V[1], "items": ["困难帮扶解决到户"]},
    }
    client.post(f"{API}/sync/batch", json={"operations": [op(world, V[1], "h1"), tick]}, headers=h)
    clock.advance(hours=30)
    replay = client.post(f"{API}/sync/batch", json={"operations": [tick]}, headers=h).json()
    assert replay["results"][0]["status"] == "duplicate"
    late = {**tick, "uuid": V[5], "payload": {"visit_uuid": V[1], "items": ["支部决议传达到户"]}}
    res = client.post(f"{API}/sync/batch", json={"operations": [late]}, headers=h).json()
    assert res["results"][0]["code"] == "visit.edit_window_closed"


def test_a_branch_cannot_credit_an_offline_visit_to_a_member_outside_its_reach(
    client: TestClient, world: World, scheme: None
) -> None:
    """m3 belongs to another township: syncing on a member's behalf used to skip this check."""
    visit = op(world, V[7], "h1")
    visit["payload"]["member_id"] = world.member["m3"]
    res = client.post(
        f"{API}/sync/batch",
        json={"operations": [visit]},
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()
    assert res["results"][0]["code"] == "member.not_found"
    assert visits_count(world) == 0


def test_the_same_uuid_twice_in_one_batch_is_one_visit(
    client: TestClient, world: World, scheme: None
) -> None:
    twice = op(world, V[8], "h1")
    between = op(world, V[9], "h2")
    res = client.post(
        f"{API}/sync/batch",
        json={"operations": [twice, between, twice, op(world, V[9], "h3")]},
        headers=world.headers(Role.MEMBER),
    ).json()
    statuses = [(r["status"], r["id"]) for r in res["results"]]
    assert statuses[0][0] == "applied" and statuses[2] == ("duplicate", statuses[0][1])
    assert statuses[1][0] == "applied" and statuses[3] == ("duplicate", statuses[1][1])
    assert visits_count(world) == 2


def test_an_operation_at_the_ends_of_the_calendar_is_refused_alone(
    client: TestClient, world: World, scheme: None
) -> None:
    """A time whose China date does not exist (past 9999, before the year 1) made the whole
    batch a 500, its good operations unwritten: a client resending it would never sync."""
    event_id = report_event(client, world, "h2")
    far = "9999-12-31T23:59:59Z"
    attendance = op(world, V[4], "h2", when=far)
    attendance["payload"]["event_id"] = event_id
    batch = [
        op(world, V[1], "h1"),
        op(world, V[2], "h1", when=far),
        op(world, V[3], "h2", when="0001-01-01T00:00:00+14:00"),
        {**attendance, "kind": "attendance"},
        op(world, V[5], "h2"),
    ]
    h = world.headers(Role.MEMBER)
    res = client.post(f"{API}/sync/batch", json={"operations": batch}, headers=h)
    assert res.status_code == 200, res.text
    results = {r["index"]: r for r in res.json()["results"]}
    assert [results[i]["status"] for i in (0, 4)] == ["applied", "applied"]
    assert {i: (results[i]["code"], results[i]["field"]) for i in (1, 2, 3)} == {
        1: ("visit.in_future", "visited_at"),
        2: ("visit.too_old", "visited_at"),
        3: ("visit.in_future", "visited_at"),
    }
    assert visits_count(world) == 2
    online = {k: v for k, v in attendance["payload"].items() if k != "event_id"}
    res = client.post(f"{API}/events/{event_id}/attendance", json=online, headers=h)
    assert res.status_code == 422 and res.json()["code"] == "visit.in_future", res.text


@pytest.mark.parametrize(
    "since", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-11-25T10:00:00Z"]
)
@pytest.mark.parametrize("until", [None, "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_the_pull_takes_any_cursor(
    client: TestClient, world: World, scheme: None, since: str, until: str | None
) -> None:
    params = {"since": since} | ({"until": until} if until else {})
    res = client.get(f"{API}/sync/pull", params=params, headers=world.headers(Role.MEMBER))
    assert res.status_code == 200, res.text
    datetime.fromisoformat(res.json()["cursor"])  # a time a client can send back


def test_a_replay_in_another_spelling_of_its_uuids_is_a_duplicate(
    client: TestClient, world: World, scheme: None
) -> None:
    h = world.headers(Role.MEMBER)
    event_id = report_event(client, world, "h2")
    batch = field_day(world, event_id)
    first = client.post(f"{API}/sync/batch", json={"operations": batch}, headers=h).json()
    assert [r["status"] for r in first["results"]] == ["applied"] * 4, first
    shouted = [
        {**o, "uuid": o["uuid"].upper().replace("-", "")}
        | (
            {"payload": {**o["payload"], "visit_uuid": o["payload"]["visit_uuid"].upper()}}
            if "visit_uuid" in o["payload"]
            else {}
        )
        for o in batch
    ]
    again = client.post(f"{API}/sync/batch", json={"operations": shouted}, headers=h).json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 4, again
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    # each answer names the operation by the uuid as the client sent it
    assert [r["uuid"] for r in again["results"]] == [o["uuid"] for o in shouted]
    assert visits_count(world) == 2


def test_a_uuid_of_hyphens_only_is_refused(client: TestClient, world: World, scheme: None) -> None:
    res = client.post(
        f"{API}/sync/batch",
        json={"operations": [op(world, "-" * 36, "h1")]},
        headers=world.headers(Role.MEMBER),
    ).json()
    assert res["results"][0]["code"] == "sync.bad_uuid"
    assert visits_count(world) == 0


def test_half_a_position_is_refused_alone(client: TestClient, world: World, scheme: None) -> None:
    res = client.post(
        f"{API}/sync/batch",
        json={"operations": [op(world, V[1], "h1", lat=30.5), op(world, V[2], "h2")]},
        headers=world.headers(Role.MEMBER),
    ).json()
    assert [r["status"] for r in res["results"]] == ["rejected", "applied"]
    assert res["results"][0]["field"] == "lng"
    assert visits_count(world) == 1


def _all_at_once(
    monkeypatch: pytest.MonkeyPatch, cls: type[Any], method: str, parties: int
) -> None:
    """The first ``parties`` calls of ``cls.method`` wait for one another: every request has
    made its check before any goes on to write, the window a retry falls into when its first
    send is still being written."""
    barrier = threading.Barrier(parties, timeout=20)
    calls = itertools.count()
    original = getattr(cls, method)

    def waiting(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        if next(calls) < parties:
            barrier.wait()
        return result

    monkeypatch.setattr(cls, method, waiting)


def test_the_same_batch_sent_several_times_at_once_is_written_once(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = 8
    batch = {
        "operations": [
            op(world, f"22222222-2222-4222-8222-{i:012d}", "h1" if i % 2 else "h2")
            for i in range(50)
        ]
    }
    _all_at_once(monkeypatch, SqlVisitStore, "by_client_uuids", sends)
    h = world.headers(Role.MEMBER)

    def send(_: int) -> tuple[int, Any]:
        res = client.post(f"{API}/sync/batch", json=batch, headers=h)
        return res.status_code, res.json()

    with ThreadPoolExecutor(sends) as pool:
        answers = list(pool.map(send, range(sends)))
    assert [status for status, _ in answers] == [200] * sends, answers
    ids: dict[int, set[int]] = {}
    for _, body in answers:
        for r in body["results"]:
            assert r["status"] in ("applied", "duplicate"), r
            ids.setdefault(r["index"], set()).add(r["id"])
    assert all(len(found) == 1 for found in ids.values()), "every send names the same visit"
    applied = sum(body["applied"] for _, body in answers)
    assert applied == 50 and sum(body["duplicate"] for _, body in answers) == 50 * (sends - 1)
    assert visits_count(world) == 50
    with world.app.state.session_factory() as s:
        audited = s.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'visit'"))
        assert audited.scalar_one() == 50  # one entry per visit written, none for a duplicate


def test_the_same_offline_attendance_sent_twice_at_once_is_one(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = report_event(client, world, "h2")
    attendance = op(world, V[4], "h2", when="2026-11-25T10:00:00+08:00")
    batch = {
        "operations": [
            {
                **attendance,
                "kind": "attendance",
                "payload": {**attendance["payload"], "event_id": event_id},
            }
        ]
    }
    _all_at_once(monkeypatch, SqlVisitStore, "by_client_uuids", 2)
    h = world.headers(Role.MEMBER)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda _: client.post(f"{API}/sync/batch", json=batch, headers=h), range(2))
        )
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    results = [a.json()["results"][0] for a in answers]
    assert sorted(r["status"] for r in results) == ["applied", "duplicate"], results
    assert len({(r["id"], r["visit_id"]) for r in results}) == 1
    assert visits_count(world) == 1


def _each_at_once(
    client: TestClient, world: World, operations: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each operation in its own batch, all sent at once: the result of each."""
    h = world.headers(Role.MEMBER)
    with ThreadPoolExecutor(len(operations)) as pool:
        answers = list(
            pool.map(
                lambda o: client.post(f"{API}/sync/batch", json={"operations": [o]}, headers=h),
                operations,
            )
        )
    assert [a.status_code for a in answers] == [200] * len(operations), [a.text for a in answers]
    return [a.json()["results"][0] for a in answers]


def test_the_same_issue_draft_sent_twice_at_once_is_one(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both batches found no draft before either wrote one: one answered 500, and the client
    sent its whole batch again and again."""
    h = world.headers(Role.MEMBER)
    visit = op(world, V[1], "h1", flags=[{"kind": "difficulty", "text": "屋顶漏雨"}])
    client.post(f"{API}/sync/batch", json={"operations": [visit]}, headers=h)
    _all_at_once(monkeypatch, SqlIssueDraftStore, "by_flag", 2)
    draft = {"kind": "issue_draft", "payload": {"visit_uuid": V[1], "kind": "difficulty"}}
    results = _each_at_once(client, world, [{**draft, "uuid": V[2]}, {**draft, "uuid": V[3]}])
    assert sorted(r["status"] for r in results) == ["applied", "duplicate"], results
    assert len({(r["id"], r["visit_id"]) for r in results}) == 1
    with world.app.state.session_factory() as s:
        assert s.execute(text("SELECT count(*) FROM issue_drafts")).scalar_one() == 1


def test_ticks_sent_at_once_are_all_kept_and_the_same_tick_twice_is_a_duplicate(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tick read the visit's list, added its items and wrote the whole list back: of two
    items ticked at once one was lost, and the same item ticked twice answered applied twice."""
    h = world.headers(Role.MEMBER)
    client.post(f"{API}/sync/batch", json={"operations": [op(world, V[1], "h1")]}, headers=h)

    def tick(uuid: str, item: str) -> dict[str, Any]:
        return {
            "uuid": uuid,
            "kind": "checklist_tick",
            "payload": {"visit_uuid": V[1], "items": [item]},
        }

    def checklist() -> list[str]:
        visits = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h)
        return sorted(visits.json()[0]["checklist"])

    # every tick has read the visit and checked its items before any writes
    _all_at_once(monkeypatch, SqlVisitStore, "household_path", 2)
    both = _each_at_once(
        client, world, [tick(V[2], "困难帮扶解决到户"), tick(V[3], "支部决议传达到户")]
    )
    assert [r["status"] for r in both] == ["applied", "applied"], both
    assert checklist() == ["困难帮扶解决到户", "支部决议传达到户"]
    _all_at_once(monkeypatch, SqlVisitStore, "household_path", 2)
    twice = _each_at_once(
        client, world, [tick(V[4], "上级政策宣讲到户"), tick(V[5], "上级政策宣讲到户")]
    )
    assert sorted(r["status"] for r in twice) == ["applied", "duplicate"], twice
    assert checklist() == ["上级政策宣讲到户", "困难帮扶解决到户", "支部决议传达到户"]
    with world.app.state.session_factory() as s:
        audited = s.execute(
            text("SELECT count(*) FROM audit_log WHERE entity = 'visit' AND action = 'update'")
        )
        assert audited.scalar_one() == 3  # one entry per tick that changed the list


def test_a_tick_made_while_an_edit_is_under_way_is_kept(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edit read the visit, a tick added its item and committed, and the edit wrote back
    the list it had read: the tick was lost although it was answered applied."""
    h = world.headers(Role.MEMBER)
    made = client.post(f"{API}/sync/batch", json={"operations": [op(world, V[1], "h1")]}, headers=h)
    visit_id = made.json()["results"][0]["id"]
    tick = {
        "uuid": V[2],
        "kind": "checklist_tick",
        "payload": {"visit_uuid": V[1], "items": ["困难帮扶解决到户"]},
    }
    edit_has_read, tick_is_done = threading.Event(), threading.Event()
    calls = itertools.count()
    original = SqlVisitStore.get

    def get(self: SqlVisitStore, visit_id: int, scope: Any) -> Any:
        result = original(self, visit_id, scope)
        if next(calls) == 0:  # the edit's read waits for the whole tick
            edit_has_read.set()
            assert tick_is_done.wait(20)
        return result

    monkeypatch.setattr(SqlVisitStore, "get", get)
    with ThreadPoolExecutor(1) as pool:
        edited = pool.submit(
            client.patch, f"{API}/visits/{visit_id}", json={"notes": "补记：已联系村医"}, headers=h
        )
        assert edit_has_read.wait(20)
        ticked = client.post(f"{API}/sync/batch", json={"operations": [tick]}, headers=h)
        tick_is_done.set()
        assert ticked.json()["results"][0]["status"] == "applied", ticked.text
        assert edited.result().status_code == 200, edited.result().text
    (stored,) = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert stored["notes"] == "补记：已联系村医"
    assert stored["checklist"] == ["困难帮扶解决到户"]


def test_an_offline_attendance_to_a_household_given_away_since_is_kept_and_flagged(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """Sync rule 3 held for visits but not for attendance: the member attended while the
    household was theirs, the roster gave it to another before the phone found a signal, and
    the attendance was refused as not found — the work lost, the event counted as missed."""
    event_id = report_event(client, world, "h1")  # 2026-11-25 10:00 China time, m1's task
    with world.app.state.session_factory() as s:  # from the 26th h1 is m2's
        s.execute(
            text("UPDATE assignments SET ended_on = :d WHERE household_id = :h"),
            {"d": date(2026, 11, 26), "h": world.household["h1"]},
        )
        s.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on) VALUES (:m, :h, :d)"
            ),
            {"m": world.member["m2"], "h": world.household["h1"], "d": date(2026, 11, 26)},
        )
        s.commit()
    clock.advance(days=2)
    attended = op(world, V[6], "h1", when="2026-11-25T12:00:00+08:00")
    attendance = {
        **attended,
        "kind": "attendance",
        "payload": {**attended["payload"], "event_id": event_id},
    }
    h = world.headers(Role.MEMBER)
    res = client.post(f"{API}/sync/batch", json={"operations": [attendance]}, headers=h).json()
    assert res["results"][0]["status"] == "applied", res
    again = client.post(f"{API}/sync/batch", json={"operations": [attendance]}, headers=h).json()
    assert again["results"][0]["status"] == "duplicate", again
    events = client.get(
        f"{API}/org-units/{world.org['V1']}/events", headers=world.headers(Role.BRANCH_SECRETARY)
    ).json()["data"]
    (event,) = [e for e in events if e["id"] == event_id]
    assert (event["status"], event["member_id"]) == ("attended", world.member["m1"])
    visits = client.get(
        f"{API}/households/{world.household['h1']}/visits",
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()
    assert "已改由党员" in (visits[0]["sync_note"] or "")  # flagged for the branch
    # one who never looked after the household is refused, as for a visit
    h3_event = report_event(client, world, "h3")
    stranger = op(world, V[7], "h3", when="2026-11-27T10:05:00+08:00")
    res = client.post(
        f"{API}/sync/batch",
        json={
            "operations": [
                {
                    **stranger,
                    "kind": "attendance",
                    "payload": {**stranger["payload"], "event_id": h3_event},
                }
            ]
        },
        headers=h,
    ).json()
    assert res["results"][0]["code"] == "visit.not_contact_member", res


def test_what_hangs_on_a_visit_kept_by_rule_3_is_kept_with_it(
    client: TestClient, world: World, scheme: None
) -> None:
    """A visit to a household the roster gave to another while the member was offline is kept
    and flagged (sync rule 3); its issue draft, in the same batch, and its photo, uploaded just
    after, were refused ('走访记录 5 不存在'): the photo stayed 被退回 and the escalation never
    reached the village."""
    with world.app.state.session_factory() as s:  # from the 25th h1 is m2's
        s.execute(
            text("UPDATE assignments SET ended_on = :d WHERE household_id = :h"),
            {"d": date(2026, 11, 25), "h": world.household["h1"]},
        )
        s.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on) VALUES (:m, :h, :d)"
            ),
            {"m": world.member["m2"], "h": world.household["h1"], "d": date(2026, 11, 25)},
        )
        s.commit()
    h = world.headers(Role.MEMBER)
    batch = field_day(world, 0)[:3]  # the visit of the 24th, a tick and the draft
    res = client.post(f"{API}/sync/batch", json={"operations": batch}, headers=h).json()
    assert [r["status"] for r in res["results"]] == ["applied"] * 3, res
    visit_id = res["results"][0]["id"]
    assert "改由" in res["results"][0]["note"]
    photo = client.post(
        f"{API}/visits/{visit_id}/photos",
        content=_png(),
        headers={**h, "Content-Type": "image/png"},
    )
    assert photo.status_code == 201, photo.text
    # the draft reaches the village, the photo is the visit's
    drafts = client.get(f"{API}/issue-drafts", headers=world.headers(Role.BRANCH_SECRETARY))
    assert [d["visit_id"] for d in drafts.json()["data"]] == [visit_id]
    photos = client.get(
        f"{API}/visits/{visit_id}/photos", headers=world.headers(Role.BRANCH_SECRETARY)
    ).json()
    assert len(photos) == 1
    # the member reads back what they wrote, but the household itself is m2's now
    assert len(client.get(f"{API}/visits/{visit_id}/photos", headers=h).json()) == 1
    assert client.get(f"{API}/households/{world.household['h1']}", headers=h).status_code == 404


def test_a_member_never_reaches_another_members_visit_to_a_household_they_left(
    client: TestClient, world: World, scheme: None
) -> None:
    """What a member keeps reaching is their own visits: m2's visit to h1, which m1 no longer
    looks after, stays out of m1's reach."""
    with world.app.state.session_factory() as s:
        s.execute(
            text(
                "INSERT INTO visits (member_id, household_id, visited_at, mode, notes, flags, "
                "checklist, created_by, created_at) VALUES (:m, :h, :at, 'home', '', '[]', '[]', "
                "'x', :at)"
            ),
            {
                "m": world.member["m2"],
                "h": world.household["h3"],
                "at": datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
            },
        )
        s.commit()
        other = int(s.execute(text("SELECT max(id) FROM visits")).scalar_one())
    h = world.headers(Role.MEMBER)
    assert client.get(f"{API}/visits/{other}/photos", headers=h).status_code == 404
    photo = client.post(
        f"{API}/visits/{other}/photos", content=_png(), headers={**h, "Content-Type": "image/png"}
    )
    assert photo.status_code == 404, photo.text


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()
