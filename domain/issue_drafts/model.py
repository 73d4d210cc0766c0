"""Issue drafts (问题草稿): a flagged item of a visit (四个必记) raised for the issue flow.

A member who hears of a difficulty on a visit turns it into a draft with one call: the first
of the five steps of the issue flow, 收集 → 分类 → 流转 → 督办 → 反馈
(seeds/xiaolin-xianfeng-hulian.txt, “五步走”的流程清单), which takes the drafts from here on.
One draft per flag of a visit: asking twice gives the same draft, so a retried request or a
replayed offline sync is safe.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from domain.kernel.errors import Invalid
from domain.visits.model import Visit, flag_label

# seeds/xiaolin-xianfeng-hulian.txt: 细化了收集、分类、流转、督办、反馈“五步走”的流程清单.
ISSUE_FLOW_STEPS: Final = ("收集", "分类", "流转", "督办", "反馈")


class DraftStatus(StrEnum):
    DRAFT = "draft"  # collected (收集), waiting for the issue flow to classify it (分类)
    RAISED = "raised"  # become an issue (domain.issues): followed there from now on


DRAFT_STATUS_LABELS: Final = {DraftStatus.DRAFT: "待分类", DraftStatus.RAISED: "已转问题办理"}


@dataclass(frozen=True)
class IssueDraft:
    id: int
    visit_id: int
    household_id: int
    member_id: int
    flag_kind: str  # a FlagKind, or a county's own 必记
    text: str
    status: DraftStatus
    created_by: str
    created_at: datetime

    def raised(self) -> IssueDraft:
        """The draft once it has become an issue."""
        return dataclasses.replace(self, status=DraftStatus.RAISED)

    @property
    def title(self) -> str:
        return f"{flag_label(self.flag_kind)}：{self.text[:30]}"


def draft_from_flag(visit: Visit, kind: str, *, actor: str, at: datetime) -> IssueDraft:
    """The draft for the visit's flag of this kind; the visit must carry such a flag."""
    flag = next((f for f in visit.flags if f.kind == kind), None)
    if flag is None:
        raise Invalid(
            "issue_draft.no_such_flag",
            f"该次走访没有记录“{flag_label(kind)}”",
            field="kind",
        )
    return IssueDraft(
        id=0,
        visit_id=visit.id,
        household_id=visit.household_id,
        member_id=visit.member_id,
        flag_kind=kind,
        text=flag.text,
        status=DraftStatus.DRAFT,
        created_by=actor,
        created_at=at,
    )
