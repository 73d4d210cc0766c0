"""make bench-field: field work on a city (565,000 households, 69,000 members) and, beside it, a
county of the size the compliance figure names (60,000 households, 100 villages), both on the
1+6+N scheme (every 14 days, 五到户 each quarter), with 5,000,000 visits of the past year, on
PostgreSQL, through a real ``lianhu serve``.

Figures (issue 5): logging a visit over HTTP with 64 concurrent clients for 30 s sustains at
least 40 % of the rate of a bare FastAPI endpoint served the same way and measured in the same
run, with p99 under 100 ms and no errors. The bare endpoint of the figure logs the visit too —
the same body validated by the API's model, one row written and committed — so the ratio is
what auth, the scope check, the roster rule and the audit entry cost; the ratio to an endpoint
that only echoes the body (FastAPI alone) is printed beside it as INFO. A member's due list p99
under 30 ms; the county's compliance under 300 ms; a sync batch of 500 operations under 1 s.

Setup is not measured and goes straight to the database: the registers through the importer,
the roster (each village's households dealt round its members) and the visits with one
``INSERT … SELECT`` (each by the household's own contact member, about nine a household at
times spread over the past year, 五到户 ticks and 四个必记 flags on some). Everything measured
goes through HTTP: member accounts with real tokens; ``wrk`` (Debian package) with
``bench/field_visits.lua`` for the concurrent load, against ``bench/field_bare.py`` served with
the same uvicorn arguments right after.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from api.demo import generate_county
from api.operations import create_admin_account, run_import
from api.security import hash_password
from bench.bench_import import PASSWORD, SEED, write_files
from bench.common import (
    OUT,
    PG_ADMIN_URL,
    PG_BENCH_DB,
    ROOT,
    bench_line,
    free_port,
    fresh_postgres,
    percentile,
    server,
)
from domain.kernel.access import Role, Scope
from domain.schemes.model import PRESETS, SchemeCode
from persistence.accounts.store import create_user
from persistence.engine import make_engine, make_session_factory

SCHEME = SchemeCode.ONE_SIX_N  # every 14 days, the 五到户 checklist each quarter
COUNTY_HOUSEHOLDS = 60_000
VISITS = int(os.environ.get("BENCH_VISITS", "5000000"))
CLIENTS = 64
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
FIELD_MEMBERS = 200  # member accounts that log visits under load
DUE_REQUESTS = 400
COMPLIANCE_REQUESTS = 10
SYNC_BATCHES = 5
# Visits a second for the open-loop latency (INFO): Jiaxing's 565,000 households every 14 days
# are 40,000 visits a day; even the whole day's visits in one hour would be 11 a second.
OPEN_LOOP_RATE = 50
LUA = ROOT / "bench" / "field_visits.lua"
BARE_APP = "bench.field_bare:app"  # echoes the body: FastAPI alone
BARE_WRITE_APP = "bench.field_bare:write_app"  # validates and writes the visit, nothing else
# Set to reuse the database of the previous run (setup takes minutes; the figures do not
# depend on it being fresh, as every measured write adds new rows).
REUSE = os.environ.get("BENCH_FIELD_REUSE") == "1"


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes (2 cores: above 2 means waiting)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def info(message: str) -> None:
    print(f"INFO {message}", flush=True)


# --- setup -----------------------------------------------------------------------------------


def setup() -> str:
    url = fresh_postgres()
    from persistence.migrations import upgrade

    started = time.perf_counter()
    files = write_files()
    upgrade(url)
    create_admin_account(url, username="bench", password=PASSWORD, org_code=None)
    for kind in ("org_units", "members", "households"):
        run_import(url, kind=kind, path=files[kind], username="bench")
    for kind, path in county_files().items():
        run_import(url, kind=kind, path=path, username="bench")
    info(f"imported the city and a county in {time.perf_counter() - started:.1f} s")
    for county in county_ids(url):
        started = time.perf_counter()
        roster(url, county)
        info(f"1+6+N on {county}, its roster written in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    seed_visits(url, VISITS)
    info(f"seeded {VISITS} visits of the past year in {time.perf_counter() - started:.1f} s")
    return url


def county_files() -> dict[str, Path]:
    """A county of the size the compliance figure names (60,000 households, 100 villages)
    beside the city: the demo generator's rows with its codes and ids moved to their own
    namespace (C02-…), so both live in one database."""
    county = generate_county(households=COUNTY_HOUSEHOLDS, seed=SEED + 1)

    def moved(cell: str) -> str:
        if cell.startswith("C01"):
            return "C02" + cell[3:]
        if len(cell) > 1 and cell[0] in "MH" and cell[1:].isdigit():
            return "C02-" + cell
        return cell

    files = {}
    for kind, rows in (
        ("org_units", county.org_units),
        ("members", county.members),
        ("households", county.households),
    ):
        files[kind] = OUT / f"county_{kind}.csv"
        with files[kind].open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(rows[0])
            out.writerows([moved(c) for c in row] for row in rows[1:])
    return files


def roster(url: str, county: int) -> None:
    """The scheme on a county, bound as ``lianhu demo`` does, and a roster written straight to
    the database (setup; ``make bench-assign`` measures the engine): each village's households
    dealt in turn to its members not exempt from contact duty, from a year ago."""
    from domain.schemes.services import bind
    from persistence.unit_of_work import SqlAlchemyUnitOfWork

    engine = make_engine(url)
    root = Scope.for_role(role=Role.ADMIN, org_path="/", actor="cli:bench")
    now = datetime.now(UTC)
    uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
    bind(uow, root, county, scheme=SCHEME, overrides={}, at=now)
    with engine.begin() as conn:
        path = conn.scalar(text("SELECT path FROM org_units WHERE id = :id"), {"id": county})
        conn.execute(
            text(
                """
                WITH village_of AS (  -- /county/township/village/…: the third id of the path
                    SELECT id, split_part(path, '/', 4)::int AS village FROM org_units
                    WHERE path LIKE :path || '%' AND split_part(path, '/', 4) <> ''
                ), homes AS (
                    SELECT h.id, v.village,
                        row_number() OVER (PARTITION BY v.village ORDER BY h.id) - 1 AS k
                    FROM households h JOIN village_of v ON v.id = h.org_id
                ), contacts AS (
                    SELECT m.id, v.village,
                        row_number() OVER (PARTITION BY v.village ORDER BY m.id) - 1 AS k,
                        count(*) OVER (PARTITION BY v.village) AS n
                    FROM members m JOIN village_of v ON v.id = m.org_id
                    WHERE m.exempt_reason IS NULL
                )
                INSERT INTO assignments (member_id, household_id, started_on, ended_on, reasons)
                SELECT c.id, h.id, :started, NULL, 'bench'
                FROM homes h JOIN contacts c ON c.village = h.village AND c.k = h.k % c.n
                """
            ),
            {"path": path, "started": (now - timedelta(days=400)).date()},
        )
    engine.dispose()


# Indexes proposed for migration 0005 (issue 5's read paths); created by hand in the bench
# database with BENCH_FIELD_PROPOSED_INDEXES=1 until the migration has them.
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_visits_visited_at ON visits (visited_at) "
    "INCLUDE (household_id, member_id)",
    "CREATE INDEX IF NOT EXISTS ix_households_org_id_id ON households (org_id, id)",
)


def proposed_indexes(url: str) -> None:
    engine = make_engine(url, one_off=True)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for statement in PROPOSED_INDEXES:
            conn.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE visits"))
        conn.execute(text("VACUUM ANALYZE households"))
    engine.dispose()
    info(f"with the proposed indexes: {'; '.join(PROPOSED_INDEXES)}")


def county_ids(url: str) -> list[int]:
    """The roots: the city (565,000 households, 942 villages) and the county (100 villages)."""
    engine = make_engine(url, one_off=True)
    with engine.connect() as conn:
        found = conn.scalars(text("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id"))
        ids = [int(i) for i in found]
    engine.dispose()
    assert len(ids) == 2, ids
    return ids


def seed_visits(url: str, count: int) -> None:
    """``count`` visits of the past year, each by a household's own contact member, each to a
    household drawn at random (about nine a household, a few hardly ever visited, some often),
    at times spread evenly over the year; most visits tick one or two 五到户 items, one in
    twenty flags a difficulty, one in ten came from an offline client (with its uuid).
    Triggers (the foreign-key checks) are off for the load: every row is built from an existing
    assignment."""
    items = list(PRESETS[SCHEME].params.checklist)
    checklists = ["[]"] + [json.dumps([i], ensure_ascii=False) for i in items]
    checklists += [json.dumps([a, b], ensure_ascii=False) for a, b in itertools.pairwise(items)]
    engine = make_engine(url, one_off=True)
    with engine.begin() as conn:
        active = conn.scalar(text("SELECT count(*) FROM assignments WHERE ended_on IS NULL"))
        # The secondary indexes and unique constraints are built once after the load.
        constraints = conn.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'visits'::regclass AND contype = 'u'"
            )
        ).all()
        indexes = conn.execute(
            text(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = 'visits'::regclass AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
            )
        ).all()
        for name, _ in constraints:
            conn.execute(text(f'ALTER TABLE visits DROP CONSTRAINT "{name}"'))
        for name, _ in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(
            text(
                """
                INSERT INTO visits (member_id, household_id, visited_at, mode, notes, flags,
                    checklist, lat, lng, created_by, created_at, client_uuid, amends_id, sync_note)
                SELECT v.member_id, v.household_id, pick.at,
                    (ARRAY['home', 'home', 'home', 'phone', 'wechat', 'meeting'])
                        [1 + (pick.r * 6)::int % 6],
                    '走访了解近况，家中情况平稳',
                    CASE WHEN pick.r < 0.05 THEN
                        '[{"kind": "difficulty", "text": "老人腿脚不便，希望帮忙代办医保"}]'::jsonb
                        ELSE '[]'::jsonb END,
                    (CAST(:checklists AS jsonb[]))[1 + (pick.r2 * :n_lists)::int % :n_lists],
                    h.lat, h.lng, 'user:m' || v.member_id, pick.at + interval '2 hours',
                    CASE WHEN pick.r > 0.9 THEN gen_random_uuid()::text END, NULL, NULL
                FROM (
                    SELECT g.k, now() - interval '1 day' - random() * interval '364 days' AS at,
                        random() AS r, random() AS r2
                    FROM (
                        SELECT floor(random() * :n)::int AS k FROM generate_series(1, :count)
                    ) g OFFSET 0
                ) pick
                JOIN (
                    SELECT member_id, household_id,
                        (row_number() OVER (ORDER BY household_id) - 1)::int AS k
                    FROM assignments WHERE ended_on IS NULL
                ) v ON v.k = pick.k
                JOIN households h ON h.id = v.household_id
                """
            ),
            {"checklists": checklists, "n_lists": len(checklists), "count": count, "n": active},
        )
        total = conn.scalar(text("SELECT count(*) FROM visits"))
        # The replica role also held back the trigger that keeps each household's latest
        # visit (migration 0007): set it as that trigger would have, or compliance and the due
        # lists would read a county nobody ever visited.
        conn.execute(
            text(
                """
                UPDATE households AS h SET last_visited_at = v.at
                FROM (SELECT household_id, max(visited_at) AS at FROM visits
                      GROUP BY household_id) v
                WHERE h.id = v.household_id
                """
            )
        )
        for name, definition in constraints:
            conn.execute(text(f'ALTER TABLE visits ADD CONSTRAINT "{name}" {definition}'))
        for _, definition in indexes:
            conn.execute(text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE visits"))
        conn.execute(text("VACUUM households"))  # every row was just rewritten
        conn.execute(text("ANALYZE"))
    engine.dispose()
    assert total == count, f"seeded {total} visits, wanted {count}"


# --- accounts and requests -------------------------------------------------------------------


class Field:
    """A member in the field: their account, token and households."""

    def __init__(self, member_id: int, village_id: int, households: list[int]) -> None:
        self.member_id = member_id
        self.village_id = village_id
        self.households = households
        self.username = f"field{member_id}"
        self.token = ""


def field_members(url: str, count: int) -> list[Field]:
    """``count`` contact members from all over the city, each with an account of role member
    on their village (as the demo's member account), created straight in the database."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        picked = session.execute(
            text(
                """
                SELECT a.member_id, v.id, array_agg(a.household_id ORDER BY a.household_id)
                FROM assignments a
                JOIN members m ON m.id = a.member_id
                JOIN org_units o ON o.id = m.org_id
                JOIN org_units v ON v.level IN ('village', 'community')
                    AND o.path LIKE v.path || '%'
                WHERE a.ended_on IS NULL
                GROUP BY a.member_id, v.id
                HAVING count(*) >= 3
                ORDER BY md5(a.member_id::text)
                LIMIT :count
                """
            ),
            {"count": count},
        ).all()
        password_hash = hash_password(PASSWORD)
        now = datetime.now(UTC)
        fields = [Field(m, v, list(h)) for m, v, h in picked]
        for f in fields:
            create_user(
                session,
                username=f.username,
                password_hash=password_hash,
                role=Role.MEMBER,
                org_id=f.village_id,
                member_id=f.member_id,
                at=now,
            )
        session.commit()
    engine.dispose()
    return fields


def login(client: httpx.Client, username: str) -> str:
    res = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert res.status_code == 200, res.text[:300]
    return str(res.json()["access_token"])


NOTES = (
    "走访了解近况，老人身体尚可，子女在外务工，叮嘱注意用电安全。",
    "电话问候，家中小孩开学，学费已落实，无其他困难。",
    "入户宣讲医保缴费政策，户主表示理解，已在手机上完成缴费。",
)


def visit_body(
    rng: random.Random, member_id: int, household_id: int, at: datetime
) -> dict[str, object]:
    items = PRESETS[SCHEME].params.checklist
    body: dict[str, object] = {
        "member_id": member_id,
        "household_id": household_id,
        "visited_at": at.isoformat(),
        "mode": rng.choice(("home", "home", "phone", "wechat")),
        "notes": rng.choice(NOTES),
        "checklist": rng.sample(items, rng.randint(0, 2)),
    }
    if rng.random() < 0.1:
        body["flags"] = [{"kind": "difficulty", "text": "家中老人行动不便，希望帮忙代办医保报销"}]
    return body


def request_file(fields: list[Field], now: datetime) -> Path:
    """Visits for wrk to send: each member to each of their households, in a shuffled order."""
    rng = random.Random(5)
    lines = []
    for f in fields:
        for h in f.households:
            at = now - timedelta(minutes=rng.randint(5, 600))
            body = json.dumps(visit_body(rng, f.member_id, h, at), ensure_ascii=False)
            lines.append(f"POST\t/api/v1/visits\t{f.token}\t{body}")
    rng.shuffle(lines)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "field_visits.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- load ------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is missing: apt-get update && apt-get install -y wrk (make bench-field does it)"
        )
    return found


def wrk(base: str, requests: Path, seconds: int) -> dict[str, int]:
    """``CLIENTS`` connections on two threads for ``seconds``; wrk's own summary as a dict."""
    res = subprocess.run(
        [
            ensure_wrk(),
            "-t2",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base,
        ],
        env={**os.environ, "FIELD_REQUESTS": str(requests)},
        capture_output=True,
        text=True,
        check=True,
    )
    for line in res.stderr.splitlines()[:3]:
        info(f"wrk: {line}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


@contextlib.contextmanager
def bare_server(workers: int, app: str, database_url: str) -> Iterator[str]:
    """A bare endpoint under uvicorn, with the arguments ``lianhu serve`` gives it."""
    port = free_port()
    code = (
        "import uvicorn; uvicorn.run("
        f"{app!r}, host='127.0.0.1', port={port}, workers={workers}, "
        "log_level='warning', access_log=False)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        env={**os.environ, "LIANHU_DATABASE_URL": database_url},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{base}/docs", timeout=1)
                break
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "bare died")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def open_loop(base: str, requests: Path, per_second: int, seconds: int) -> tuple[list[float], int]:
    """Visits sent at a fixed rate whatever the answers (an open loop, unlike wrk's closed one):
    (each latency in ms, counted from when the request was due, so a slow answer also delays
    none of the next ones; the number of answers other than 201)."""
    lines = [line.split("\t", 3) for line in requests.read_text(encoding="utf-8").splitlines()]

    async def run() -> tuple[list[float], int]:
        latencies: list[float] = []
        wrong = 0
        # A connection a request (as a phone would open): a kept-alive one could be closed by
        # the server just as it is reused, a client-side error that says nothing of the server.
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

            async def one(index: int, due: float) -> None:
                nonlocal wrong
                _method, path, token, body = lines[index % len(lines)]
                try:
                    res = await client.post(
                        path,
                        content=body.encode(),
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                        },
                    )
                except httpx.TransportError as exc:
                    info(f"open loop: {type(exc).__name__} {exc}")
                    wrong += 1
                    return
                latencies.append((time.perf_counter() - due) * 1000)
                wrong += res.status_code != 201

            start = time.perf_counter()
            tasks = []
            for index in range(per_second * seconds):
                due = start + index / per_second
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                tasks.append(asyncio.create_task(one(index, due)))
            await asyncio.gather(*tasks)
        return latencies, wrong

    return asyncio.run(run())


def rate(result: dict[str, int]) -> float:
    return result["requests"] / (result["duration_us"] / 1e6)


def errors(result: dict[str, int]) -> int:
    return sum(result[k] for k in ("connect", "read", "write", "status", "timeout", "not_201"))


# --- the figures -----------------------------------------------------------------------------


def due_p99(client: httpx.Client, fields: list[Field]) -> float:
    timings = []
    for i in range(DUE_REQUESTS + 40):
        f = fields[i % len(fields)]
        started = time.perf_counter()
        res = client.get(
            f"/api/v1/members/{f.member_id}/due",
            headers={"Authorization": f"Bearer {f.token}"},
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert res.status_code == 200 and len(res.json()["data"]) == len(f.households), res.text
    return percentile(timings[40:], 99)


def compliance_times(client: httpx.Client, token: str, org: int, count: int) -> list[float]:
    timings = []
    for _ in range(count + 1):
        started = time.perf_counter()
        res = client.get(
            f"/api/v1/org-units/{org}/compliance", headers={"Authorization": f"Bearer {token}"}
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert res.status_code == 200, res.text[:300]
    info(f"compliance: {res.json()}")
    return timings[1:]


def sync_times(client: httpx.Client, fields: list[Field], now: datetime) -> list[float]:
    """Batches of 500 visits made offline over the past months by one member to their own
    households, each with a new client uuid; then one batch replayed (all duplicates)."""
    rng = random.Random(11)
    timings = []
    body: dict[str, object] = {}
    for b in range(SYNC_BATCHES):
        f = fields[b]
        ops = []
        for _ in range(500):
            at = now - timedelta(days=rng.uniform(1, 120))
            ops.append(
                {
                    "uuid": str(uuid.uuid4()),  # new on every run, also with BENCH_FIELD_REUSE
                    "kind": "visit",
                    "payload": visit_body(rng, f.member_id, rng.choice(f.households), at),
                }
            )
        body = {"operations": ops}
        started = time.perf_counter()
        res = client.post(
            "/api/v1/sync/batch", json=body, headers={"Authorization": f"Bearer {f.token}"}
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert res.status_code == 200 and res.json()["applied"] == 500, res.text[:500]
    started = time.perf_counter()
    res = client.post(
        "/api/v1/sync/batch",
        json=body,
        headers={"Authorization": f"Bearer {fields[SYNC_BATCHES - 1].token}"},
    )
    assert res.status_code == 200 and res.json()["duplicate"] == 500, res.text[:500]
    info(
        f"a replayed batch of 500 (all duplicates): {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    return timings


def main() -> None:
    ensure_wrk()
    os.environ.setdefault("LIANHU_ACCESS_TOKEN_MINUTES", "120")
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    if REUSE:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"
        engine = make_engine(url, one_off=True)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE username LIKE 'field%'"))
        engine.dispose()
    else:
        url = setup()
    if os.environ.get("BENCH_FIELD_PROPOSED_INDEXES") == "1":
        proposed_indexes(url)
    city, county = county_ids(url)
    info(f"load average before the figures: {load()}")
    fields = field_members(url, FIELD_MEMBERS)
    now = datetime.now(UTC)
    with (
        server(url, workers=workers) as (base, _proc),
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        admin = login(client, "bench")
        for f in fields:
            f.token = login(client, f.username)
        requests = request_file(fields, now)
        households = sum(len(f.households) for f in fields)
        info(f"{len(fields)} members log visits to their {households} households")
        due = due_p99(client, fields)
        compliance = compliance_times(client, admin, county, COMPLIANCE_REQUESTS)
        whole_city = compliance_times(client, admin, city, 3)
        syncs = sync_times(client, fields, now)
        wrk(base, requests, 3)  # warm up
        ours = wrk(base, requests, SECONDS)
        time.sleep(2)  # what wrk left queued is answered first
        steady, steady_wrong = open_loop(base, requests, OPEN_LOOP_RATE, SECONDS)
    with bare_server(workers, BARE_WRITE_APP, url) as bare_base:
        wrk(bare_base, requests, 3)
        bare_write = wrk(bare_base, requests, SECONDS)
    with bare_server(workers, BARE_APP, url) as bare_base:
        wrk(bare_base, requests, 3)
        bare = wrk(bare_base, requests, SECONDS)
    info(f"load average after the figures: {load()}")
    info(f"log a visit: {ours}")
    info(f"bare FastAPI endpoint writing the visit: {bare_write}")
    info(f"bare FastAPI endpoint echoing the body: {bare}")
    ratio = rate(ours) / rate(bare_write)
    info(
        f"logging a visit is {rate(ours) / rate(bare) * 100:.1f} % of the echoing endpoint "
        f"({rate(ours):.0f}/s vs {rate(bare):.0f}/s): FastAPI alone, no auth, no database"
    )
    p99 = ours["p99_us"] / 1000
    wrong = errors(ours)
    info(
        f"{workers} uvicorn worker(s) each; visits {rate(ours):.0f}/s (p99 "
        f"{ours['p99_us'] / 1000:.0f} ms), bare writing {rate(bare_write):.0f}/s (p99 "
        f"{bare_write['p99_us'] / 1000:.0f} ms); "
        f"county compliance (ms) {', '.join(f'{t:.0f}' for t in compliance)}; "
        f"the whole city's (942 villages) {', '.join(f'{t:.0f}' for t in whole_city)}; "
        f"sync batches (ms) {', '.join(f'{t:.0f}' for t in syncs)}"
    )
    info(
        f"logging visits at a steady {OPEN_LOOP_RATE}/s for {SECONDS} s (open loop; a city's whole "
        "day of visits in one hour would be 11/s): "
        f"p50 {percentile(steady, 50):.1f} ms, p99 {percentile(steady, 99):.1f} ms, "
        f"{steady_wrong} answers other than 201 — the latency a member sees, where the "
        f"64-client figure is the queue of a saturated server ({CLIENTS} ÷ its rate)"
    )
    worst_compliance = max(compliance)
    sync = statistics.median(syncs)
    print(
        "\n".join(
            [
                bench_line("visit_log_vs_bare_write", ratio * 100, "%", ">=40", ratio >= 0.4),
                bench_line("visit_log_p99", p99, "ms", "<100", p99 < 100),
                bench_line("visit_log_errors", wrong, "errors", "0", wrong == 0),
                bench_line("due_list_p99", due, "ms", "<30", due < 30),
                bench_line(
                    "compliance_county", worst_compliance, "ms", "<300", worst_compliance < 300
                ),
                bench_line("sync_batch_500", sync / 1000, "s", "<1", sync < 1000),
            ]
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
