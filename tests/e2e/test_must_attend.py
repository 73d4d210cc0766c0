"""五必到: an event on a household becomes a task for its member; attendance is a visit; late
and missed attendance show to the branch."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role, Scope
from domain.must_attend.model import MustAttendEvent
from persistence.must_attend.store import SqlEventStore
from tests.builders import World
from tests.conftest import Clock

API = "/api/v1"


def attendance(world: World, household: str, when: str, member: str = "m1") -> dict[str, Any]:
    return {
        "member_id": world.member[member],
        "household_id": world.household[household],
        "visited_at": when,
        "mode": "home",
        "notes": "到场慰问",
    }


def report(client: TestClient, world: World, household: str = "h1", kind: str = "生病住院") -> Any:
    return client.post(
        f"{API}/households/{world.household[household]}/events",
        json={"kind": kind, "note": "户主住院"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )


def test_a_reported_event_becomes_the_contact_members_task_with_a_deadline(
    client: TestClient, world: World, scheme: None
) -> None:
    res = report(client, world)
    assert res.status_code == 201, res.text
    event = res.json()
    assert event["member_id"] == world.member["m1"] and event["status"] == "open"
    assert event["deadline"].startswith("2026-11-27T02:00")  # 48 hours
    # named as a list shows it: the household's head and grid, the member (张三 looks after h1)
    assert (event["head_name"], event["area_name"], event["member_name"]) == (
        "赵一",
        "第1网格",
        "张三",
    )
    tasks = client.get(
        f"{API}/members/{world.member['m1']}/tasks", headers=world.headers(Role.MEMBER)
    ).json()
    assert [t["id"] for t in tasks] == [event["id"]]
    assert tasks[0]["head_name"] == "赵一"
    # a household nobody looks after yet: recorded, named as such for the branch to arrange
    res = report(client, world, "h3")
    assert res.status_code == 201 and res.json()["member_name"] is None, res.text


def test_an_event_kind_outside_the_scheme_is_refused(
    client: TestClient, world: World, scheme: None
) -> None:
    res = report(client, world, kind="升学宴请")
    assert res.status_code == 422 and res.json()["code"] == "event.unknown_kind"


def test_attendance_is_a_visit_on_time_or_late(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    on_time = report(client, world, "h1").json()
    late = report(client, world, "h2").json()
    h = world.headers(Role.MEMBER)
    clock.advance(hours=2)
    res = client.post(
        f"{API}/events/{on_time['id']}/attendance",
        json=attendance(world, "h1", "2026-11-25T11:00:00+08:00"),
        headers=h,
    )
    assert res.status_code == 201, res.text
    assert res.json()["status"] == "attended"
    clock.advance(hours=58)
    res = client.post(
        f"{API}/events/{late['id']}/attendance",
        json=attendance(world, "h2", "2026-11-27T20:00:00+08:00"),
        headers=h,
    )
    assert res.status_code == 201 and res.json()["status"] == "late"
    again = client.post(
        f"{API}/events/{late['id']}/attendance",
        json=attendance(world, "h2", "2026-11-27T21:00:00+08:00"),
        headers=h,
    )
    assert again.status_code == 409 and again.json()["code"] == "event.already_attended"
    visits = client.get(f"{API}/households/{world.household['h2']}/visits", headers=h).json()
    assert len(visits) == 1 and visits[0]["id"] == res.json()["visit_id"]


def test_the_branch_sees_missed_attendance(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    event = report(client, world).json()
    clock.advance(hours=49)
    missed = client.get(
        f"{API}/org-units/{world.org['V1']}/events",
        params={"status": "missed"},
        headers=world.headers(Role.TOWNSHIP_CADRE),
    ).json()["data"]
    assert [e["id"] for e in missed] == [event["id"]]
    assert missed[0]["status_label"] == "逾期未到"


def test_attendance_must_be_at_the_events_household(
    client: TestClient, world: World, scheme: None
) -> None:
    event = report(client, world, "h1").json()
    res = client.post(
        f"{API}/events/{event['id']}/attendance",
        json=attendance(world, "h2", "2026-11-25T10:00:00+08:00"),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 422 and res.json()["code"] == "event.wrong_household"
    tasks = client.get(
        f"{API}/members/{world.member['m1']}/tasks", headers=world.headers(Role.MEMBER)
    ).json()
    assert tasks[0]["status"] == "open"  # nothing was recorded


@pytest.mark.parametrize("mode", ["phone", "wechat"])
def test_an_attendance_is_in_person_a_call_or_message_is_refused_naming_the_mode(
    client: TestClient, world: World, scheme: None, clock: Clock, mode: str
) -> None:
    """必到 means being there (domain/must_attend.py ATTENDANCE_MODES), online and offline."""
    event = report(client, world, "h1").json()
    clock.advance(hours=2)
    h = world.headers(Role.MEMBER)
    body = {**attendance(world, "h1", "2026-11-25T11:00:00+08:00"), "mode": mode}
    res = client.post(f"{API}/events/{event['id']}/attendance", json=body, headers=h)
    assert res.status_code == 422, res.text
    assert (res.json()["code"], res.json()["field"]) == ("event.not_in_person", "mode")
    op = {
        "uuid": "44444444-4444-4444-8444-00000000000a",
        "kind": "attendance",
        "payload": {**body, "event_id": event["id"]},
    }
    res = client.post(f"{API}/sync/batch", json={"operations": [op]}, headers=h)
    (refused,) = res.json()["results"]
    assert (refused["status"], refused["code"], refused["field"]) == (
        "rejected",
        "event.not_in_person",
        "mode",
    )
    visits = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert visits == []  # nothing was recorded
    assert tasks_of(client, world, "m1")[0]["status"] == "open"
    met = {**body, "mode": "meeting"}
    res = client.post(f"{API}/events/{event['id']}/attendance", json=met, headers=h)
    assert res.status_code == 201 and res.json()["status"] == "attended", res.text


def test_each_status_filter_finds_exactly_the_events_in_it_past_the_newest(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    # one of each: attended on time, late, missed, open; the filter is SQL and must agree with
    # MustAttendEvent.status, and a limit counts matching events, not the newest of all
    h = world.headers(Role.MEMBER)
    on_time, late, missed = (report(client, world, k).json() for k in ("h1", "h2", "h1"))
    clock.advance(hours=1)
    client.post(
        f"{API}/events/{on_time['id']}/attendance",
        json=attendance(world, "h1", "2026-11-25T10:00:00+08:00"),
        headers=h,
    )
    clock.advance(hours=60)  # past the 48-hour deadlines
    client.post(
        f"{API}/events/{late['id']}/attendance",
        json=attendance(world, "h2", "2026-11-27T22:00:00+08:00"),
        headers=h,
    )
    newest = report(client, world, "h2").json()  # still open
    url = f"{API}/org-units/{world.org['V1']}/events"
    cadre = world.headers(Role.TOWNSHIP_CADRE)
    everything = client.get(url, headers=cadre).json()["data"]
    assert {e["id"]: e["status"] for e in everything} == {
        on_time["id"]: "attended",
        late["id"]: "late",
        missed["id"]: "missed",
        newest["id"]: "open",
    }
    for status in ("attended", "late", "missed", "open"):
        found = client.get(url, params={"status": status, "limit": 1}, headers=cadre).json()
        assert [e["status"] for e in found["data"]] == [status], status
        assert found["total"] == 1, status
    # a household's whole history, attended or not, newest first
    history = client.get(f"{API}/households/{world.household['h2']}/events", headers=h).json()
    assert [e["id"] for e in history] == [newest["id"], late["id"]]
    res = client.get(f"{API}/households/{world.household['h4']}/events", headers=h)
    assert res.status_code == 404  # not the member's household


def reassign(world: World, household: str, member: str) -> None:
    """The roster gives the household to another member, as publishing one does: its
    assignment ends today and a new one starts."""
    today = date(2026, 11, 25)
    with world.app.state.session_factory() as session:
        session.execute(
            text(
                "UPDATE assignments SET ended_on = :d WHERE household_id = :h AND ended_on IS NULL"
            ),
            {"d": today, "h": world.household[household]},
        )
        session.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on) VALUES (:m, :h, :d)"
            ),
            {"m": world.member[member], "h": world.household[household], "d": today},
        )
        session.commit()


def tasks_of(client: TestClient, world: World, member: str) -> list[dict[str, Any]]:
    """A member's tasks, as the member reads them."""
    res = client.get(
        f"{API}/members/{world.member[member]}/tasks",
        headers=world.headers(Role.MEMBER, member=member),
    )
    assert res.status_code == 200, res.text
    return list(res.json())


def area_events(client: TestClient, world: World, status: str | None = None) -> Any:
    params = {"status": status} if status else {}
    return client.get(
        f"{API}/org-units/{world.org['V1']}/events",
        params=params,
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()["data"]


def test_an_open_task_follows_the_household_to_its_new_contact_member(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The task stayed with the member the event was reported to: after a roster gave h1 to
    m2, m1 still had it (the illness, the head's name) and could not attend, m2 never saw it."""
    event = report(client, world, "h1").json()
    reassign(world, "h1", "m2")
    m1, m2 = world.headers(Role.MEMBER), world.headers(Role.MEMBER, member="m2")
    assert tasks_of(client, world, "m1") == []
    [task] = tasks_of(client, world, "m2")
    assert task["id"] == event["id"] and task["note"] == "户主住院"
    assert (task["member_id"], task["member_name"]) == (world.member["m2"], "李四")
    # the former member neither reads the new one's tasks nor attends: the household is not
    # theirs any more
    assert client.get(f"{API}/members/{world.member['m2']}/tasks", headers=m1).status_code == 404
    url = f"{API}/events/{event['id']}/attendance"
    res = client.post(url, json=attendance(world, "h1", "2026-11-25T10:30:00+08:00"), headers=m1)
    assert res.status_code == 404 and res.json()["code"] == "event.not_found", res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    # the branch sees it missed, with the member who has it now ...
    clock.advance(hours=49)
    [missed] = area_events(client, world, "missed")
    assert (missed["id"], missed["member_name"]) == (event["id"], "李四")
    # ... and the one it was reported to, answerable for the deadline until the roster changed
    assert (missed["reported_to_member_id"], missed["reported_to_name"]) == (
        world.member["m1"],
        "张三",
    )
    # ... who attends, late
    res = client.post(
        url, json=attendance(world, "h1", "2026-11-27T10:30:00+08:00", member="m2"), headers=m2
    )
    assert res.status_code == 201, res.text
    assert (res.json()["status"], res.json()["member_id"]) == ("late", world.member["m2"])
    [late] = area_events(client, world, "late")
    assert (late["id"], late["member_name"]) == (event["id"], "李四")
    assert tasks_of(client, world, "m2") == []


def test_an_attended_event_stays_with_the_member_who_attended(
    client: TestClient, world: World, scheme: None
) -> None:
    event = report(client, world, "h1").json()
    res = client.post(
        f"{API}/events/{event['id']}/attendance",
        json=attendance(world, "h1", "2026-11-25T10:00:00+08:00"),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201, res.text
    reassign(world, "h1", "m2")
    [attended] = area_events(client, world)
    assert (attended["member_id"], attended["member_name"]) == (world.member["m1"], "张三")
    assert attended["status"] == "attended"
    assert tasks_of(client, world, "m2") == []


def test_an_event_on_a_household_nobody_looked_after_reaches_the_member_a_roster_gives_it(
    client: TestClient, world: World, scheme: None
) -> None:
    event = report(client, world, "h3").json()
    assert event["member_id"] is None
    reassign(world, "h3", "m1")
    [task] = tasks_of(client, world, "m1")
    assert (task["id"], task["member_name"]) == (event["id"], "张三")
    res = client.post(
        f"{API}/events/{event['id']}/attendance",
        json=attendance(world, "h3", "2026-11-25T10:00:00+08:00"),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201 and res.json()["status"] == "attended", res.text


def test_an_attendance_dated_before_the_report_is_refused(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """Reported 11-25, deadline 11-27, sent on 11-30 dated 11-01: it was taken as on time."""
    event = report(client, world, "h1").json()
    clock.advance(days=5)
    h = world.headers(Role.MEMBER)
    url = f"{API}/events/{event['id']}/attendance"
    res = client.post(url, json=attendance(world, "h1", "2026-11-01T09:00:00+08:00"), headers=h)
    assert res.status_code == 422, res.text
    refusal = res.json()
    assert (refusal["code"], refusal["field"]) == ("event.attended_before_report", "visited_at")
    assert "报告时间" in refusal["detail"]
    visits = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert visits == []  # nothing was recorded
    assert tasks_of(client, world, "m1")[0]["status"] == "missed"
    res = client.post(url, json=attendance(world, "h1", "2026-11-29T09:00:00+08:00"), headers=h)
    assert res.status_code == 201 and res.json()["status"] == "late", res.text


def test_an_attendance_in_the_minute_of_the_report_counts(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The form gives the time to the minute: reported at 10:00:40, attended "at 10:00"."""
    clock.advance(seconds=40)
    event = report(client, world, "h1").json()
    res = client.post(
        f"{API}/events/{event['id']}/attendance",
        json=attendance(world, "h1", "2026-11-25T10:00:00+08:00"),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201 and res.json()["status"] == "attended", res.text


def test_an_offline_attendance_dated_before_the_report_is_refused_alone(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """Offline attendance goes through the same rule: it carries the time it was made
    offline, after the event was reported (the phone had pulled it)."""
    early, fine = report(client, world, "h1").json(), report(client, world, "h2").json()
    clock.advance(days=5)

    def offline(uuid: str, household: str, event: dict[str, Any], when: str) -> dict[str, Any]:
        payload = {**attendance(world, household, when), "event_id": event["id"]}
        return {"uuid": uuid, "kind": "attendance", "payload": payload}

    batch = [
        offline("44444444-4444-4444-8444-000000000001", "h1", early, "2026-11-01T09:00:00+08:00"),
        offline("44444444-4444-4444-8444-000000000002", "h2", fine, "2026-11-26T09:00:00+08:00"),
    ]
    res = client.post(
        f"{API}/sync/batch", json={"operations": batch}, headers=world.headers(Role.MEMBER)
    )
    assert res.status_code == 200, res.text
    refused, applied = res.json()["results"]
    assert (refused["status"], refused["code"], refused["field"]) == (
        "rejected",
        "event.attended_before_report",
        "visited_at",
    )
    assert applied["status"] == "applied", applied
    statuses = {e["id"]: e["status"] for e in area_events(client, world)}
    assert statuses == {early["id"]: "missed", fine["id"]: "attended"}


def test_attendances_sent_at_once_record_one_and_refuse_the_others_as_later_ones(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten at once all found the event open: two were answered 201, the event pointing at one
    visit and the other an orphan reported as the attendance."""
    event = report(client, world, "h1").json()
    sends = 10
    _all_at_once(monkeypatch, sends)
    h = world.headers(Role.MEMBER)

    def send(i: int) -> Any:
        body = {**attendance(world, "h1", "2026-11-25T10:00:00+08:00"), "notes": f"到场{i}"}
        return client.post(f"{API}/events/{event['id']}/attendance", json=body, headers=h)

    with ThreadPoolExecutor(sends) as pool:
        answers = list(pool.map(send, range(sends)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (sends - 1), [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"event.already_attended"}
    [won] = [a.json() for a in answers if a.status_code == 201]
    visits = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert [v["id"] for v in visits] == [won["visit_id"]], "the refused ones left no visit"
    history = client.get(f"{API}/households/{world.household['h1']}/events", headers=h).json()
    assert history[0]["visit_id"] == won["visit_id"]


def test_one_attendance_sent_twice_at_once_is_refused_as_a_later_one(
    client: TestClient, world: World, scheme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = report(client, world, "h1").json()
    _all_at_once(monkeypatch, 2)
    h = world.headers(Role.MEMBER)
    body = {
        **attendance(world, "h1", "2026-11-25T10:00:00+08:00"),
        "client_uuid": "33333333-3333-4333-8333-333333333333",
    }
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda _: client.post(
                    f"{API}/events/{event['id']}/attendance", json=body, headers=h
                ),
                range(2),
            )
        )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    refused = next(a.json() for a in answers if a.status_code == 409)
    assert refused["code"] == "event.already_attended"  # what it gets sent a moment later
    visits = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert len(visits) == 1


def _all_at_once(monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    """The first ``parties`` reads of an event wait for one another: every request has found
    it open before any records its attendance."""
    barrier = threading.Barrier(parties, timeout=20)
    calls = itertools.count()
    original = SqlEventStore.get

    def waiting(self: SqlEventStore, event_id: int, scope: Scope) -> MustAttendEvent:
        found = original(self, event_id, scope)
        if next(calls) < parties:
            barrier.wait()
        return found

    monkeypatch.setattr(SqlEventStore, "get", waiting)


def cancel(client: TestClient, world: World, event: dict[str, Any], reason: str, role: Role) -> Any:
    return client.post(
        f"{API}/events/{event['id']}/cancel", json={"reason": reason}, headers=world.headers(role)
    )


def test_the_branch_cancels_a_wrong_report_with_a_reason_and_the_task_goes(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    event = report(client, world, "h1").json()
    assert [t["id"] for t in tasks_of(client, world, "m1")] == [event["id"]]
    clock.advance(minutes=5)
    res = cancel(client, world, event, "误报：户主家中无事", Role.BRANCH_SECRETARY)
    assert res.status_code == 200, res.text
    out = res.json()
    assert (out["status"], out["status_label"], out["cancel_reason"]) == (
        "cancelled",
        "已撤销",
        "误报：户主家中无事",
    )
    assert out["cancelled_by"].startswith("user:")
    assert tasks_of(client, world, "m1") == []  # no longer the member's task
    # kept on record for the branch, as cancelled (and in no other status)
    assert [e["id"] for e in area_events(client, world, "cancelled")] == [event["id"]]
    assert area_events(client, world, "open") == []
    clock.advance(days=3)
    assert area_events(client, world, "missed") == []  # a withdrawn report is never 逾期未到
    # and the audit log says who withdrew it and why
    audit = client.get(
        f"{API}/audit",
        params={"entity": "must_attend_event", "entity_id": str(event["id"])},
        headers=world.headers(Role.ADMIN),
    ).json()["data"]
    cancelled = [a for a in audit if (a.get("after") or {}).get("cancel_reason")]
    assert len(cancelled) == 1 and cancelled[0]["after"]["cancel_reason"] == "误报：户主家中无事"


def test_a_cancelled_event_cannot_be_attended_nor_cancelled_again_nor_an_attended_one_cancelled(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    wrong, real = report(client, world, "h1").json(), report(client, world, "h2").json()
    assert cancel(client, world, wrong, "误报", Role.BRANCH_SECRETARY).status_code == 200
    clock.advance(hours=1)
    h = world.headers(Role.MEMBER)
    res = client.post(
        f"{API}/events/{wrong['id']}/attendance",
        json=attendance(world, "h1", "2026-11-25T10:30:00+08:00"),
        headers=h,
    )
    assert res.status_code == 409 and res.json()["code"] == "event.cancelled", res.text
    assert client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json() == []
    again = cancel(client, world, wrong, "再撤一次", Role.BRANCH_SECRETARY)
    assert again.status_code == 409 and again.json()["code"] == "event.cancelled"
    res = client.post(
        f"{API}/events/{real['id']}/attendance",
        json=attendance(world, "h2", "2026-11-25T10:30:00+08:00"),
        headers=h,
    )
    assert res.status_code == 201, res.text
    done = cancel(client, world, real, "想撤销已到场的", Role.BRANCH_SECRETARY)
    assert done.status_code == 409 and done.json()["code"] == "event.already_attended"


def test_only_the_branch_or_above_cancels_and_only_with_a_reason(
    client: TestClient, world: World, scheme: None
) -> None:
    event = report(client, world, "h1").json()
    assert cancel(client, world, event, "误报", Role.MEMBER).status_code == 403
    assert cancel(client, world, event, "误报", Role.GROUP_LEADER).status_code == 403
    for reason in ("", " ", "误"):
        res = cancel(client, world, event, reason, Role.BRANCH_SECRETARY)
        assert res.status_code == 422 and res.json()["field"].endswith("reason"), res.text
    assert [t["id"] for t in tasks_of(client, world, "m1")] == [event["id"]]  # untouched
    assert cancel(client, world, event, "误报", Role.TOWNSHIP_CADRE).status_code == 200


def test_the_areas_events_page_past_the_first_hundred(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    made = []
    for _ in range(5):
        made.append(report(client, world, "h1").json()["id"])
        clock.advance(minutes=1)
    h = world.headers(Role.BRANCH_SECRETARY)
    url = f"{API}/org-units/{world.org['V1']}/events"
    pages = [
        client.get(url, params={"limit": 2, "offset": o}, headers=h).json() for o in (0, 2, 4, 6)
    ]
    ids = [[e["id"] for e in p["data"]] for p in pages]
    assert ids == [made[4:2:-1], made[2:0:-1], made[:1], []]  # newest first, each once
    assert {p["total"] for p in pages} == {5}
    assert client.get(url, headers=h).json()["limit"] == 100  # a page of a hundred unless asked
    res = client.get(url, params={"offset": -1}, headers=h)
    assert res.status_code == 422 and res.json()["field"].endswith("offset")


def test_the_areas_events_search_the_heads_name_and_sort_by_a_field(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    made = []
    for household in ("h1", "h2", "h1"):
        made.append(report(client, world, household).json()["id"])
        clock.advance(minutes=1)
    h = world.headers(Role.BRANCH_SECRETARY)
    url = f"{API}/org-units/{world.org['V1']}/events"
    found = client.get(url, params={"q": "钱"}, headers=h).json()
    assert ([e["id"] for e in found["data"]], found["total"]) == ([made[1]], 1)
    oldest_first = client.get(url, params={"sort": "reported_at"}, headers=h).json()["data"]
    assert [e["id"] for e in oldest_first] == made
    assert [e["id"] for e in client.get(url, headers=h).json()["data"]] == made[::-1]
