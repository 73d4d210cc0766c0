"""make bench-issues: the issue flow on PostgreSQL with a county of 100,000 issues over two years
(issue 15's figures), through a served app where a person would go through one.

- inbox_p99: the inbox / ledger through ``GET /api/v1/issues``, filtered by a handling org's
  subtree, status, supervision level and overdue, as a county, a township and a village ask:
  p99 under 50 ms.
- escalation: one full escalation grid → village → township → county, three ``escalate``
  actions over HTTP, each timed at the client on loopback (an upper bound of the server's
  time): the slowest of them under 50 ms.
- sweep_20k: the deadline sweep over 20,000 open issues (warnings, overdue, supervision
  levels, their events in the outbox and the audit trail): under 2 s.

The issues are made by the domain itself (raise, classify, assign, accept, resolve, tell, rate,
close, the ledger) at random times of two years, and written in bulk (COPY), so that the
setup takes seconds; the figures are then measured through the real paths."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, text

from api.operations import Database, create_admin_account, load_demo
from api.sweeping import sweep_once
from bench.common import bench_line, fresh_postgres, percentile, server
from domain.issues.model import Actor, Difficulty, Issue, Rating, Source
from domain.issues.model import raise_issue as new_issue
from domain.issues.rules import TimeLimits, Timetable
from domain.kernel.access import Role, Scope
from domain.kernel.org import OrgLevel
from persistence.bulk import insert_rows
from persistence.issues.calendar import published
from persistence.issues.store import ENTRIES, ISSUES, SqlIssueStore, _entry, _state
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import HouseholdRow

ISSUES_IN_ALL = 100_000
OPEN_ISSUES = 20_000
HOUSEHOLDS = 20_000
PASSWORD = "bench-password-1"
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
ROOT = Scope.for_role(role=Role.ADMIN, org_path="/", actor="bench")


def made_issues(db: Database, rng: random.Random) -> list[Issue]:
    """100,000 issues of random households over two years: 80,000 gone the whole way to
    销号 (a few through a 不满意 and a redo), 20,000 open at every step (some on the ledger)."""
    with db.sessions() as session:
        homes = session.execute(
            select(HouseholdRow.id, OrgUnitRow.id, OrgUnitRow.path).join(
                OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id
            )
        ).all()
        store = SqlIssueStore(session)
        lines = {path: store.line_of(org_id, ROOT) for _, org_id, path in homes}
    timetable = Timetable(published(), TimeLimits())
    out: list[Issue] = []
    for n in range(ISSUES_IN_ALL):
        household, _, path = rng.choice(homes)
        line = lines[path]
        at = NOW - timedelta(days=730 * (1 - n / ISSUES_IN_ALL), minutes=rng.randrange(600))
        grid = Actor("user:bench-grid", org=line[-1])
        issue = new_issue(
            source=rng.choice(list(Source)),
            title=f"问题 {n}",
            text="村口路灯不亮，夜间出行不便",
            line=line,
            by=grid,
            at=at,
            timetable=timetable,
            household_id=household,
            category=rng.choice(["infrastructure", "sanitation"]),
            categories={"infrastructure": "基础设施", "sanitation": "环境卫生"},
        )
        issue = replace(issue, id=n + 1)
        out.append(_moved_on(issue, grid, at, n >= ISSUES_IN_ALL - OPEN_ISSUES, rng, timetable))
    return out


def _moved_on(
    issue: Issue, grid: Actor, at: datetime, still_open: bool, rng: random.Random, t: Timetable
) -> Issue:
    def later() -> datetime:
        nonlocal at
        at += timedelta(hours=rng.randrange(1, 30))
        return at

    issue = issue.classify(
        category=rng.choice(["infrastructure", "sanitation"]),
        difficulty=rng.choice([Difficulty.SIMPLE, Difficulty.SMALL, Difficulty.MAJOR]),
        categories={"infrastructure": "基础设施", "sanitation": "环境卫生"},
        by=grid,
        at=later(),
    )
    if still_open and rng.random() < 0.2:
        return issue  # classified, waiting to be passed on
    issue = issue.assign(by=grid, at=later(), timetable=t)
    handler = Actor("user:bench-handler", org=issue.handler)
    if still_open and rng.random() < 0.3:
        return issue  # waiting to be accepted (受理)
    issue = issue.accept(by=handler, at=later(), timetable=t)
    if still_open:
        if rng.random() < 0.1:
            review = (at + timedelta(days=rng.randrange(3, 60))).date()
            return issue.put_on_ledger(
                plan="列入明年计划", owner="村委会", review_on=review, by=handler, at=later()
            )
        return issue  # being handled
    issue = issue.resolve(answer="已处理", by=handler, at=later(), timetable=t)
    household = Actor(issue.raiser)
    member = Actor("user:bench-member", org=issue.origin, member_id=1)
    issue = issue.confirm_told(contact_member_id=1, by=member, at=later())
    issue = issue.rate(rating=rng.choice(list(Rating)[:2]), by=household, at=later(), timetable=t)
    return issue.close(result="已销号", by=handler, at=later())


def write(db: Database, issues: list[Issue]) -> None:
    columns = [c.name for c in ISSUES.columns]
    entry_columns = [c.name for c in ENTRIES.columns if c.name != "id"]
    with db.sessions() as session:
        rows = (
            {
                **_state(i),
                "id": i.id,
                "source": i.source.value,
                "title": i.title,
                "text": i.text,
                "raiser": i.raiser,
                "raised_by": i.timeline[0].actor,
                "raised_at": i.raised_at,
                "household_id": i.household_id,
                "origin_org_id": i.origin.id,
                "origin_path": i.origin.path,
                "client_ref": None,
                "draft_id": None,
            }
            for i in issues
        )
        insert_rows(session, ISSUES.name, columns, (tuple(r.get(c) for c in columns) for r in rows))
        insert_rows(
            session,
            ENTRIES.name,
            entry_columns,
            (
                tuple(_entry(i.id, e).get(c) for c in entry_columns)
                for i in issues
                for e in i.timeline
            ),
            empty_not_null=("note",),
        )
        session.execute(text("SELECT setval('issues_id_seq', (SELECT max(id) FROM issues))"))
        session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE issues"))
        conn.execute(text("VACUUM ANALYZE issue_timeline"))


def accounts(db: Database) -> dict[str, tuple[int, str]]:
    """An administrator at one grid and at each org above it (who escalates), by level."""
    with db.sessions() as session:
        grid = session.execute(
            select(OrgUnitRow.id, OrgUnitRow.path, OrgUnitRow.code)
            .where(OrgUnitRow.level == OrgLevel.GRID.value)
            .order_by(OrgUnitRow.id)
        ).first()
        assert grid is not None
        ids = [int(p) for p in grid.path.strip("/").split("/")]
        rows = {
            "village" if r.level == OrgLevel.COMMUNITY.value else r.level: (r.id, r.code)
            for r in session.execute(
                select(OrgUnitRow.id, OrgUnitRow.level, OrgUnitRow.code).where(
                    OrgUnitRow.id.in_(ids)
                )
            )
        }
    made = {}
    for level in ("grid", "village", "township", "county"):
        org_id, code = rows[level]
        create_admin_account(db.url, username=f"bench-{level}", password=PASSWORD, org_code=code)
        made[level] = (org_id, f"bench-{level}")
    return made


def login(client: httpx.Client, username: str) -> dict[str, str]:
    res = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert res.status_code == 200, res.text[:300]
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


def inbox_p99(
    client: httpx.Client, people: dict[str, dict[str, str]], orgs: dict[str, int]
) -> float:
    asks: list[tuple[str, dict[str, Any]]] = []
    for level in ("county", "township", "village"):
        asks += [
            (level, {"status": ["assigned"]}),
            (level, {"status": ["in_progress", "assigned"], "overdue": "true"}),
            (level, {"supervision": "yellow"}),
            (level, {"status": ["on_ledger"]}),
            (level, {"overdue": "false", "status": ["in_progress"], "sort": "-raised_at"}),
            (level, {"org_id": orgs["village"], "status": ["in_progress"]}),
        ]
    for who, params in asks:  # warm the server's caches and the database's pages once
        client.get("/api/v1/issues", params=params, headers=people[who])
    times = []
    for _ in range(10):
        for who, params in asks:
            start = time.perf_counter()
            res = client.get("/api/v1/issues", params=params, headers=people[who])
            times.append((time.perf_counter() - start) * 1000)
            assert res.status_code == 200, res.text[:300]
    return percentile(times, 99)


def escalations(
    client: httpx.Client, people: dict[str, dict[str, str]], grid_id: int
) -> list[float]:
    """Issues raised at the grid, passed on, then escalated level by level to the county."""
    times: list[float] = []
    for n in range(10):
        raised = client.post(
            "/api/v1/issues",
            json={"title": f"需上报的问题 {n}", "text": "跨部门协调", "org_id": grid_id},
            headers=people["grid"],
        )
        assert raised.status_code == 201, raised.text[:300]
        url = f"/api/v1/issues/{raised.json()['id']}/actions"
        steps: list[tuple[str, dict[str, Any]]] = [
            ("grid", {"action": "classify", "category": "infrastructure", "difficulty": "simple"}),
            ("grid", {"action": "assign"}),
            ("grid", {"action": "accept"}),
        ]
        for who, body in steps:
            assert client.post(url, json=body, headers=people[who]).status_code == 200
        for who in ("grid", "village", "township"):
            start = time.perf_counter()
            res = client.post(
                url, json={"action": "escalate", "reason": "需上级协调"}, headers=people[who]
            )
            times.append((time.perf_counter() - start) * 1000)
            assert res.status_code == 200, res.text[:300]
            above = {"grid": "village", "village": "township", "township": "county"}[who]
            ok = client.post(url, json={"action": "accept"}, headers=people[above])
            assert ok.status_code == 200, ok.text[:300]
    return times


def main() -> None:
    url = fresh_postgres()
    from persistence.migrations import upgrade

    upgrade(url)
    load_demo(url, households=HOUSEHOLDS, seed=7, only_if_empty=False, at=NOW - timedelta(days=800))
    db = Database(url)
    rng = random.Random(15)
    started = time.perf_counter()
    issues = made_issues(db, rng)
    write(db, issues)
    print(f"# {len(issues)} issues made and written in {time.perf_counter() - started:.1f} s")
    people_orgs = accounts(db)
    orgs = {level: org_id for level, (org_id, _) in people_orgs.items()}
    # The server's own sweep timer off: the sweep is measured below, alone.
    serving = server(url, workers=1, env={"LIANHU_SWEEP_MINUTES": "0"})
    with serving as (base, _proc), httpx.Client(base_url=base, timeout=30) as client:
        people = {level: login(client, name) for level, (_, name) in people_orgs.items()}
        p99 = inbox_p99(client, people, orgs)
        print(bench_line("issues_inbox_p99", p99, "ms", "<50", p99 < 50))
        steps = escalations(client, people, orgs["grid"])
        slowest = max(steps)
        print(f"# escalate: median {statistics.median(steps):.1f} ms over {len(steps)}")
        print(bench_line("issues_escalation_step_max", slowest, "ms", "<50", slowest < 50))
    with db.sessions() as session:
        still_open = session.scalar(text("SELECT count(*) FROM issues WHERE status <> 'closed'"))
    # a week on: every open step is warned or overdue, many a yellow or red card
    start = time.perf_counter()
    report = sweep_once(db.sessions, NOW + timedelta(days=7))
    seconds = time.perf_counter() - start
    print(f"# swept {still_open} open issues: {report.issues} marked, {report.events} marks")
    print(bench_line("issues_sweep_20k", seconds, "s", "<2", seconds < 2))
    db.engine.dispose()


if __name__ == "__main__":
    main()
