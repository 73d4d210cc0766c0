"""The household's matters on its card page (/c/{token}): plain forms, every answer a page. A
matter raised there must name its kind (nothing chosen in advance), the household follows its
steps and the answer and rates it; bad input, a flood and a forged token are pages that say why
and write nothing. The JSON surface is tested in tests/e2e/test_issues.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import World
from tests.e2e.test_issues import act, counts, ok
from tests.e2e.test_issues import token as token  # the card token fixture

FORM = {"category": "infrastructure", "title": "村口路灯不亮", "text": "两盏路灯坏了一周"}


def raise_on_page(client: TestClient, token: str, **form: Any) -> Any:
    return client.post(f"/c/{token}/issues", data=FORM | form)


def test_the_card_page_offers_a_form_with_no_kind_chosen(client: TestClient, token: str) -> None:
    page = client.get(f"/c/{token}").text
    form = page[page.index(f'action="/c/{token}/issues"') :]
    assert '<option value="" selected disabled>请选择问题类别</option>' in form
    assert re.search(r'<option value="infrastructure">', form)
    assert not re.search(r'<option value="[a-z_]+" selected', form)
    assert "本户反映的问题" not in page  # nothing raised yet


def test_a_matter_raised_on_the_page_shows_its_steps_and_is_rated_there(
    client: TestClient, world: World, token: str
) -> None:
    res = raise_on_page(client, token)
    assert res.status_code == 201 and "已提交" in res.text
    assert res.headers["Cache-Control"] == "no-store"
    assert f'href="/c/{token}"' in res.text
    page = client.get(f"/c/{token}").text
    found = re.search(r'data-issue-id="(\d+)" data-status="raised"', page)
    assert found, page
    issue_id = int(found.group(1))
    assert "村口路灯不亮" in page and "两盏路灯坏了一周" in page and "提交评价" not in page

    steps: list[tuple[Role, dict[str, Any], dict[str, str]]] = [
        (Role.BRANCH_SECRETARY, {"action": "classify", "category": "infrastructure",
                                 "difficulty": "small"}, {}),
        (Role.BRANCH_SECRETARY, {"action": "assign"}, {}),
        (Role.BRANCH_SECRETARY, {"action": "accept"}, {}),
        (Role.BRANCH_SECRETARY, {"action": "resolve", "answer": "已更换灯泡"}, {}),
        (Role.MEMBER, {"action": "confirm_told"}, {"member": "m1"}),
    ]  # fmt: skip
    for role, body, who in steps:
        ok(act(client, world, issue_id, role, body, **who))
    page = client.get(f"/c/{token}").text
    assert "答复：已更换灯泡" in page and f'action="/c/{token}/issues/{issue_id}/rating"' in page
    assert 'name="rating" value="dissatisfied" required' in page
    assert "checked" not in page  # no rating chosen for the household

    # no rating chosen: a page saying so, nothing written
    before = counts(world)
    res = client.post(f"/c/{token}/issues/{issue_id}/rating", data={"reason": "x"})
    assert res.status_code == 422 and "未能评价" in res.text
    assert counts(world) == before

    res = client.post(
        f"/c/{token}/issues/{issue_id}/rating",
        data={"rating": "dissatisfied", "reason": "路灯还是不亮"},
    )
    assert res.status_code == 200 and "不满意，将重新办理" in res.text
    page = client.get(f"/c/{token}").text
    assert f'data-issue-id="{issue_id}" data-status="in_progress"' in page
    assert "您的评价：不满意" in page and "提交评价" not in page

    # rating again now is refused by the flow: a page, nothing written
    before = counts(world)
    res = client.post(f"/c/{token}/issues/{issue_id}/rating", data={"rating": "satisfied"})
    assert res.status_code in (409, 422) and "未能评价" in res.text
    assert counts(world) == before


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"category": ""}, "未能提交"),
        ({"category": "no_such_kind"}, "未能提交"),
        ({"title": "  "}, "未能提交"),
        ({"text": "x" * 2001}, "未能提交"),
    ],
)
def test_a_bad_form_is_a_page_saying_why_and_raises_nothing(
    client: TestClient, world: World, token: str, form: dict[str, str], said: str
) -> None:
    before = counts(world)
    res = raise_on_page(client, token, **form)
    assert res.status_code == 422 and said in res.text, res.text
    assert counts(world) == before


def test_a_flood_is_429_with_retry_after_and_a_forged_token_404(
    client: TestClient, world: World, token: str
) -> None:
    for _ in range(3):
        assert raise_on_page(client, token).status_code == 201
    before = counts(world)
    res = raise_on_page(client, token)
    assert res.status_code == 429 and "请明天再来" in res.text
    assert int(res.headers["Retry-After"]) > 0
    forged = raise_on_page(client, "x" * 43)
    assert forged.status_code == 404 and "此联心卡不存在或已失效" in forged.text
    rate = client.post("/c/forged/issues/1/rating", data={"rating": "satisfied"})
    assert rate.status_code == 404
    assert counts(world) == before
