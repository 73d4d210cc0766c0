"""The meetings' pure rules: the agenda a meeting is proposed, the 满意率 of a 民主评议会, and
the minutes as a reader without personal:read may read them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from domain.meetings.model import (
    AgendaCandidate,
    AgendaItem,
    AgendaKind,
    MeetingType,
    Rating,
    RatingTarget,
    Satisfaction,
)
from domain.registers.masking import mask_phone

# Ours: how many of the area's issues a drawn agenda takes in (the most urgent first); the
# secretary adds or removes items from there.
MAX_DRAWN: Final = 30

# What each kind of meeting is for, before the issues (the seeds' wording).
STANDING_ITEMS: Final[dict[MeetingType, tuple[tuple[AgendaKind, str], ...]]] = {
    # Huiji: 每月党员在党支部（党小组）会上汇报本人包户工作开展情况; Xiaolin: 对账交流会.
    MeetingType.MONTHLY_BRANCH: ((AgendaKind.REPORTS, "党员对账：汇报本人联系户走访和服务情况"),),
    # Jiaxing: 对党员在走访联系群众中征集到的意见建议进行研究分析，提出解决问题的对策.
    MeetingType.ANALYSIS: ((AgendaKind.REPORTS, "汇总分析党员走访征集的意见建议"),),
    # Jiaxing: 明确责任分工、目标任务、具体措施和完成时限.
    MeetingType.TASKING: (),
    # Jiaxing: 对党员联系服务群众情况、交办事项办理情况进行评议.
    MeetingType.EVALUATION: (
        (AgendaKind.EVALUATION, "评议党员联系服务群众情况"),
        (AgendaKind.EVALUATION, "评议交办事项办理情况"),
    ),
    # Xiangtan: 每周召开民情碰头会，收集汇总走访情况，及时解决具体问题.
    MeetingType.WEEKLY_HUDDLE: ((AgendaKind.REPORTS, "收集汇总本周走访情况"),),
}

# The order the drawn issues come in: overdue first (督办), then the ledger due for review,
# then the other open issues; within a kind, the soonest deadline or review first.
_RANK: Final = {AgendaKind.OVERDUE_ISSUE: 0, AgendaKind.LEDGER_REVIEW: 1, AgendaKind.OPEN_ISSUE: 2}

_PREFIX: Final = {
    AgendaKind.OVERDUE_ISSUE: "【超期】",
    AgendaKind.LEDGER_REVIEW: "【台账复查】",
    AgendaKind.OPEN_ISSUE: "",
}


def propose_agenda(
    meeting_type: MeetingType, candidates: Iterable[AgendaCandidate]
) -> tuple[AgendaItem, ...]:
    """The proposal: the meeting's standing items, then at most ``MAX_DRAWN`` of the area's
    issues, most urgent first, each once (an issue both overdue and … is taken as overdue)."""
    seen: dict[int, AgendaCandidate] = {}
    for c in candidates:
        known = seen.get(c.issue_id)
        if known is None or _RANK[c.kind] < _RANK[known.kind]:
            seen[c.issue_id] = c
    ordered = sorted(seen.values(), key=_urgency)[:MAX_DRAWN]
    standing = [AgendaItem(0, kind, title) for kind, title in STANDING_ITEMS[meeting_type]]
    drawn = [AgendaItem(0, c.kind, _PREFIX[c.kind] + c.title, c.issue_id) for c in ordered]
    return tuple(
        AgendaItem(n, i.kind, i.title, i.issue_id)
        for n, i in enumerate([*standing, *drawn], start=1)
    )


def _urgency(c: AgendaCandidate) -> tuple[int, str, int]:
    when = c.due.isoformat() if c.due else (c.review_on.isoformat() if c.review_on else "~")
    return (_RANK[c.kind], when, c.issue_id)


# ── 满意率 ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Satisfied:
    """The 评议 of one target, or of the whole meeting (``target`` None)."""

    target: RatingTarget | None
    target_id: int | None
    rated: int
    satisfied: int  # 满意 and 基本满意, as the issues' 满意率 counts them

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


_CONTENT: Final = frozenset({Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED})


def satisfaction(ratings: Sequence[Rating]) -> tuple[Satisfied, list[Satisfied]]:
    """The meeting's 满意率 (seeds/jiaxing-yilian-sanhui.txt: 满意率均在95%以上) and each
    target's, in the order first rated."""
    per: dict[tuple[RatingTarget, int], list[Rating]] = {}
    for r in ratings:
        per.setdefault((r.target, r.target_id), []).append(r)
    each = [
        Satisfied(target, target_id, len(rs), sum(r.level in _CONTENT for r in rs))
        for (target, target_id), rs in per.items()
    ]
    whole = Satisfied(None, None, len(ratings), sum(r.level in _CONTENT for r in ratings))
    return whole, each


# ── personal data in free text ────────────────────────────────────────────────────────────────

# A mobile (1 and ten digits) or a landline (area code, 7–8 digits), as people type them in
# minutes: "联系电话 13812345678", "0571-87654321", "138 1234 5678".
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d(?:[ -]?\d){8}|0\d{2,3}-?\d{7,8})(?!\d)")


def mask_phones_in_text(text: str) -> str:
    """Free text (minutes, reports, decisions) as a reader without personal:read gets it: any
    phone number in it masked as the registers mask a phone (PIPL: minimum necessary)."""
    return _PHONE.sub(lambda m: mask_phone(m.group(0)) or "", text)
