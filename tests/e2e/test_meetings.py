"""Meetings over HTTP (会议): the 民事交办会's main path from the drawn agenda to the published
tasks and the minutes as DOCX and PDF in Chinese; scope; bad input, each refused naming the field
with nothing written.

The world (tests.builders): C ─ T1 ─ V1 ─ G1 (h1, h2), G2 (h3); C ─ T2 ─ V2 ─ G3 (h4). m1 (张三)
and m2 (李四, branch secretary) are members of V1; m3 of V2. The clock reads 25 November 2026,
10:00 in China."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select, text

from domain.issues import services as issues
from domain.kernel.access import Role, Scope
from persistence.meetings.tables import MeetingRow, TaskRow
from persistence.outbox.tables import OutboxRow
from tests.builders import World, uow
from tests.conftest import Clock
from tests.e2e.county import ok, problem

API = "/api/v1"
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def secretary_scope(world: World) -> Scope:
    return Scope.for_role(
        role=Role.BRANCH_SECRETARY, org_path=world.path("V1"), actor="user:branch_secretary"
    )


def raise_issue(world: World, title: str, *, household: str, at: Any) -> int:
    raised = issues.raise_issue(
        uow(world.app),
        secretary_scope(world),
        title=title,
        text=title,
        household_id=world.household[household],
        at=at,
    )
    return raised.issue.id


def plan(client: TestClient, world: World, kind: str = "tasking", **kw: Any) -> Any:
    body = {
        "type": kind,
        "org_id": world.org["V1"],
        "title": "十一月民事交办会",
        "held_on": "2026-11-25",
    }
    return ok(
        client.post(f"{API}/meetings", json={**body, **kw}, headers=sec(world)),
        201,
    )


def sec(world: World) -> dict[str, str]:
    return world.headers(Role.BRANCH_SECRETARY)


def attend(client: TestClient, world: World, meeting_id: int, **kw: Any) -> Any:
    body = {
        "members": [
            {"member_id": world.member["m1"], "present": True},
            {"member_id": world.member["m2"], "present": False, "absence_reason": "外出培训"},
        ],
        **kw,
    }
    return ok(client.put(f"{API}/meetings/{meeting_id}/attendance", json=body, headers=sec(world)))


def a_task(world: World, **kw: Any) -> dict[str, Any]:
    return {
        "title": "修缮村口路灯",
        "owner_member_id": world.member["m1"],
        "target": "月底前村口路灯全部亮起",
        "measures": "联系电工 13812345678 检修线路，更换灯泡",
        "deadline": "2026-12-20",
        **kw,
    }


def count(world: World, table: Any) -> int:
    with world.app.state.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_tasking_meeting_from_drawn_agenda_to_published_tasks_and_minutes(
    client: TestClient, world: World, clock: Clock
) -> None:
    """seeds/jiaxing-yilian-sanhui.txt: 民事交办会 — 明确责任分工、目标任务、具体措施和完成时限,
    并通过公告、公开栏向群众全程公示."""
    late = raise_issue(world, "屋顶漏雨", household="h1", at=clock.now - timedelta(days=40))
    fresh = raise_issue(world, "村口路灯不亮", household="h3", at=clock.now)
    meeting = plan(client, world, place="村委会议室")
    assert meeting["status"] == "planned" and meeting["type_label"] == "民事交办会"

    drawn = ok(client.post(f"{API}/meetings/{meeting['id']}/agenda/draw", headers=sec(world)))
    items = [(i["kind"], i["issue_id"]) for i in drawn["agenda"]]
    assert items == [("overdue_issue", late), ("open_issue", fresh)]  # overdue first
    assert drawn["agenda"][0]["title"] == "【超期】屋顶漏雨"

    # The secretary edits the proposal: drops one, adds one of their own.
    edited = ok(
        client.put(
            f"{API}/meetings/{meeting['id']}/agenda",
            json={
                "items": [
                    {"kind": "open_issue", "title": "村口路灯", "issue_id": fresh},
                    {"title": "冬季防火安排"},
                ]
            },
            headers=sec(world),
        )
    )
    assert [(i["seq"], i["issue_id"], i["kind"]) for i in edited["agenda"]] == [
        (1, fresh, "open_issue"),
        (2, None, "other"),
    ]

    held = attend(client, world, meeting["id"])
    assert held["status"] == "held" and held["status_label"] == "已召开"
    task = ok(
        client.post(
            f"{API}/meetings/{meeting['id']}/tasks",
            json=a_task(world, issue_id=fresh),
            headers=sec(world),
        ),
        201,
    )
    assert task["published_at"] is None and task["status"] == "open"
    ok(
        client.put(
            f"{API}/meetings/{meeting['id']}/minutes",
            json={
                "summary": "会议研究了路灯和防火两件事。",
                "items": [{"seq": 1, "minutes": "由张三牵头修缮，村民王大爷电话 13998765432 反映"}],
                "decisions": ["路灯本月修好", "冬季防火责任到组"],
            },
            headers=sec(world),
        )
    )
    final = ok(client.post(f"{API}/meetings/{meeting['id']}/finalise", headers=sec(world)))
    assert final["status"] == "final" and final["allowed_actions"] == []
    assert final["tasks"][0]["published_at"] is not None  # 公示 with the final minutes

    # The member sees it among their tasks (the field app's 会议任务) and marks it done.
    mine = ok(client.get(f"{API}/meeting-tasks/mine", headers=world.headers(Role.MEMBER)))
    assert [t["id"] for t in mine["data"]] == [task["id"]]
    done = ok(
        client.post(
            f"{API}/meeting-tasks/{task['id']}/done",
            json={"note": "已更换灯泡 6 只"},
            headers=world.headers(Role.MEMBER),
        )
    )
    assert done["status"] == "done" and [e["action"] for e in done["entries"]] == [
        "assign",
        "publish",
        "done",
    ]
    with world.app.state.session_factory() as session:
        kinds = session.scalars(
            select(OutboxRow.type).where(OutboxRow.entity.in_(["meeting", "meeting_task"]))
        ).all()
    assert kinds == [
        "MeetingPlanned",
        "AgendaSet",
        "AgendaSet",
        "AttendanceRecorded",
        "TaskAssigned",
        "MinutesRecorded",
        "MinutesFinalised",
        "TaskPublished",
        "TaskDone",
    ]


def finalised_tasking(client: TestClient, world: World) -> Any:
    meeting = plan(client, world)
    ok(
        client.put(
            f"{API}/meetings/{meeting['id']}/agenda",
            json={"items": [{"title": "路灯"}]},
            headers=sec(world),
        )
    )
    attend(client, world, meeting["id"])
    ok(
        client.post(
            f"{API}/meetings/{meeting['id']}/tasks", json=a_task(world), headers=sec(world)
        ),
        201,
    )
    ok(
        client.put(
            f"{API}/meetings/{meeting['id']}/minutes",
            json={
                "summary": "电话 13998765432 的村民反映路灯不亮。",
                "decisions": ["路灯本月修好"],
            },
            headers=sec(world),
        )
    )
    return ok(client.post(f"{API}/meetings/{meeting['id']}/finalise", headers=sec(world)))


def test_the_minutes_export_as_docx_in_chinese_with_phones_for_who_may_see_them(
    client: TestClient, world: World
) -> None:
    meeting = finalised_tasking(client, world)
    res = client.get(f"{API}/meetings/{meeting['id']}/minutes.docx", headers=sec(world))
    assert res.status_code == 200 and res.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "filename*=UTF-8''" in res.headers["content-disposition"]
    document = Document(io.BytesIO(res.content))
    words = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "李家村民事交办会会议纪要" in words and "缺席：李四（外出培训）" in words
    assert "1. 路灯本月修好" in words and "13998765432" in words
    assert {"修缮村口路灯", "张三", "13900001111", "2026年12月20日", "办理中"} <= set(cells)


def test_a_reader_without_personal_read_gets_the_minutes_with_phones_masked(
    client: TestClient, world: World
) -> None:
    """PIPL (minimum necessary): a township cadre holds no personal:read."""
    meeting = finalised_tasking(client, world)
    township = world.headers(Role.TOWNSHIP_CADRE)
    document = Document(
        io.BytesIO(
            client.get(f"{API}/meetings/{meeting['id']}/minutes.docx", headers=township).content
        )
    )
    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "13998765432" not in everything and "*******5432" in everything
    assert "13900001111" not in everything and "*******1111" in everything
    assert "13812345678" not in everything  # typed into the task's measures
    pdf = client.get(f"{API}/meetings/{meeting['id']}/minutes.pdf", headers=township)
    text_of_pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "13998765432" not in text_of_pdf and "13900001111" not in text_of_pdf


@pytest.mark.skipif(
    not __import__("pathlib").Path(WQY).is_file(), reason="the CJK font is not installed"
)
def test_the_minutes_export_as_pdf_embeds_the_chinese_font_and_reads_back(
    client: TestClient, world: World
) -> None:
    meeting = finalised_tasking(client, world)
    res = client.get(f"{API}/meetings/{meeting['id']}/minutes.pdf", headers=sec(world))
    assert res.status_code == 200 and res.headers["content-type"] == "application/pdf"
    assert res.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(res.content))
    words = "".join(page.extract_text() for page in reader.pages)
    assert "李家村民事交办会会议纪要" in words and "修缮村口路灯" in words and "张三" in words
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    fonts = {str(font["/BaseFont"]) for r in resources for font in r["/Font"].get_object().values()}
    assert any("WenQuanYi" in f or "wqy" in f.lower() for f in fonts), fonts


def test_the_pdf_is_refused_with_a_problem_when_the_font_is_missing(
    client: TestClient, world: World
) -> None:
    meeting = plan(client, world)
    world.app.state.settings.pdf_font = "/nonexistent/font.ttc"
    problem(client.get(f"{API}/meetings/{meeting['id']}/minutes.pdf", headers=sec(world)), 503)


# ── bad input ─────────────────────────────────────────────────────────────────────────────────


def test_an_unknown_meeting_type_is_refused_naming_the_field(
    client: TestClient, world: World
) -> None:
    body = {"type": "party", "org_id": world.org["V1"], "title": "会", "held_on": "2026-11-25"}
    refused = problem(client.post(f"{API}/meetings", json=body, headers=sec(world)), 422)
    assert [e["field"] for e in refused["errors"]] == ["type"]
    assert count(world, MeetingRow) == 0


def test_a_meeting_at_an_org_that_does_not_hold_that_kind_is_refused(
    client: TestClient, world: World
) -> None:
    body = {
        "type": "tasking",
        "org_id": world.org["G1"],
        "title": "交办会",
        "held_on": "2026-11-25",
    }
    refused = problem(
        client.post(f"{API}/meetings", json=body, headers=sec(world)), 422, "meeting.wrong_level"
    )
    assert refused["field"] == "org_id" and count(world, MeetingRow) == 0


def test_finalising_twice_is_refused_naming_what_is_allowed(
    client: TestClient, world: World
) -> None:
    meeting = finalised_tasking(client, world)
    refused = problem(
        client.post(f"{API}/meetings/{meeting['id']}/finalise", headers=sec(world)),
        409,
        "meeting.action_not_allowed",
    )
    assert refused["errors"] == []  # a final meeting allows nothing more
    assert (
        ok(client.get(f"{API}/meetings/{meeting['id']}", headers=sec(world)))["version"]
        == meeting["version"]
    )


def test_a_task_deadline_in_the_past_is_refused_and_nothing_is_written(
    client: TestClient, world: World
) -> None:
    meeting = plan(client, world)
    attend(client, world, meeting["id"])
    refused = problem(
        client.post(
            f"{API}/meetings/{meeting['id']}/tasks",
            json=a_task(world, deadline="2026-11-24"),
            headers=sec(world),
        ),
        422,
        "task.deadline_past",
    )
    assert refused["field"] == "deadline" and count(world, TaskRow) == 0


def test_a_task_for_a_member_of_another_village_is_refused(
    client: TestClient, world: World
) -> None:
    meeting = plan(client, world)
    attend(client, world, meeting["id"])
    refused = problem(
        client.post(
            f"{API}/meetings/{meeting['id']}/tasks",
            json=a_task(world, owner_member_id=world.member["m3"]),
            headers=sec(world),
        ),
        422,
        "task.owner_not_in_org",
    )
    assert refused["field"] == "owner_member_id" and count(world, TaskRow) == 0


def evaluation(client: TestClient, world: World) -> Any:
    meeting = plan(client, world, "evaluation", title="民主评议会")
    return attend(
        client, world, meeting["id"], representatives=[world.household["h1"], world.household["h3"]]
    )


def test_a_rating_out_of_range_is_refused_naming_the_field(
    client: TestClient, world: World
) -> None:
    meeting = evaluation(client, world)
    body = {
        "household_id": world.household["h1"],
        "target": "member",
        "target_id": world.member["m1"],
        "level": "excellent",
    }
    refused = problem(
        client.post(f"{API}/meetings/{meeting['id']}/ratings", json=body, headers=sec(world)), 422
    )
    assert [e["field"] for e in refused["errors"]] == ["level"]
    assert ok(client.get(f"{API}/meetings/{meeting['id']}", headers=sec(world)))["ratings"] == []


def test_representatives_rate_members_and_the_satisfaction_rate_follows(
    client: TestClient, world: World
) -> None:
    """seeds/jiaxing-yilian-sanhui.txt: 村民代表对每名村“两委”班子成员和所办事项的满意率
    均在95%以上 — the share of 满意 and 基本满意 among the ratings."""
    meeting = evaluation(client, world)
    for household, level in (("h1", "satisfied"), ("h3", "dissatisfied")):
        body = {
            "household_id": world.household[household],
            "target": "member",
            "target_id": world.member["m1"],
            "level": level,
        }
        rated = ok(
            client.post(f"{API}/meetings/{meeting['id']}/ratings", json=body, headers=sec(world))
        )
    assert rated["satisfaction"]["rate"] == 0.5 and rated["satisfaction"]["rated"] == 2
    stranger = {
        "household_id": world.household["h2"],
        "target": "member",
        "target_id": world.member["m1"],
        "level": "satisfied",
    }
    problem(
        client.post(f"{API}/meetings/{meeting['id']}/ratings", json=stranger, headers=sec(world)),
        422,
        "meeting.not_a_representative",
    )


def test_a_meeting_of_an_org_outside_the_callers_scope_is_not_found(
    client: TestClient, world: World
) -> None:
    meeting = plan(client, world)
    other = world.headers(Role.BRANCH_SECRETARY, org="V2")
    problem(client.get(f"{API}/meetings/{meeting['id']}", headers=other), 404, "meeting.not_found")
    problem(client.post(f"{API}/meetings/{meeting['id']}/finalise", headers=other), 404)
    problem(client.get(f"{API}/meetings/{meeting['id']}/minutes.docx", headers=other), 404)
    assert ok(client.get(f"{API}/meetings", headers=other))["total"] == 0
    # The member of V1 reads it (their branch's), a group leader on G1 too (their village's).
    assert ok(client.get(f"{API}/meetings/{meeting['id']}", headers=world.headers(Role.MEMBER)))
    assert ok(client.get(f"{API}/meetings", headers=world.headers(Role.GROUP_LEADER)))["total"] == 1


def test_a_member_reads_meetings_but_cannot_hold_them(client: TestClient, world: World) -> None:
    body = {
        "type": "tasking",
        "org_id": world.org["V1"],
        "title": "交办会",
        "held_on": "2026-11-25",
    }
    problem(client.post(f"{API}/meetings", json=body, headers=world.headers(Role.MEMBER)), 403)
    assert count(world, MeetingRow) == 0


def test_only_the_owner_or_the_branch_marks_a_task_done(client: TestClient, world: World) -> None:
    meeting = finalised_tasking(client, world)
    task_id = meeting["tasks"][0]["id"]
    other_member = world.headers(Role.MEMBER, member="m2")
    problem(
        client.post(
            f"{API}/meeting-tasks/{task_id}/done", json={"note": "办好了"}, headers=other_member
        ),
        403,
        "task.not_owner",
    )
    ok(
        client.post(
            f"{API}/meeting-tasks/{task_id}/done", json={"note": "办好了"}, headers=sec(world)
        )
    )
    problem(
        client.post(
            f"{API}/meeting-tasks/{task_id}/done", json={"note": "又办了"}, headers=sec(world)
        ),
        409,
        "task.already_done",
    )


def test_overdue_tasks_are_listed_as_such(client: TestClient, world: World, clock: Clock) -> None:
    meeting = finalised_tasking(client, world)
    clock.advance(days=30)  # past 20 December
    late = ok(client.get(f"{API}/meeting-tasks", params={"overdue": "true"}, headers=sec(world)))
    assert [t["id"] for t in late["data"]] == [meeting["tasks"][0]["id"]]
    assert late["data"][0]["overdue"] is True
    with world.app.state.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM meeting_task_entries")).scalar() == 2
