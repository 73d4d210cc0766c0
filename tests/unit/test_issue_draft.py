"""Issue drafts name the issue flow in the seed's words (seeds/xiaolin-xianfeng-hulian.txt):
“收集、分类、流转、督办、反馈“五步走”的流程清单”. The flow itself is a later issue's; until
then nothing the product says may describe other steps (研判, 交办, 办理) or statuses."""

from __future__ import annotations

import re
from pathlib import Path

from domain.issue_drafts.model import DRAFT_STATUS_LABELS, ISSUE_FLOW_STEPS, DraftStatus

ROOT = Path(__file__).resolve().parents[2]


def test_the_issue_flow_has_the_five_steps_of_the_xiaolin_seed() -> None:
    # seeds/xiaolin-xianfeng-hulian.txt: 细化了收集、分类、流转、督办、反馈“五步走”的流程清单.
    assert ISSUE_FLOW_STEPS == ("收集", "分类", "流转", "督办", "反馈")


def test_a_draft_is_collected_and_waits_for_classification_the_seeds_second_step() -> None:
    # seeds/xiaolin-xianfeng-hulian.txt: “分类”即按照问题类别、难易程度分层分类 — what follows 收集.
    assert DRAFT_STATUS_LABELS[DraftStatus.DRAFT] == f"待{ISSUE_FLOW_STEPS[1]}"


def test_nothing_the_product_says_describes_another_flow_than_the_seeds() -> None:
    # The drafts once spoke of 收集→研判→交办→办理→反馈 and a status 待研判: neither is the seed's.
    wrong = re.compile(r"待研判|研判\s*(→|->|、)\s*交办|交办\s*(→|->|、)\s*办理")
    sources = [ROOT / "README.md", ROOT / "openapi.json"]
    for folder, patterns in (
        ("domain", ("*.py",)),
        ("api", ("*.py",)),
        ("frontend/src", ("*.ts", "*.vue")),
    ):
        for pattern in patterns:
            sources += sorted((ROOT / folder).rglob(pattern))
    found = [
        str(p.relative_to(ROOT)) for p in sources if wrong.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []
