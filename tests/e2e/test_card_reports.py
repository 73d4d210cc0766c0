"""五必到 reported by the household itself through its contact card (党群联心卡): the card's QR
token is the credential; the contact member gets the task as for any report; a card reports at
most three times a day; a bad token, kind or note is refused and writes nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World
from tests.conftest import Clock
from tests.e2e.test_disclosure import issue

API = "/api/v1"


def events(world: World) -> list[tuple[Any, ...]]:
    with world.app.state.session_factory() as s:
        return [
            tuple(r)
            for r in s.execute(
                text("SELECT household_id, member_id, kind, reported_by FROM must_attend_events")
            )
        ]


def test_the_household_reports_through_its_card_and_the_member_gets_the_task(
    client: TestClient, world: World, scheme: None
) -> None:
    token = issue(client, world)["token"]
    kinds = client.get(f"{API}/public/cards/{token}/event-kinds")  # no credentials
    assert kinds.status_code == 200, kinds.text
    assert kinds.json() == {
        "kinds": ["红白大事", "邻里纠纷", "生病住院", "代办事项", "思想波动"],
        "per_day": 3,
    }
    res = client.post(
        f"{API}/public/cards/{token}/events", json={"kind": "生病住院", "note": "老人住院了"}
    )
    assert res.status_code == 201, res.text
    assert res.json()["deadline"].startswith("2026-11-27T02:00")  # the scheme's 48 hours
    assert set(res.json()) == {"kind", "note", "reported_at", "deadline"}  # no ids, no names
    hid = world.household["h1"]
    assert events(world) == [(hid, world.member["m1"], "生病住院", f"card:{hid}")]
    tasks = client.get(
        f"{API}/members/{world.member['m1']}/tasks", headers=world.headers(Role.MEMBER)
    ).json()
    assert [(t["kind"], t["reported_by"]) for t in tasks] == [("生病住院", f"card:{hid}")]
    with world.app.state.session_factory() as s:
        actors = s.scalars(
            text("SELECT actor FROM audit_log WHERE entity = 'must_attend_event'")
        ).all()
    assert actors == [f"card:{hid}"]


def test_a_card_reports_three_times_a_day(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    token = issue(client, world)["token"]
    url = f"{API}/public/cards/{token}/events"
    for _ in range(3):
        assert client.post(url, json={"kind": "代办事项"}).status_code == 201
    res = client.post(url, json={"kind": "代办事项"})
    assert res.status_code == 429 and res.json()["code"] == "event.card_daily_limit"
    assert 0 < int(res.headers["retry-after"]) <= 24 * 3600
    # the branch still reports as often as it must
    other = client.post(
        f"{API}/households/{world.household['h1']}/events",
        json={"kind": "代办事项"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert other.status_code == 201
    assert len(events(world)) == 4
    clock.advance(days=1)  # the next day in China
    assert client.post(url, json={"kind": "代办事项"}).status_code == 201


def test_bad_tokens_kinds_and_notes_are_refused_and_write_nothing(
    client: TestClient, world: World, scheme: None
) -> None:
    issued = issue(client, world)
    url = f"{API}/public/cards/{issued['token']}/events"
    res = client.post(url, json={"kind": "打扫卫生"})
    assert res.status_code == 422 and res.json()["code"] == "event.unknown_kind"
    assert res.json()["field"] == "kind"
    res = client.post(url, json={"kind": "代办事项", "note": "长" * 1001})
    assert res.status_code == 422 and res.json()["field"] == "note"
    res = client.post(url, json={"kind": "代办事项", "household_id": world.household["h3"]})
    assert res.status_code == 422  # the card says which household: nothing else may
    for bad in ("not-a-token", "A" * 43):
        res = client.post(f"{API}/public/cards/{bad}/events", json={"kind": "代办事项"})
        assert res.status_code == 404 and res.json()["code"] == "card.not_found"
    client.delete(
        f"{API}/households/{world.household['h1']}/card-token",
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert client.post(url, json={"kind": "代办事项"}).status_code == 404  # revoked
    assert client.get(f"{API}/public/cards/{issued['token']}/event-kinds").status_code == 404
    assert events(world) == []


def test_the_card_page_has_a_form_that_reports_without_a_script(
    client: TestClient, world: World, scheme: None
) -> None:
    token = issue(client, world)["token"]
    page = client.get(f"/c/{token}")
    assert page.status_code == 200
    assert f'action="/c/{token}/events"' in page.text and "<script" not in page.text
    assert '<option value="生病住院">' in page.text
    # nothing is chosen for the household: in each of its two forms (must-attend events, and
    # matters) the only selected option is the empty prompt
    assert page.text.count(" selected") == 2
    assert '<option value="" selected disabled>请选择问题类别</option>' in page.text
    assert '<option value="" selected disabled>请选择事项</option>' in page.text
    done = client.post(f"/c/{token}/events", data={"kind": "红白大事", "note": "儿子结婚"})
    assert done.status_code == 201 and "已报告" in done.text and "11月27日 10:00" in done.text
    refused = client.post(f"/c/{token}/events", data={"kind": "打扫卫生"})
    assert refused.status_code == 422 and "本模式的必到事项为" in refused.text
    empty = client.post(f"/c/{token}/events", data={})
    assert empty.status_code == 422 and "未能报告" in empty.text
    assert client.post("/c/nothing-here/events", data={"kind": "红白大事"}).status_code == 404
    assert [e[2] for e in events(world)] == ["红白大事"]


def test_without_a_scheme_the_card_offers_no_form(client: TestClient, world: World) -> None:
    token = issue(client, world)["token"]
    assert client.get(f"{API}/public/cards/{token}/event-kinds").json()["kinds"] == []
    # no must-attend form (its kinds are the scheme's); a matter can still be raised (问题办理
    # offers the default kinds where no scheme is chosen)
    page = client.get(f"/c/{token}").text
    assert f'action="/c/{token}/events"' not in page and f'action="/c/{token}/issues"' in page
    res = client.post(f"{API}/public/cards/{token}/events", json={"kind": "红白大事"})
    assert res.status_code == 422 and res.json()["code"] == "scheme.not_selected"
