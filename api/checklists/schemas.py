"""The checklists feature's request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from persistence.checklists.queries import ChecklistRollup, HouseholdChecklist


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

    @classmethod
    def from_checklist(cls, c: HouseholdChecklist) -> HouseholdChecklistOut:
        return cls(
            household_id=c.household_id,
            period_start=c.period.start,
            period_end=c.period.end,
            complete=all(c.items.values()),
            items=[ItemOut(item=i, done=bool(v), visit_ids=v) for i, v in c.items.items()],
        )


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

    @classmethod
    def from_rollup(cls, r: ChecklistRollup) -> ChecklistGroupOut:
        return cls(
            checklist=list(r.template),
            checklist_period_months=r.period_months,
            period_start=r.period.start,
            period_end=r.period.end,
            households=r.households,
            households_complete=r.households_complete,
            items=[
                ItemRollupOut(
                    item=item,
                    households_done=r.households_done[item],
                    rate=round(r.households_done[item] / r.households, 4) if r.households else 0.0,
                )
                for item in r.template
            ],
        )


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
