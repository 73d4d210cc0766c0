"""The list window shared by every list endpoint: limit, offset, sort and free-text ``q``.

Each list sorts by its own fields (persistence.queries): its ``sort`` is an enum of exactly those,
each also with ``-`` for descending, so the schema says what the server accepts. A test
(tests/unit/test_contract_rules.py) sends every value each list declares."""

# No ``from __future__ import annotations``: the window's ``sort`` is annotated with an enum
# made at run time, which FastAPI must see as an object, not as a name to look up.
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from api.common import NO_CONTROL, Offset
from persistence.paging import Window

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: the items in it, how many match in all, and the window that cut it.
    Each list names its own page (``class HouseholdPage(Page[HouseholdOut])``), so the schema's
    component keeps a name a generated client can use."""

    data: list[T]
    total: int
    limit: int
    offset: int


def sort_enum(name: str, fields: Sequence[str]) -> type[StrEnum]:
    """``name`` (a schema component, e.g. HouseholdSort) listing each field and ``-field``."""
    values = [value for field in fields for value in (field, f"-{field}")]
    return StrEnum(name, [(value, value) for value in values])  # type: ignore[return-value]


def window_sorted_by(
    name: str,
    fields: Sequence[str],
    default: str,
    *,
    per_page: int = 50,
    max_limit: int = 500,
    search: str = "按名称模糊搜索（支持中文）",
    q_max_length: int = 50,
) -> Callable[..., Window]:
    """The window dependency of a list sorted by ``fields`` (``default`` when no sort is sent),
    a page of ``per_page`` rows unless asked for another number up to ``max_limit``; ``search``
    says what ``q`` (at most ``q_max_length`` characters) searches."""
    sort_type: Any = sort_enum(name, fields)

    def window(
        limit: Annotated[int, Query(ge=1, le=max_limit, description="每页条数")] = per_page,
        offset: Offset = 0,
        sort: Annotated[
            sort_type | None,
            Query(description=f"排序字段，前加 - 为降序；默认 {default}"),
        ] = None,
        q: Annotated[
            str | None,
            Query(max_length=q_max_length, pattern=NO_CONTROL, description=search),
        ] = None,
    ) -> Window:
        return Window(limit=limit, offset=offset, sort=sort.value if sort else None, q=q)

    return window


# The fields each list sorts by, as persistence.queries (and persistence.visits for the idle
# members) order them.
OrgUnitWindow = Annotated[
    Window, Depends(window_sorted_by("OrgUnitSort", ["name", "id", "path", "code"], "path"))
]
MemberWindow = Annotated[
    Window,
    Depends(
        window_sorted_by("MemberSort", ["name", "id", "birth_date", "role", "updated_at"], "id")
    ),
]
# What ``q`` searches in a list of households, or of what happens on them.
BY_HEAD_NAME = "按户主姓名模糊搜索（支持中文）"
HOUSEHOLD_FIELDS = ["head_name", "id", "size", "updated_at"]
HouseholdWindow = Annotated[
    Window, Depends(window_sorted_by("HouseholdSort", HOUSEHOLD_FIELDS, "id"))
]
AuditWindow = Annotated[Window, Depends(window_sorted_by("AuditSort", ["at", "id"], "-id"))]
IssueDraftWindow = Annotated[
    Window, Depends(window_sorted_by("IssueDraftSort", ["created_at", "id"], "id"))
]
IssueWindow = Annotated[
    Window,
    Depends(
        window_sorted_by(
            "IssueSort", ["due", "raised_at", "updated_at", "id"], "due", search="按问题摘要搜索"
        )
    ),
]
ProposalWindow = Annotated[
    Window, Depends(window_sorted_by("ProposalSort", ["created_at", "id"], "-id"))
]
IdleMemberWindow = Annotated[
    Window, Depends(window_sorted_by("IdleMemberSort", ["last_visit", "name"], "last_visit"))
]
EventWindow = Annotated[
    Window,
    Depends(
        window_sorted_by(
            "EventSort",
            ["reported_at", "deadline", "id"],
            "-reported_at",
            per_page=100,
            search=BY_HEAD_NAME,
        )
    ),
]
# A policy's matching households (persistence.registers.queries.households_among): 200 at most,
# each evaluated against the policy's rule.
MatchWindow = Annotated[
    Window,
    Depends(
        window_sorted_by("MatchSort", HOUSEHOLD_FIELDS, "id", max_limit=200, search=BY_HEAD_NAME)
    ),
]
PairWindow = Annotated[
    Window,
    Depends(
        window_sorted_by(
            "PairSort",
            ["member_id", "household_id", "member_name", "head_name"],
            "member_id",
            per_page=100,
            search="按党员或户主姓名模糊搜索（支持中文）",
        )
    ),
]
# The accounts' list searches usernames, which are up to 64 characters long.
UserWindow = Annotated[
    Window,
    Depends(window_sorted_by("UserSort", ["id", "username"], "id", q_max_length=64)),
]
