"""The list window (limit, offset, sort, q) and the page every list returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import Invalid, NotFound
from persistence.org.tables import OrgUnitRow

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class Window:
    limit: int = 50
    offset: int = 0
    sort: str | None = None
    q: str | None = None


def _order(window: Window, allowed: dict[str, Any], default: Any) -> list[Any]:
    if not window.sort:
        return [default]
    key = window.sort.lstrip("-")
    if key not in allowed:
        raise Invalid(
            "list.unknown_sort",
            f"不能按 {key} 排序；可选：{', '.join(sorted(allowed))}",
            field="sort",
        )
    column = allowed[key]
    return [column.desc() if window.sort.startswith("-") else column.asc(), default]


def _total(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _page(
    session: Session, stmt: Select[Any], window: Window, order: list[Any]
) -> tuple[list[Any], int]:
    total = _total(session, stmt)
    rows = session.scalars(stmt.order_by(*order).limit(window.limit).offset(window.offset)).all()
    return list(rows), total


def _area_path(session: Session, scope: Scope, org_id: int | None) -> str:
    """The subtree to list: a node inside the caller's scope, or the caller's whole scope."""
    if org_id is None:
        return scope.org_path
    row = session.get(OrgUnitRow, org_id)
    if row is None or not scope.covers(row.path):
        raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
    return row.path


def _text(column: Any, q: str | None) -> ColumnElement[bool] | None:
    return column.contains(q.strip(), autoescape=True) if q and q.strip() else None
