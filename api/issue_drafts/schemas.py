"""The issue-drafts feature's request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.common import StrictIn, Text
from api.paging import Page
from domain.issue_drafts.model import DRAFT_STATUS_LABELS, DraftStatus, IssueDraft
from domain.visits.model import flag_label
from persistence.issue_drafts.queries import DraftNames


class DraftIn(StrictIn):
    kind: Text = Field(
        min_length=1, max_length=20, description="要上报的那一项必记（走访记录中的 kind）"
    )


class DraftOut(BaseModel):
    id: int
    visit_id: int
    household_id: int
    member_id: int
    kind: str
    kind_label: str
    title: str
    text: str
    status: DraftStatus
    status_label: str
    created_by: str
    created_at: datetime
    duplicate: bool = False

    @classmethod
    def from_domain(cls, d: IssueDraft, *, duplicate: bool = False) -> DraftOut:
        return cls(
            id=d.id,
            visit_id=d.visit_id,
            household_id=d.household_id,
            member_id=d.member_id,
            kind=d.flag_kind,
            kind_label=flag_label(d.flag_kind),
            title=d.title,
            text=d.text,
            status=d.status,
            status_label=DRAFT_STATUS_LABELS[d.status],
            created_by=d.created_by,
            created_at=d.created_at,
            duplicate=duplicate,
        )


class DraftItemOut(DraftOut):
    """A draft in a list, with the names a reader looks for."""

    head_name: str = Field(description="户主姓名")
    member_name: str = Field(description="走访党员")
    created_by_name: str = Field(description="上报人的姓名（persistence/people.py）")

    @classmethod
    def named(cls, d: IssueDraft, names: DraftNames, created_by_name: str) -> DraftItemOut:
        return cls(
            **DraftOut.from_domain(d).model_dump(),
            head_name=names.head_name,
            member_name=names.member_name,
            created_by_name=created_by_name,
        )


class DraftPage(Page[DraftItemOut]):
    pass
