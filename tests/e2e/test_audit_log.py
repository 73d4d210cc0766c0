"""The audit log says what was done by its name: a publish is a publish (发布), an amendment an
amendment (补充更正), and every action code has its Chinese label, in the answer and in
``/meta/enums``."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.audit.model import AUDIT_ACTION_LABELS, AuditAction
from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"


def entries(client: TestClient, world: World, **params: str) -> list[dict[str, Any]]:
    res = client.get(f"{API}/audit", params=params, headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    rows: list[dict[str, Any]] = res.json()["data"]
    return rows


def test_every_audit_action_has_a_chinese_label() -> None:
    assert set(AUDIT_ACTION_LABELS) == set(AuditAction)
    assert all(AUDIT_ACTION_LABELS[a] for a in AuditAction)


def test_the_audit_actions_and_their_labels_are_in_the_enums(
    client: TestClient, world: World
) -> None:
    res = client.get(f"{API}/meta/enums", headers=world.headers(Role.AUDITOR))
    assert res.status_code == 200, res.text
    listed = {e["code"]: e["label"] for e in res.json()["audit_actions"]}
    assert listed == {a.value: label for a, label in AUDIT_ACTION_LABELS.items()}


def test_publishing_a_roster_is_audited_as_a_publish_not_an_update(
    client: TestClient, world: World, scheme: None
) -> None:
    h = world.headers(Role.ADMIN)
    res = client.post(f"{API}/assignment-proposals", json={"org_id": world.org["V1"]}, headers=h)
    assert res.status_code == 201, res.text
    pid = res.json()["id"]
    res = client.post(
        f"{API}/assignment-proposals/{pid}/publish", json={"accept_shortfalls": True}, headers=h
    )
    assert res.status_code == 200, res.text
    rows = entries(client, world, entity="assignment_proposal", entity_id=str(pid))
    assert [(r["action"], r["action_label"]) for r in rows] == [
        ("publish", "发布"),
        ("create", "新增"),
    ]


def test_amending_a_visit_is_audited_as_an_amendment(
    client: TestClient, world: World, scheme: None
) -> None:
    h = world.headers(Role.MEMBER)
    made = client.post(
        f"{API}/visits",
        json={
            "member_id": world.member["m1"],
            "household_id": world.household["h1"],
            "visited_at": "2026-11-25T01:30:00+00:00",
            "mode": "home",
        },
        headers=h,
    ).json()
    res = client.post(f"{API}/visits/{made['id']}/amendments", json={"notes": "补充"}, headers=h)
    assert res.status_code == 201, res.text
    [row] = entries(client, world, entity="visit", entity_id=str(res.json()["id"]))
    assert (row["action"], row["action_label"]) == ("amend", "补充更正")
    assert row["before"]["id"] == made["id"]
