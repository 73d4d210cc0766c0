"""The issue flow over HTTP (收集 → 分类 → 流转 → 督办 → 反馈 → 销号): one body per action, a
refused action names the allowed ones, the household follows and rates its matter on its card,
and every bad input is a clear problem+json that writes nothing. The rules themselves are tested
on the services (tests/services/test_issue_services.py); these hold the HTTP surface."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli import app as cli
from api.main import create_app
from api.settings import Settings, get_settings
from domain.kernel.access import Role
from tests.builders import World
from tests.conftest import Clock
from tests.e2e.test_disclosure import issue as card_token_of

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"


def counts(world: World) -> tuple[int, int, int]:
    """Issues, timeline entries and issue events in the outbox: what a refusal must not add."""
    with world.app.state.session_factory() as s:
        return (
            s.execute(text("SELECT count(*) FROM issues")).scalar_one(),
            s.execute(text("SELECT count(*) FROM issue_timeline")).scalar_one(),
            s.execute(text("SELECT count(*) FROM outbox WHERE entity = 'issue'")).scalar_one(),
        )


def act(
    client: TestClient, world: World, issue_id: int, role: Role, body: dict[str, Any], **who: str
) -> Any:
    return client.post(
        f"{API}/issues/{issue_id}/actions", json=body, headers=world.headers(role, **who)
    )


def ok(res: Any) -> dict[str, Any]:
    assert res.status_code == 200, res.text
    body: dict[str, Any] = res.json()
    return body


@pytest.fixture
def token(client: TestClient, world: World) -> str:
    return str(card_token_of(client, world)["token"])


def card_raise(client: TestClient, token: str, **body: Any) -> Any:
    sent = {"category": "infrastructure", "title": "村口路灯不亮", "text": "两盏路灯坏了一周"}
    return client.post(f"{API}/public/cards/{token}/issues", json=sent | body)


def test_a_household_matter_climbs_to_the_township_is_reopened_once_and_closed(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    """The issue's browser path, over HTTP: h1 raises a matter on its card (its grid G1
    receives it); V1's secretary classifies it as 小事 (不出村: V1 handles it) and passes it
    on; V1 escalates it to the township (seeds/xiangtan-wuge-daohu.txt: 大事不出乡), which
    answers it; m1, h1's contact member, confirms he told the household; the household rates
    it 不满意 on its card, so it is redone at the township; answered again, rated 满意, closed."""
    raised = card_raise(client, token)
    assert raised.status_code == 201, raised.text
    assert raised.headers["Cache-Control"] == "no-store"
    shown = raised.json()
    assert (shown["status"], shown["handler_tier_label"]) == ("raised", "网格")
    assert "raiser" not in shown and "actor" not in str(shown["steps"])  # no accounts on a door
    issue_id = shown["id"]

    secretary = (Role.BRANCH_SECRETARY,)
    steps: list[tuple[Role, dict[str, Any], dict[str, str]]] = [
        (
            *secretary,
            {"action": "classify", "category": "infrastructure", "difficulty": "small"},
            {},
        ),
        (*secretary, {"action": "assign", "note": "村里办"}, {}),
        (*secretary, {"action": "accept"}, {}),
        (*secretary, {"action": "escalate", "reason": "需要镇里协调电力公司"}, {}),
        (Role.TOWNSHIP_CADRE, {"action": "accept"}, {}),
        (Role.TOWNSHIP_CADRE, {"action": "resolve", "answer": "已联系供电所更换灯泡"}, {}),
        (Role.MEMBER, {"action": "confirm_told", "note": "已上门告知"}, {"member": "m1"}),
    ]
    for role, body, who in steps:
        clock.advance(minutes=10)
        shown = ok(act(client, world, issue_id, role, body, **who))
    assert shown["status"] == "fed_back" and shown["handler"]["tier"] == "township"
    assert shown["handler"]["name"] == "清河镇"
    assert [o["name"] for o in shown["line"]] == ["示范县", "清河镇", "李家村", "第1网格"]

    clock.advance(minutes=10)
    rated = client.post(
        f"{API}/public/cards/{token}/issues/{issue_id}/rating",
        json={"rating": "dissatisfied", "reason": "路灯还是不亮"},
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["status"] == "in_progress"  # 不满意 reopens once, at the same handler
    for role, body, who in [
        (Role.TOWNSHIP_CADRE, {"action": "resolve", "answer": "已更换整条线路"}, {}),
        (Role.MEMBER, {"action": "confirm_told"}, {"member": "m1"}),
    ]:
        clock.advance(minutes=10)
        ok(act(client, world, issue_id, role, body, **who))
    clock.advance(minutes=10)
    rated = client.post(
        f"{API}/public/cards/{token}/issues/{issue_id}/rating", json={"rating": "satisfied"}
    )
    assert rated.status_code == 200 and rated.json()["rating_label"] == "满意"
    clock.advance(minutes=10)
    closed = ok(
        act(
            client,
            world,
            issue_id,
            Role.TOWNSHIP_CADRE,
            {"action": "close", "result": "线路更换，路灯恢复"},
        )
    )
    assert closed["status"] == "closed" and closed["reopen_count"] == 1
    assert [a["code"] for a in closed["allowed_actions"]] == ["rate", "reopen"]
    actions = [e["action"] for e in closed["timeline"]]
    assert actions == [
        "raise", "classify", "assign", "accept", "escalate", "accept", "resolve",
        "confirm_told", "rate", "reopen", "resolve", "confirm_told", "rate", "close",
    ]  # fmt: skip
    assert closed["timeline"][0]["actor_name"] == "农户（联心卡）"
    assert closed["version"] == len(actions)

    # the household follows it on its card: every step, the answer, nothing to rate now
    mine = client.get(f"{API}/public/cards/{token}/issues").json()
    assert [i["id"] for i in mine["data"]] == [issue_id] and mine["per_day"] == 3
    assert mine["data"][0]["answer"] == "已更换整条线路" and mine["data"][0]["can_rate"] is False
    assert len(mine["data"][0]["steps"]) == len(actions)
    assert {c["code"] for c in mine["categories"]} >= {"infrastructure", "dispute"}


def test_an_illegal_action_is_409_naming_the_allowed_actions_and_writes_nothing(
    client: TestClient, world: World, token: str
) -> None:
    issue_id = card_raise(client, token).json()["id"]
    before = counts(world)
    res = act(client, world, issue_id, Role.BRANCH_SECRETARY, {"action": "close", "result": "x"})
    assert res.status_code == 409 and res.headers["content-type"] == PROBLEM_JSON
    problem = res.json()
    assert problem["code"] == "issue.action_not_allowed" and problem["field"] == "action"
    assert [e["code"] for e in problem["errors"]] == ["classify", "urge"]
    assert [e["message"] for e in problem["errors"]] == ["分类", "催办"]
    assert counts(world) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "fly"}, "action"),
        ({}, "action"),
        ({"action": "escalate"}, "reason"),
        ({"action": "escalate", "reason": "   "}, "reason"),
        ({"action": "classify", "category": "infrastructure", "difficulty": "easy"}, "difficulty"),
        ({"action": "classify", "category": "weather", "difficulty": "small"}, "category"),
        ({"action": "accept", "extra": 1}, "extra"),
        ({"action": "request_extension", "until": "2026-13-01", "reason": "x"}, "until"),
        ({"action": "rate", "rating": 5}, "rating"),
    ],
)
def test_a_bad_action_body_is_refused_naming_the_field_and_writes_nothing(
    client: TestClient, world: World, token: str, body: dict[str, Any], field: str
) -> None:
    issue_id = card_raise(client, token).json()["id"]
    before = counts(world)
    res = act(client, world, issue_id, Role.BRANCH_SECRETARY, body)
    assert res.status_code in (409, 422), res.text
    assert res.headers["content-type"] == PROBLEM_JSON
    problem = res.json()
    named = {problem.get("field")} | {e.get("field") for e in problem.get("errors", [])}
    assert field in named, problem
    assert counts(world) == before


def _to_handling(client: TestClient, world: World, clock: Clock, token: str) -> int:
    issue_id: int = card_raise(client, token).json()["id"]
    for body in (
        {"action": "classify", "category": "infrastructure", "difficulty": "small"},
        {"action": "assign"},
        {"action": "accept"},
    ):
        clock.advance(minutes=1)
        ok(act(client, world, issue_id, Role.BRANCH_SECRETARY, body))
    return issue_id


def test_escalation_past_the_county_is_refused(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    issue_id = _to_handling(client, world, clock, token)
    for role in (Role.BRANCH_SECRETARY, Role.TOWNSHIP_CADRE):
        clock.advance(minutes=1)
        ok(act(client, world, issue_id, role, {"action": "escalate", "reason": "上报"}))
    clock.advance(minutes=1)
    before = counts(world)
    res = act(client, world, issue_id, Role.COUNTY_CADRE, {"action": "escalate", "reason": "再报"})
    assert res.status_code == 422 and res.json()["code"] == "issue.escalation_past_county"
    assert counts(world) == before


def test_an_extension_in_the_past_or_approved_by_the_handler_itself_is_refused(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    issue_id = _to_handling(client, world, clock, token)
    past = {"action": "request_extension", "until": "2026-11-01", "reason": "材料未齐"}
    res = act(client, world, issue_id, Role.BRANCH_SECRETARY, past)
    assert res.status_code == 422 and res.json()["field"] == "until"
    later = {"action": "request_extension", "until": "2026-12-31", "reason": "材料未齐"}
    ok(act(client, world, issue_id, Role.BRANCH_SECRETARY, later))
    before = counts(world)
    # V1's own secretary handles it: approving is for the level above (the township)
    mine = act(client, world, issue_id, Role.BRANCH_SECRETARY, {"action": "approve_extension"})
    assert mine.status_code == 403, mine.text
    assert counts(world) == before
    approved = ok(
        act(client, world, issue_id, Role.TOWNSHIP_CADRE, {"action": "approve_extension"})
    )
    assert approved["due"].startswith("2026-12-31T16:00")  # the end of Dec 31 in China


def test_only_the_raiser_rates_the_answer(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    issue_id = _to_handling(client, world, clock, token)
    for role, body, who in [
        (Role.BRANCH_SECRETARY, {"action": "resolve", "answer": "已修好"}, {}),
        (Role.MEMBER, {"action": "confirm_told"}, {"member": "m1"}),
    ]:
        clock.advance(minutes=1)
        ok(act(client, world, issue_id, role, body, **who))
    before = counts(world)
    res = act(
        client, world, issue_id, Role.BRANCH_SECRETARY, {"action": "rate", "rating": "satisfied"}
    )
    assert res.status_code == 403 and res.json()["code"] == "issue.not_raiser"
    other = card_token_of(client, world, "h2")["token"]
    res = client.post(
        f"{API}/public/cards/{other}/issues/{issue_id}/rating", json={"rating": "satisfied"}
    )
    assert res.status_code == 404  # another household's card does not even find it
    assert counts(world) == before


def test_a_forged_or_revoked_card_token_is_not_found_and_raises_nothing(
    client: TestClient, world: World, token: str
) -> None:
    before = counts(world)
    assert card_raise(client, "x" * 43).status_code == 404
    assert client.get(f"{API}/public/cards/not-a-token/issues").status_code == 404
    revoked = client.delete(
        f"{API}/households/{world.household['h1']}/card-token",
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert revoked.status_code == 204, revoked.text
    assert card_raise(client, token).status_code == 404
    assert counts(world) == before


def test_a_flooding_card_is_told_to_wait_until_midnight(
    client: TestClient, world: World, token: str
) -> None:
    for _ in range(3):
        assert card_raise(client, token).status_code == 201
    before = counts(world)
    res = card_raise(client, token)
    assert res.status_code == 429 and res.json()["code"] == "issue.card_daily_limit"
    # the test clock is 10:00 in China: 14 hours to midnight
    assert int(res.headers["Retry-After"]) == 14 * 3600
    assert counts(world) == before


def test_a_card_raise_must_choose_the_kind_of_matter(
    client: TestClient, world: World, token: str
) -> None:
    res = client.post(
        f"{API}/public/cards/{token}/issues", json={"title": "路灯坏了", "text": "一周了"}
    )
    assert res.status_code == 422 and res.json()["field"].endswith("category")
    assert counts(world) == (0, 0, 0)


def test_a_member_raises_for_a_household_in_reach_and_not_outside(
    client: TestClient, world: World
) -> None:
    sent = {"title": "屋顶漏雨", "text": "需要维修", "household_id": world.household["h1"]}
    res = client.post(f"{API}/issues", json=sent, headers=world.headers(Role.MEMBER))
    assert res.status_code == 201, res.text
    assert res.headers["Location"] == f"/api/v1/issues/{res.json()['id']}"
    assert res.json()["source"] == "member_direct" and res.json()["head_name"] == "赵一"
    before = counts(world)
    outside = sent | {"household_id": world.household["h4"]}  # another township's
    res = client.post(f"{API}/issues", json=outside, headers=world.headers(Role.MEMBER))
    assert res.status_code == 404 and res.json()["field"] == "household_id"
    res = client.post(
        f"{API}/issues", json=outside, headers=world.headers(Role.TOWNSHIP_CADRE)
    )  # T1's cadre: h4 is T2's
    assert res.status_code == 404
    assert counts(world) == before


def test_the_same_client_ref_raises_one_issue(client: TestClient, world: World) -> None:
    sent = {"title": "道路积水", "text": "雨后积水", "client_ref": "app-1"}
    first = client.post(f"{API}/issues", json=sent, headers=world.headers(Role.BRANCH_SECRETARY))
    again = client.post(f"{API}/issues", json=sent, headers=world.headers(Role.BRANCH_SECRETARY))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["duplicate"] is True
    assert counts(world)[0] == 1


def test_the_inbox_filters_by_status_and_overdue_and_names_the_orgs(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    handled = _to_handling(client, world, clock, token)
    card_raise(client, token, title="垃圾清运不及时", category="sanitation")
    headers = world.headers(Role.TOWNSHIP_CADRE)
    page = client.get(f"{API}/issues", params={"status": "in_progress"}, headers=headers).json()
    assert [i["id"] for i in page["data"]] == [handled] and page["total"] == 1
    assert page["data"][0]["handler_name"] == "李家村"
    assert page["data"][0]["origin_name"] == "第1网格" and page["data"][0]["head_name"] == "赵一"
    both = client.get(
        f"{API}/issues", params=[("status", "raised"), ("status", "in_progress")], headers=headers
    ).json()
    assert both["total"] == 2
    assert (
        client.get(f"{API}/issues", params={"overdue": "true"}, headers=headers).json()["total"]
        == 0
    )
    clock.advance(days=30)
    late = client.get(f"{API}/issues", params={"overdue": "true"}, headers=headers).json()
    assert late["total"] == 2 and all(i["overdue"] for i in late["data"])
    other = client.get(f"{API}/issues", headers=world.headers(Role.TOWNSHIP_CADRE, org="T2"))
    assert other.json()["total"] == 0  # another township sees none of T1's
    bad = client.get(f"{API}/issues", params={"status": "lost"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "status.0"


def test_statistics_per_org_and_the_vocabulary(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    _to_handling(client, world, clock, token)
    stats = client.get(
        f"{API}/issues/statistics",
        params={"org_id": world.org["T1"]},
        headers=world.headers(Role.TOWNSHIP_CADRE),
    )
    assert stats.status_code == 200, stats.text
    rows = {r["name"]: r for r in stats.json()["data"]}
    assert rows["李家村"]["received"] == 1 and rows["清河镇"]["received"] == 0
    reversed_range = client.get(
        f"{API}/issues/statistics",
        params={"since": "2026-12-01", "until": "2026-11-01"},
        headers=world.headers(Role.TOWNSHIP_CADRE),
    )
    assert reversed_range.status_code == 422 and reversed_range.json()["field"] == "until"
    words = client.get(f"{API}/issues/vocabulary", headers=world.headers(Role.MEMBER)).json()
    assert {"code": "dissatisfied", "label": "不满意"} in words["ratings"]
    assert "warn" not in {a["code"] for a in words["actions"]}  # the sweep's marks: nobody's


def test_the_work_calendar_is_read_by_all_and_edited_by_those_who_choose_the_scheme(
    client: TestClient, world: World
) -> None:
    year = client.get(
        f"{API}/work-calendar", params={"year": 2026}, headers=world.headers(Role.MEMBER)
    )
    assert year.status_code == 200
    days = {d["day"]: d for d in year.json()["days"]}
    assert days["2026-10-01"]["kind"] == "holiday"  # 国庆节, from the published notice
    body = {"kind": "holiday", "note": "县庆放假"}
    refused = client.put(
        f"{API}/work-calendar/2026-12-30", json=body, headers=world.headers(Role.MEMBER)
    )
    assert refused.status_code == 403
    done = client.put(
        f"{API}/work-calendar/2026-12-30", json=body, headers=world.headers(Role.ADMIN)
    )
    assert done.status_code == 200, done.text
    assert done.json() | {} == done.json() and done.json()["edited"] is True
    assert (done.json()["kind"], done.json()["published"]) == ("holiday", "regular")
    bad = client.put(
        f"{API}/work-calendar/2026-12-31", json={"kind": "nap"}, headers=world.headers(Role.ADMIN)
    )
    assert bad.status_code == 422 and bad.json()["field"].endswith("kind")


def test_a_sync_batch_carrying_an_issue_twice_raises_one_issue(
    client: TestClient, world: World
) -> None:
    """Raised offline (党员直报 in the field app): the operation's uuid is the issue's
    client_ref, so the same operation twice in a batch, and the batch sent again, is one issue;
    a bad payload is refused alone, naming its field."""
    op = {
        "uuid": "7d1c1a54-0000-4000-8000-0000000000aa",
        "kind": "issue",
        "payload": {
            "title": "桥栏杆松动",
            "text": "有安全隐患",
            "household_id": world.household["h1"],
        },
    }
    bad = {
        "uuid": "7d1c1a54-0000-4000-8000-0000000000ab",
        "kind": "issue",
        "payload": {"title": ""},
    }
    headers = world.headers(Role.MEMBER)
    res = client.post(f"{API}/sync/batch", json={"operations": [op, op, bad]}, headers=headers)
    assert res.status_code == 200, res.text
    results = res.json()["results"]
    assert [r["status"] for r in results] == ["applied", "duplicate", "rejected"]
    assert results[0]["id"] == results[1]["id"] and results[2]["field"] == "title"
    again = client.post(f"{API}/sync/batch", json={"operations": [op]}, headers=headers).json()
    assert again["results"][0]["status"] == "duplicate"
    assert counts(world)[0] == 1
    issue = client.get(f"{API}/issues/{results[0]['id']}", headers=headers).json()
    assert issue["client_ref"] == op["uuid"] and issue["source"] == "member_direct"


def _supervision(world: World, issue_id: int) -> tuple[str, int]:
    with world.app.state.session_factory() as s:
        row = s.execute(
            text("SELECT supervision, overdue_count FROM issues WHERE id = :i"), {"i": issue_id}
        ).one()
    return str(row[0]), int(row[1])


def test_the_server_sweeps_deadlines_on_its_timer(
    client: TestClient, world: World, token: str, clock: Clock, settings: Settings
) -> None:
    """督办 without anyone asking: a server with LIANHU_SWEEP_MINUTES sweeps when it starts and
    then on its timer, and marks the overdue issue (yellow card); one without does not."""
    issue_id = _to_handling(client, world, clock, token)
    clock.advance(days=8)  # V1's 5 working days to handle it ended on Dec 2: a day late
    assert _supervision(world, issue_id) == ("none", 0)
    sweeping = create_app(settings.model_copy(update={"sweep_minutes": 1}), clock=clock)
    try:
        with TestClient(sweeping):
            deadline = time.monotonic() + 10
            while _supervision(world, issue_id) == ("none", 0) and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        sweeping.state.engine.dispose()
    assert _supervision(world, issue_id) == ("yellow", 1)
    shown = client.get(f"{API}/issues/{issue_id}", headers=world.headers(Role.TOWNSHIP_CADRE))
    assert shown.json()["timeline"][-1]["action"] == "raise_supervision"


def test_lianhu_sweep_marks_what_is_due_once(
    client: TestClient,
    world: World,
    token: str,
    clock: Clock,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command a cron runs where the server does not sweep: at the real time (weeks after
    the test clock's), the issue is overdue; run again, it finds nothing new."""
    issue_id = _to_handling(client, world, clock, token)
    monkeypatch.setenv("LIANHU_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(cli, ["sweep"])
        again = CliRunner().invoke(cli, ["sweep"])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "swept: 1 issues marked" in first.output
    assert "swept: 0 issues marked, 0 marks" in again.output
    assert _supervision(world, issue_id)[1] == 1


def test_the_kinds_of_matter_offered_are_the_areas_schemes(
    client: TestClient, world: World, token: str, scheme: None
) -> None:
    """A township's scheme offers two kinds of matter: its forms and its households' cards
    offer those, and a matter of another kind is refused; elsewhere the default six."""
    res = client.put(
        f"{API}/org-units/{world.org['T1']}/scheme",
        json={"overrides": {"issue_categories": ["infrastructure", "safety"]}},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200, res.text
    words = client.get(
        f"{API}/issues/vocabulary",
        params={"org_id": world.org["V1"]},
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()
    assert [c["code"] for c in words["categories"]] == ["infrastructure", "safety"]
    card = client.get(f"{API}/public/cards/{token}/issues").json()
    assert [c["label"] for c in card["categories"]] == ["基础设施", "安全隐患"]
    refused = card_raise(client, token, category="dispute")
    assert refused.status_code == 422 and refused.json()["field"] == "category"
    assert card_raise(client, token, category="safety").status_code == 201
    other = client.get(
        f"{API}/issues/vocabulary", headers=world.headers(Role.TOWNSHIP_CADRE, org="T2")
    )
    assert len(other.json()["categories"]) == 6


def test_an_issue_reads_as_an_open311_service_request(
    client: TestClient, world: World, token: str, clock: Clock
) -> None:
    """GeoReport v2 for platforms that speak it: the kind as service_code, open or closed, the
    handling org as agency_responsible, the deadline as expected_datetime; no address or
    position; only the caller's scope."""
    handled = _to_handling(client, world, clock, token)
    card_raise(client, token, title="垃圾清运不及时", category="sanitation")
    headers = world.headers(Role.TOWNSHIP_CADRE)
    services = client.get(f"{API}/open311/v2/services.json", headers=headers).json()
    assert {"service_code": "infrastructure", "service_name": "基础设施"}.items() <= services[
        0
    ].items()
    found = client.get(
        f"{API}/open311/v2/requests.json",
        params={"service_code": "infrastructure", "status": "open"},
        headers=headers,
    ).json()
    assert [r["service_request_id"] for r in found] == [str(handled)]
    one = client.get(f"{API}/open311/v2/requests/{handled}.json", headers=headers).json()
    assert len(one) == 1 and one[0]["agency_responsible"] == "李家村"
    assert one[0]["status"] == "open" and one[0]["expected_datetime"] is not None
    assert one[0]["address"] is None and one[0]["lat"] is None
    assert one[0]["description"].startswith("村口路灯不亮")
    closed = client.get(
        f"{API}/open311/v2/requests.json", params={"status": "closed"}, headers=headers
    )
    assert closed.json() == []
    elsewhere = world.headers(Role.TOWNSHIP_CADRE, org="T2")
    assert (
        client.get(f"{API}/open311/v2/requests/{handled}.json", headers=elsewhere).status_code
        == 404
    )
    bad = client.get(
        f"{API}/open311/v2/requests.json",
        params={"start_date": "2026-12-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "end_date"
