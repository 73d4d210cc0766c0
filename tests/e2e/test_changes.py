"""The change feed (GET /changes) and the guarantee behind it: every write route leaves its
audit entry and its outbox row (the list of write routes is read from the app itself, so a new
write route without events fails here), and a platform polling the feed reads, page by page,
the changes of its own subtree only, masked by its permissions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import PASSWORD, World
from tests.conftest import Clock
from tests.e2e.test_imports import HEADER, ROWS
from tests.e2e.test_must_attend import attendance
from tests.e2e.test_photos import jpeg_with_gps
from tests.e2e.test_policies import ELDERLY, new_policy, residents
from tests.e2e.test_sync import op
from tests.e2e.test_visits import visit

API = "/api/v1"
WRITE_METHODS = {"post", "put", "patch", "delete"}

State = dict[str, Any]
Call = Callable[[TestClient, World, State], httpx.Response]

# Writes that change no record: token bookkeeping of a sign-in (a refresh token spent twice is
# audited, as the reuse it is, when it happens), and a signed print link (nothing is stored;
# the printing it opens is audited).
EXEMPT = {
    ("POST", "/org-units/{org_id}/cards-link"): "signs a 10-minute print link, stores nothing",
    ("POST", "/auth/refresh"): "rotates the caller's own refresh token",
    ("POST", "/auth/logout"): "revokes the caller's own refresh token",
}


def _h(world: World, role: Role = Role.ADMIN) -> dict[str, str]:
    return world.headers(role)


def _kept(key: str, res: httpx.Response, state: State, field: str = "id") -> httpx.Response:
    if res.status_code < 300:
        state[key] = res.json()[field]
    return res


def _login(client: TestClient, world: World, state: State) -> Any:
    res = client.post(f"{API}/auth/login", json={"username": "auditor", "password": PASSWORD})
    state["access"] = res.json().get("access_token")
    return res


def _password(client: TestClient, world: World, state: State) -> Any:
    return client.post(
        f"{API}/auth/password",
        json={"current_password": PASSWORD, "new_password": "Another-horse-77"},
        headers={"Authorization": f"Bearer {state['access']}"},
    )


def _import(client: TestClient, world: World, state: State) -> Any:
    data = ("\n".join([HEADER, ROWS[0]]) + "\n").encode()
    return client.post(
        f"{API}/imports/households", files={"file": ("h.csv", data)}, headers=_h(world)
    )


def _photo(client: TestClient, world: World, state: State) -> Any:
    res = client.post(
        f"{API}/visits/{state['visit']}/photos",
        content=jpeg_with_gps(),
        headers={**_h(world, Role.MEMBER), "Content-Type": "image/jpeg"},
    )
    return _kept("photo", res, state)


def _issue_photo(client: TestClient, world: World, state: State) -> Any:
    return client.post(
        f"{API}/issues/{state['issue']}/photos",
        content=jpeg_with_gps(),
        headers={**_h(world, Role.MEMBER), "Content-Type": "image/jpeg"},
    )


def _rate_by_card(client: TestClient, world: World, state: State) -> Any:
    """h2's matter answered and told (V1's secretary handles a 小事; m1 looks after h2), then
    rated by the household on its card."""
    for role, body in [
        (Role.BRANCH_SECRETARY, {"action": "assign"}),
        (Role.BRANCH_SECRETARY, {"action": "accept"}),
        (Role.BRANCH_SECRETARY, {"action": "resolve", "answer": "已修好"}),
        (Role.MEMBER, {"action": "confirm_told"}),
    ]:
        res = client.post(
            f"{API}/issues/{state['issue']}/actions", json=body, headers=_h(world, role)
        )
        assert res.status_code == 200, res.text
    return client.post(
        f"{API}/public/cards/{state['card']}/issues/{state['issue']}/rating",
        json={"rating": "satisfied"},
    )


def _proposal(client: TestClient, world: World, state: State) -> Any:
    res = client.post(
        f"{API}/assignment-proposals", json={"org_id": world.org["V1"]}, headers=_h(world)
    )
    return _kept("proposal", res, state)


def _edit(client: TestClient, world: World, state: State) -> Any:
    pairs = client.get(
        f"{API}/assignment-proposals/{state['proposal']}/pairs", headers=_h(world)
    ).json()["data"]
    first = pairs[0]
    return client.post(
        f"{API}/assignment-proposals/{state['proposal']}/edits",
        json={"moves": [{"household_id": first["household_id"], "member_id": first["member_id"]}]},
        headers=_h(world),
    )


def _attend(client: TestClient, world: World, state: State) -> Any:
    state["clock"].advance(hours=1)  # attended after the report
    return client.post(
        f"{API}/events/{state['event']}/attendance",
        json=attendance(world, "h1", "2026-11-25T10:30:00+08:00"),
        headers=_h(world, Role.MEMBER),
    )


def _amend(client: TestClient, world: World, state: State) -> Any:
    state["clock"].advance(hours=25)  # past the visit's edit window: a correction amends it
    return client.post(
        f"{API}/visits/{state['visit']}/amendments",
        json={"notes": "补充"},
        headers=_h(world, Role.MEMBER),
    )


def _cancel(client: TestClient, world: World, state: State) -> Any:
    branch = _h(world, Role.BRANCH_SECRETARY)
    reported = client.get(f"{API}/households/{world.household['h2']}/events", headers=branch)
    return client.post(
        f"{API}/events/{reported.json()[0]['id']}/cancel", json={"reason": "误报"}, headers=branch
    )


def _meeting(client: TestClient, world: World, state: State, kind: str = "tasking") -> Any:
    res = client.post(
        f"{API}/meetings",
        json={"type": kind, "org_id": world.org["V1"], "title": "会议", "held_on": "2026-11-25"},
        headers=_h(world),
    )
    return _kept("meeting" if kind == "tasking" else kind, res, state)


def _rate(client: TestClient, world: World, state: State) -> Any:
    _meeting(client, world, state, "evaluation")
    client.put(
        f"{API}/meetings/{state['evaluation']}/attendance",
        json={"members": [], "representatives": [world.household["h1"]]},
        headers=_h(world),
    )
    return client.post(
        f"{API}/meetings/{state['evaluation']}/ratings",
        json={
            "household_id": world.household["h1"],
            "target": "member",
            "target_id": world.member["m1"],
            "level": "satisfied",
        },
        headers=_h(world),
    )


def _cancel_meeting(client: TestClient, world: World, state: State) -> Any:
    _meeting(client, world, state, "weekly_huddle")
    return client.post(
        f"{API}/meetings/{state['weekly_huddle']}/cancel",
        json={"reason": "改期"},
        headers=_h(world),
    )


# In the order they run: what a later write needs, an earlier one made (``state``).

# ── service orders (服务订单): each call one transition, in the order the flow allows ─────────


def _so(c: TestClient, s: State, path: str, headers: dict[str, str], **body: Any) -> Any:
    return c.post(f"{API}/service-orders/{s['order']}/{path}", json=body, headers=headers)


def _so_member(w: World, member: str = "m1") -> dict[str, str]:
    return w.headers(Role.MEMBER, member=member)


def _so_photo(c: TestClient, w: World, s: State) -> Any:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 128, 0)).save(out, "JPEG")
    return c.post(
        f"{API}/service-orders/{s['order']}/photos",
        content=out.getvalue(),
        headers={**_so_member(w), "Content-Type": "image/jpeg"},
    )


def _so_card_rate(c: TestClient, w: World, s: State) -> Any:
    made = c.post(
        f"{API}/public/cards/{s['card']}/service-orders", json={"kind": "care", "text": "陪护"}
    ).json()["id"]
    c.post(f"{API}/service-orders/{made}/take", json={}, headers=_so_member(w))
    c.post(f"{API}/service-orders/{made}/complete", json={"note": "好了"}, headers=_so_member(w))
    return c.post(
        f"{API}/public/cards/{s['card']}/service-orders/{made}/rate", json={"rating": "satisfied"}
    )


SERVICE_ORDER_WRITES: dict[tuple[str, str], Call] = {
    ("POST", "/households/{household_id}/service-orders"): lambda c, w, s: _kept(
        "order",
        c.post(
            f"{API}/households/{w.household['h1']}/service-orders",
            json={"kind": "repair", "text": "修水管"},
            headers=_so_member(w),
        ),
        s,
    ),
    ("POST", "/service-orders/{order_id}/dispatch"): lambda c, w, s: _so(
        c, s, "dispatch", _h(w, Role.BRANCH_SECRETARY), member_id=w.member["m1"]
    ),
    ("POST", "/service-orders/{order_id}/decline"): lambda c, w, s: _so(
        c, s, "decline", _so_member(w), reason="没空"
    ),
    ("POST", "/service-orders/{order_id}/take"): lambda c, w, s: _so(c, s, "take", _so_member(w)),
    ("POST", "/service-orders/{order_id}/photos"): _so_photo,
    ("POST", "/service-orders/{order_id}/redispatch"): lambda c, w, s: _so(
        c, s, "redispatch", _h(w, Role.BRANCH_SECRETARY), member_id=w.member["m2"], reason="改派"
    ),
    ("POST", "/service-orders/{order_id}/cancel"): lambda c, w, s: _so(
        c, s, "cancel", _h(w, Role.BRANCH_SECRETARY), reason="不需要了"
    ),
    ("POST", "/public/cards/{token}/service-orders"): lambda c, _w, s: _kept(
        "card_order",
        c.post(
            f"{API}/public/cards/{s['card']}/service-orders",
            json={"kind": "errands", "text": "代购"},
        ),
        s,
    ),
    ("POST", "/public/cards/{token}/service-orders/{order_id}/cancel"): lambda c, _w, s: c.post(
        f"{API}/public/cards/{s['card']}/service-orders/{s['card_order']}/cancel",
        json={"reason": "不用了"},
    ),
    ("POST", "/service-orders/{order_id}/release"): lambda c, w, s: _so_release(c, w, s),
    ("POST", "/service-orders/{order_id}/complete"): lambda c, w, s: _so_complete(c, w, s),
    ("POST", "/public/cards/{token}/service-orders/{order_id}/rate"): _so_card_rate,
}


def _so_release(c: TestClient, w: World, s: State) -> Any:
    made = c.post(
        f"{API}/households/{w.household['h1']}/service-orders",
        json={"kind": "care", "text": "陪护"},
        headers=_so_member(w),
    ).json()["id"]
    s["order"] = made
    c.post(f"{API}/service-orders/{made}/take", json={}, headers=_so_member(w))
    return _so(c, s, "release", _so_member(w), reason="临时外出")


def _so_complete(c: TestClient, w: World, s: State) -> Any:
    c.post(f"{API}/service-orders/{s['order']}/take", json={}, headers=_so_member(w))
    return _so(c, s, "complete", _so_member(w), note="已完成")


WRITES: dict[tuple[str, str], Call] = {
    ("POST", "/auth/login"): _login,
    ("POST", "/auth/password"): _password,
    ("POST", "/org-units"): lambda c, w, s: _kept(
        "org",
        c.post(
            f"{API}/org-units",
            json={"name": "新网格", "level": "grid", "parent_id": w.org["V1"]},
            headers=_h(w),
        ),
        s,
    ),
    ("PATCH", "/org-units/{org_id}"): lambda c, w, s: c.patch(
        f"{API}/org-units/{s['org']}", json={"name": "改名网格"}, headers=_h(w)
    ),
    ("POST", "/org-units/{org_id}/move"): lambda c, w, s: c.post(
        f"{API}/org-units/{s['org']}/move", json={"parent_id": w.org["V2"]}, headers=_h(w)
    ),
    ("DELETE", "/org-units/{org_id}"): lambda c, w, s: c.delete(
        f"{API}/org-units/{s['org']}", headers=_h(w)
    ),
    ("PUT", "/org-units/{org_id}/scheme"): lambda c, w, _s: c.put(
        f"{API}/org-units/{w.org['T2']}/scheme", json={"scheme": "wuge_daohu"}, headers=_h(w)
    ),
    ("DELETE", "/org-units/{org_id}/scheme"): lambda c, w, _s: c.delete(
        f"{API}/org-units/{w.org['T2']}/scheme", headers=_h(w)
    ),
    ("POST", "/categories"): lambda c, w, _s: c.post(
        f"{API}/categories", json={"code": "veteran", "label": "退役军人"}, headers=_h(w)
    ),
    ("POST", "/members"): lambda c, w, s: _kept(
        "member",
        c.post(f"{API}/members", json={"org_id": w.org["V1"], "name": "新党员"}, headers=_h(w)),
        s,
    ),
    ("PATCH", "/members/{member_id}"): lambda c, w, s: c.patch(
        f"{API}/members/{s['member']}", json={"phone": "13700000000"}, headers=_h(w)
    ),
    ("DELETE", "/members/{member_id}"): lambda c, w, s: c.delete(
        f"{API}/members/{s['member']}", headers=_h(w)
    ),
    ("POST", "/households"): lambda c, w, s: _kept(
        "household",
        c.post(
            f"{API}/households", json={"org_id": w.org["G1"], "head_name": "新户"}, headers=_h(w)
        ),
        s,
    ),
    ("PATCH", "/households/{household_id}"): lambda c, w, s: c.patch(
        f"{API}/households/{s['household']}", json={"size": 7}, headers=_h(w)
    ),
    ("DELETE", "/households/{household_id}"): lambda c, w, s: c.delete(
        f"{API}/households/{s['household']}", headers=_h(w)
    ),
    ("PUT", "/households/{household_id}/residents"): lambda c, w, _s: residents(
        c, w, "h1", ["1970-03-01", "1941-06-01"]
    ),
    ("POST", "/org-units/{org_id}/policies"): lambda c, w, s: _kept(
        "policy", new_policy(c, w, ELDERLY), s
    ),
    ("PATCH", "/policies/{policy_id}"): lambda c, w, s: c.patch(
        f"{API}/policies/{s['policy']}", json={"summary": "改"}, headers=_h(w, Role.COUNTY_CADRE)
    ),
    ("PUT", "/policies/{policy_id}/households/{household_id}/delivery"): lambda c, w, s: c.put(
        f"{API}/policies/{s['policy']}/households/{w.household['h1']}/delivery",
        json={"status": "explained"},
        headers=_h(w, Role.MEMBER),
    ),
    ("PUT", "/members/{member_id}/requests"): lambda c, w, _s: c.put(
        f"{API}/members/{w.member['m1']}/requests",
        json={"household_ids": [w.household["h1"]]},
        headers=_h(w),
    ),
    ("POST", "/members/{member_id}/ties"): lambda c, w, _s: c.post(
        f"{API}/members/{w.member['m1']}/ties",
        json={"household_id": w.household["h3"], "kind": "kinship"},
        headers=_h(w),
    ),
    ("DELETE", "/members/{member_id}/ties/{household_id}/{kind}"): lambda c, w, _s: c.delete(
        f"{API}/members/{w.member['m1']}/ties/{w.household['h3']}/kinship", headers=_h(w)
    ),
    ("POST", "/assignment-proposals"): _proposal,
    ("POST", "/assignment-proposals/{proposal_id}/edits"): _edit,
    ("POST", "/assignment-proposals/{proposal_id}/publish"): lambda c, w, s: c.post(
        f"{API}/assignment-proposals/{s['proposal']}/publish",
        json={"accept_shortfalls": True},
        headers=_h(w),
    ),
    ("POST", "/visits"): lambda c, w, s: _kept(
        "visit",
        c.post(
            f"{API}/visits",
            json=visit(w, "h1", flags=[{"kind": "difficulty", "text": "孩子上学路远"}]),
            headers=_h(w, Role.MEMBER),
        ),
        s,
    ),
    ("PATCH", "/visits/{visit_id}"): lambda c, w, s: c.patch(
        f"{API}/visits/{s['visit']}", json={"notes": "改正"}, headers=_h(w, Role.MEMBER)
    ),
    ("POST", "/visits/{visit_id}/photos"): _photo,
    ("DELETE", "/photos/{photo_id}"): lambda c, w, s: c.delete(
        f"{API}/photos/{s['photo']}", headers=_h(w, Role.MEMBER)
    ),
    ("POST", "/visits/{visit_id}/issue-drafts"): lambda c, w, s: _kept(
        "draft",
        c.post(
            f"{API}/visits/{s['visit']}/issue-drafts",
            json={"kind": "difficulty"},
            headers=_h(w, Role.MEMBER),
        ),
        s,
    ),
    ("POST", "/issue-drafts/{draft_id}/issue"): lambda c, w, s: c.post(
        f"{API}/issue-drafts/{s['draft']}/issue", json={}, headers=_h(w, Role.MEMBER)
    ),
    ("POST", "/issues"): lambda c, w, _s: c.post(
        f"{API}/issues",
        json={"title": "村道破损", "text": "需要修补", "org_id": w.org["V1"]},
        headers=_h(w, Role.BRANCH_SECRETARY),
    ),
    ("PUT", "/work-calendar/{day}"): lambda c, w, _s: c.put(
        f"{API}/work-calendar/2026-12-30", json={"kind": "holiday", "note": "县庆"}, headers=_h(w)
    ),
    ("POST", "/sync/batch"): lambda c, w, _s: c.post(
        f"{API}/sync/batch",
        json={"operations": [op(w, "5d1c1a54-0000-4000-8000-000000000001", "h2")]},
        headers=_h(w, Role.MEMBER),
    ),
    ("POST", "/households/{household_id}/events"): lambda c, w, s: _kept(
        "event",
        c.post(
            f"{API}/households/{w.household['h1']}/events",
            json={"kind": "生病住院", "note": "户主住院"},
            headers=_h(w, Role.BRANCH_SECRETARY),
        ),
        s,
    ),
    ("POST", "/events/{event_id}/attendance"): _attend,
    ("POST", "/households/{household_id}/card-token"): lambda c, w, s: _kept(
        "card",
        c.post(f"{API}/households/{w.household['h2']}/card-token", headers=_h(w)),
        s,
        "token",
    ),
    ("POST", "/public/cards/{token}/events"): lambda c, _w, s: c.post(
        f"{API}/public/cards/{s['card']}/events", json={"kind": "生病住院", "note": "住院"}
    ),
    ("POST", "/public/cards/{token}/issues"): lambda c, _w, s: _kept(
        "issue",
        c.post(
            f"{API}/public/cards/{s['card']}/issues",
            json={"category": "infrastructure", "title": "门前路灯不亮", "text": "一周了"},
        ),
        s,
    ),
    ("POST", "/issues/{issue_id}/photos"): _issue_photo,
    ("POST", "/issues/{issue_id}/actions"): lambda c, w, s: c.post(
        f"{API}/issues/{s['issue']}/actions",
        json={"action": "classify", "category": "infrastructure", "difficulty": "small"},
        headers=_h(w, Role.BRANCH_SECRETARY),
    ),
    ("POST", "/public/cards/{token}/issues/{issue_id}/rating"): _rate_by_card,
    ("POST", "/events/{event_id}/cancel"): _cancel,
    **SERVICE_ORDER_WRITES,
    ("DELETE", "/households/{household_id}/card-token"): lambda c, w, _s: c.delete(
        f"{API}/households/{w.household['h2']}/card-token", headers=_h(w)
    ),
    ("POST", "/imports/{kind}"): _import,
    ("POST", "/users"): lambda c, w, s: _kept(
        "user",
        c.post(
            f"{API}/users",
            json={
                "username": "new.user",
                "password": "long-enough-1",
                "role": "village_cadre",
                "org_id": w.org["V1"],
            },
            headers=_h(w),
        ),
        s,
    ),
    ("PATCH", "/users/{user_id}"): lambda c, w, s: c.patch(
        f"{API}/users/{s['user']}", json={"display_name": "新干部"}, headers=_h(w)
    ),
    ("POST", "/users/{user_id}/unlock"): lambda c, w, s: c.post(
        f"{API}/users/{s['user']}/unlock", headers=_h(w)
    ),
    ("POST", "/api-keys"): lambda c, w, s: _kept(
        "key",
        c.post(
            f"{API}/api-keys",
            json={"name": "县平台", "org_id": w.org["C"], "permissions": ["household:read"]},
            headers=_h(w),
        ),
        s,
    ),
    ("DELETE", "/api-keys/{key_id}"): lambda c, w, s: c.delete(
        f"{API}/api-keys/{s['key']}", headers=_h(w)
    ),
    ("POST", "/visits/{visit_id}/amendments"): _amend,
    ("POST", "/meetings"): _meeting,
    ("PATCH", "/meetings/{meeting_id}"): lambda c, w, s: c.patch(
        f"{API}/meetings/{s['meeting']}", json={"place": "村委会"}, headers=_h(w)
    ),
    ("POST", "/meetings/{meeting_id}/agenda/draw"): lambda c, w, s: c.post(
        f"{API}/meetings/{s['meeting']}/agenda/draw", headers=_h(w)
    ),
    ("PUT", "/meetings/{meeting_id}/agenda"): lambda c, w, s: c.put(
        f"{API}/meetings/{s['meeting']}/agenda", json={"items": [{"title": "路灯"}]}, headers=_h(w)
    ),
    ("PUT", "/meetings/{meeting_id}/attendance"): lambda c, w, s: c.put(
        f"{API}/meetings/{s['meeting']}/attendance",
        json={"members": [{"member_id": w.member["m1"], "present": True}]},
        headers=_h(w),
    ),
    ("POST", "/meetings/{meeting_id}/tasks"): lambda c, w, s: _kept(
        "task",
        c.post(
            f"{API}/meetings/{s['meeting']}/tasks",
            json={
                "title": "修路灯",
                "owner_member_id": w.member["m1"],
                "target": "亮灯",
                "measures": "检修",
                "deadline": "2026-12-31",
            },
            headers=_h(w),
        ),
        s,
    ),
    ("PUT", "/meetings/{meeting_id}/minutes"): lambda c, w, s: c.put(
        f"{API}/meetings/{s['meeting']}/minutes", json={"summary": "交办路灯"}, headers=_h(w)
    ),
    ("POST", "/meetings/{meeting_id}/finalise"): lambda c, w, s: c.post(
        f"{API}/meetings/{s['meeting']}/finalise", headers=_h(w)
    ),
    ("POST", "/meeting-tasks/{task_id}/done"): lambda c, w, s: c.post(
        f"{API}/meeting-tasks/{s['task']}/done", json={"note": "已修好"}, headers=_h(w)
    ),
    ("POST", "/meetings/{meeting_id}/ratings"): _rate,
    ("POST", "/meetings/{meeting_id}/cancel"): _cancel_meeting,
}


def counts(world: World) -> tuple[int, int]:
    with world.app.state.session_factory() as s:
        audit = s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        outbox = s.execute(text("SELECT count(*) FROM outbox")).scalar_one()
    return int(audit), int(outbox)


def test_every_write_route_leaves_an_audit_entry_and_an_outbox_row_per_change(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    routes = {
        (method.upper(), path.removeprefix(API))
        for path, operations in world.app.openapi()["paths"].items()
        if path.startswith(API)
        for method in operations
        if method in WRITE_METHODS
    }
    assert routes - WRITES.keys() - EXEMPT.keys() == set(), "write routes this test does not run"
    assert WRITES.keys() <= routes, "routes this test runs that the app no longer has"
    state: State = {"clock": clock}
    for (method, path), call in WRITES.items():
        audit, outbox = counts(world)
        res = call(client, world, state)
        assert res.status_code < 300, (method, path, res.status_code, res.text)
        new_audit, new_outbox = counts(world)
        assert new_outbox > outbox, (method, path, "no outbox row")
        assert new_outbox - outbox == new_audit - audit, (method, path, "an entry per event")


# ── The feed ─────────────────────────────────────────────────────────────────────────────────


def settled(client: TestClient) -> None:
    """Wait until the feed can show every row written so far. On PostgreSQL it shows only the
    rows of transactions older than every one still running in the whole cluster (see
    persistence/outbox/queries.py): the other test process's open transactions, on its own
    database, hold it back for a moment. Waiting for them is what a poller does too."""
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    if factory.kw["bind"].dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 60
    with factory() as session:
        while True:
            behind = session.scalar(
                text(
                    "SELECT coalesce(max(tx), 0) >= "
                    "pg_snapshot_xmin(pg_current_snapshot())::text::bigint FROM outbox"
                )
            )
            session.rollback()  # a fresh snapshot on the next look
            if not behind:
                return
            assert time.monotonic() < deadline, "a transaction held the feed back for a minute"
            time.sleep(0.05)


def feed(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every change the caller may read, page by page."""
    settled(client)
    out: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = {**params, **({"after": after} if after else {})}
        res = client.get(f"{API}/changes", params=query, headers=headers)
        assert res.status_code == 200, res.text
        page = res.json()
        out += page["data"]
        after = page["next"]
        if not page["has_more"]:
            return out


def test_the_feed_pages_with_a_cursor_oldest_first_without_gaps_or_repeats(
    client: TestClient, world: World
) -> None:
    admin = _h(world)
    whole = feed(client, admin, limit=500)
    paged = feed(client, admin, limit=3)
    assert len(whole) > 10 and paged == whole
    cursors = [tuple(int(p) for p in c["cursor"].split(".")) for c in whole]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    last = client.get(f"{API}/changes", params={"after": whole[-1]["cursor"]}, headers=admin)
    assert last.json() == {"data": [], "next": whole[-1]["cursor"], "has_more": False}
    client.patch(f"{API}/households/{world.household['h1']}", json={"size": 5}, headers=admin)
    settled(client)
    new = client.get(f"{API}/changes", params={"after": whole[-1]["cursor"]}, headers=admin)
    assert [(c["type"], c["entity_id"]) for c in new.json()["data"]] == [
        ("HouseholdUpdated", str(world.household["h1"]))
    ]


def test_a_township_reads_its_own_changes_and_not_its_neighbours(
    client: TestClient, world: World
) -> None:
    admin = _h(world)
    for household in ("h3", "h4"):  # h3 in township T1, h4 in T2
        res = client.patch(
            f"{API}/households/{world.household[household]}", json={"size": 6}, headers=admin
        )
        assert res.status_code == 200
    township = feed(client, _h(world, Role.TOWNSHIP_CADRE))
    touched = {c["entity_id"] for c in township if c["entity"] == "household"}
    assert str(world.household["h3"]) in touched
    assert str(world.household["h4"]) not in touched
    t1 = world.path("T1")
    assert all(c["org_path"].startswith(t1) for c in township)
    everywhere = {c["entity_id"] for c in feed(client, admin) if c["entity"] == "household"}
    assert str(world.household["h4"]) in everywhere


def test_personal_fields_are_masked_for_a_caller_without_personal_read(
    client: TestClient, world: World
) -> None:
    h1 = str(world.household["h1"])

    def created(role: Role) -> dict[str, Any]:
        changes = feed(client, _h(world, role))
        return next(c for c in changes if c["type"] == "HouseholdCreated" and c["entity_id"] == h1)

    full = created(Role.BRANCH_SECRETARY)["data"]["after"]
    masked = created(Role.TOWNSHIP_CADRE)["data"]["after"]  # no personal:read
    assert full["phone"] == "13812345678" and "dibao" in full["categories"]
    assert masked["phone"] == "*******5678" and masked["address"].endswith("****")
    assert masked["location"] is None and "dibao" not in masked["categories"]


def test_an_ordinary_member_reads_the_changes_of_their_own_households_only(
    client: TestClient, world: World
) -> None:
    changes = feed(client, _h(world, Role.MEMBER))
    own = {str(world.household["h1"]), str(world.household["h2"])}
    assert changes and {c["entity_id"] for c in changes if c["entity"] == "household"} <= own
    assert {c["entity"] for c in changes} <= {"household"}


def test_a_household_moved_to_another_township_is_a_removal_there(
    client: TestClient, world: World
) -> None:
    admin = _h(world)
    h3 = str(world.household["h3"])
    res = client.patch(
        f"{API}/households/{world.household['h3']}", json={"org_id": world.org["G3"]}, headers=admin
    )
    assert res.status_code == 200, res.text
    old_township = feed(client, _h(world, Role.TOWNSHIP_CADRE))[-1]
    assert (old_township["type"], old_township["kind"], old_township["entity_id"]) == (
        "HouseholdMoved",
        "removed",
        h3,
    )
    assert old_township["data"] is None and old_township["org_path"] is None
    county = feed(client, admin)[-1]
    assert (county["kind"], county["org_path"]) == ("upsert", world.path("G3"))
    assert county["data"]["after"]["org_id"] == world.org["G3"]


def test_a_deleted_record_is_a_tombstone_with_its_id(client: TestClient, world: World) -> None:
    admin = _h(world)
    made = client.post(
        f"{API}/households", json={"org_id": world.org["G1"], "head_name": "临时户"}, headers=admin
    ).json()
    assert client.delete(f"{API}/households/{made['id']}", headers=admin).status_code == 204
    last = feed(client, admin)[-1]
    assert {k: last[k] for k in ("type", "kind", "entity", "entity_id", "version", "data")} == {
        "type": "HouseholdDeleted",
        "kind": "delete",
        "entity": "household",
        "entity_id": str(made["id"]),
        "version": 2,
        "data": None,
    }


def test_a_bad_cursor_is_refused_naming_the_field(client: TestClient, world: World) -> None:
    res = client.get(f"{API}/changes", params={"after": "x"}, headers=_h(world))
    assert res.status_code == 422 and res.json()["field"] == "after"


def test_an_api_key_reads_the_feed_of_its_subtree(client: TestClient, world: World) -> None:
    made = client.post(
        f"{API}/api-keys",
        json={"name": "镇平台", "org_id": world.org["T2"], "permissions": ["household:read"]},
        headers=_h(world),
    ).json()
    changes = feed(client, {"X-API-Key": made["key"]})
    assert changes and {c["entity"] for c in changes} == {"household"}
    assert {c["entity_id"] for c in changes} == {str(world.household["h4"])}
