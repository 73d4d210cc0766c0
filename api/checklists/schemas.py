"""The checklists feature's request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ItemOut(BaseModel):
    item: str
    done: bool
    visit_ids: list[int]


class HouseholdChecklistOut(BaseModel):
    household_id: int
    period_start: datetime
    period_end: datetime
    complete: bool
    items: list[ItemOut]


class ItemRollupOut(BaseModel):
    item: str
    households_done: int
    rate: float


class ChecklistGroupOut(BaseModel):
    """The households of the levels that use one checklist (template and period)."""

    checklist: list[str]
    checklist_period_months: int
    period_start: datetime
    period_end: datetime
    households: int
    households_complete: int
    items: list[ItemRollupOut]


class AreaChecklistOut(BaseModel):
    org_id: int
    period_start: datetime
    period_end: datetime
    households: int = Field(description="按本级清单统计的农户（下级另用清单者见 groups）")
    households_complete: int
    items: list[ItemRollupOut]
    groups: list[ChecklistGroupOut] = Field(
        default_factory=list,
        description="区域内所用的每种清单（模板或周期不同的下级各成一组），第一组为本级的",
    )
