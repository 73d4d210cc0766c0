"""A county shared by the cases of a module: the builders' world, extended with a second
county, more members and API keys; with the response helpers the access and bad-input suites
share. A case that leaves its registers changed fails (the ``county`` fixture): the cases on it
only read or are refused, so a change is a refused write that wrote something. A case that
writes on purpose uses data of its own (the ``client``/``world`` fixtures)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, text

from api.main import create_app
from api.settings import Settings
from domain.kernel.access import Role
from domain.kernel.org import OrgLevel
from persistence.schema import metadata
from tests.builders import World, build_world, root_headers
from tests.conftest import Clock, fresh_database

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"

# The tree: the builders' world (C …) and a second county (C2 …), by code.
LEVEL: dict[str, OrgLevel] = {
    "C": OrgLevel.COUNTY,
    "T1": OrgLevel.TOWNSHIP,
    "V1": OrgLevel.VILLAGE,
    "G1": OrgLevel.GRID,
    "G2": OrgLevel.GRID,
    "T2": OrgLevel.TOWNSHIP,
    "V2": OrgLevel.COMMUNITY,
    "G3": OrgLevel.GRID,
    "C2": OrgLevel.COUNTY,
    "T3": OrgLevel.TOWNSHIP,
    "V3": OrgLevel.VILLAGE,
    "G4": OrgLevel.GRID,
}
KEY_ORGS = ("T1", "G1", "T2", "C2")  # one API key per org, each named after it

# ── The shared county ─────────────────────────────────────────────────────────────────────────

# Every table a refused request must leave alone, read from the schema itself so that the check
# follows it as it grows. The audit log and the outbox (logs every write appends to) are counted
# apart; refresh tokens are not registers.
UNWATCHED_TABLES = frozenset({"audit_log", "outbox", "refresh_tokens", "login_throttle"})

Snapshot = dict[str, list[tuple[Any, ...]]]


def registers(app: FastAPI) -> Snapshot:
    with app.state.session_factory() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
            if table.name not in UNWATCHED_TABLES
        }


def audit_rows(app: FastAPI) -> int:
    """The rows a write appends to the logs: audit entries and outbox events."""
    with app.state.session_factory() as session:
        return sum(
            int(session.execute(text(f"SELECT count(*) FROM {log}")).scalar_one())
            for log in ("audit_log", "outbox")
        )


@dataclass
class County:
    app: FastAPI
    client: TestClient
    world: World
    member: dict[str, int]  # by external id
    household: dict[str, int]  # by external id
    key: dict[str, tuple[int, str]]  # by org code: (id, the full key)
    baseline: Snapshot
    _headers: dict[Role, dict[str, str]] = field(default_factory=dict)

    @property
    def org(self) -> dict[str, int]:  # by code
        return self.world.org

    def id_of(self, kind: str, name: str) -> int:
        ids = {"org_units": self.org, "members": self.member, "households": self.household}
        return ids[kind][name]

    def headers(self, role: Role) -> dict[str, str]:
        if role not in self._headers:  # a token per role, issued once per county
            self._headers[role] = self.world.headers(role)
        return self._headers[role]

    def state(self) -> tuple[Snapshot, int]:
        return registers(self.app), audit_rows(self.app)


def _extend(client: TestClient, world: World) -> County:
    root = root_headers(world.app)

    def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
        res = client.post(API + url, json=body, headers=root)
        assert res.status_code == 201, res.text
        out: dict[str, Any] = res.json()
        return out

    for code, name, parent in (
        ("C2", "邻县", None),
        ("T3", "白塔镇", "C2"),
        ("V3", "白塔村", "T3"),
        ("G4", "第4网格", "V3"),
    ):
        parent_id = world.org[parent] if parent else None
        body = {"name": name, "level": LEVEL[code], "parent_id": parent_id, "code": code}
        body["external_id"] = f"ORG-{code}"
        world.org[code] = post("/org-units", body)["id"]
    member = {f"M{i}": world.member[f"m{i}"] for i in (1, 2, 3)}
    member["M4"] = post(
        "/members",
        {"org_id": world.org["G1"], "name": "赵六", "phone": "13900004444", "external_id": "M4"},
    )["id"]
    member["M5"] = post(
        "/members",
        {"org_id": world.org["V3"], "name": "钱七", "phone": "13900005555", "external_id": "M5"},
    )["id"]
    household = {f"H{i}": world.household[f"h{i}"] for i in (1, 2, 3, 4)}
    household["H5"] = post(
        "/households",
        {
            "org_id": world.org["G4"],
            "head_name": "吴五",
            "phone": "13812345678",
            "address": "白塔村1组1号",
            "external_id": "H5",
        },
    )["id"]
    for code, scheme in (("C", "one_six_n"), ("C2", "silian")):
        res = client.put(
            f"{API}/org-units/{world.org[code]}/scheme", json={"scheme": scheme}, headers=root
        )
        assert res.status_code == 200, res.text
    key: dict[str, tuple[int, str]] = {}
    for code in KEY_ORGS:
        created = post(
            "/api-keys",
            {"name": f"key-{code}", "org_id": world.org[code], "permissions": ["household:read"]},
        )
        key[code] = (created["id"], created["key"])
    return County(world.app, client, world, member, household, key, registers(world.app))


class SharedCounty:
    """One county per module, rebuilt on a fresh database when it is found changed: by a case
    of the module that does not use it (on PostgreSQL a ``world`` empties the worker's one
    database), or by a case on it, which then fails (``changes``, in the ``county`` fixture)."""

    def __init__(self, template: str, directory: Path) -> None:
        self.template, self.directory = template, directory
        self.current: County | None = None
        self.failure: Exception | None = None
        self.builds = 0

    def get(self) -> County:
        if self.failure is not None:  # fail fast rather than rebuild for every case
            raise RuntimeError("the shared county could not be built") from self.failure
        if self.current is None or registers(self.current.app) != self.current.baseline:
            self.close()
            try:
                self.current = self._build()
            except Exception as exc:
                self.failure = exc
                raise
        return self.current

    def changes(self) -> list[str]:
        """The register tables that differ from the county as built (none: untouched). A
        changed county is dropped, so that the next case starts from a fresh one."""
        if self.current is None:
            return []
        now, baseline = registers(self.current.app), self.current.baseline
        changed = sorted(t for t in baseline if now.get(t) != baseline[t])
        if changed:
            self.close()
        return changed

    def _build(self) -> County:
        self.builds += 1
        url = self._fresh_database()
        settings = Settings(database_url=url, env="test", max_upload_mb=2, log_level="warning")
        app = create_app(settings, clock=Clock())
        client = TestClient(app, raise_server_exceptions=False)
        return _extend(client, build_world(app))

    def _fresh_database(self) -> str:
        return fresh_database(self.template, self.directory / f"county-{self.builds}.db")

    def close(self) -> None:
        if self.current is not None:
            self.current.app.state.engine.dispose()
            self.current = None


# ── Helpers ───────────────────────────────────────────────────────────────────────────────────


def problem(res: Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert res.status_code == status, f"expected {status}, got {res.status_code}: {res.text}"
    assert res.headers["content-type"].startswith(PROBLEM_JSON), res.headers["content-type"]
    body: dict[str, Any] = res.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def ok(res: Response, status: int = 200) -> Any:
    assert res.status_code == status, f"expected {status}, got {res.status_code}: {res.text}"
    return res.json()


def names_in(kind: str, rows: list[dict[str, Any]]) -> set[str]:
    return {r["code"] if kind == "org_units" else r["external_id"] for r in rows}


def csv_rows(res: Response) -> list[list[str]]:
    assert res.status_code == 200, res.text
    return list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
