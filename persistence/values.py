"""Small translations every store uses: a stored position, a unique code refused as a conflict."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.kernel.errors import Conflict
from domain.registers.member import Location


def location_of(lat: float | None, lng: float | None) -> Location | None:
    """A stored position, whole or none."""
    return Location(lat, lng) if lat is not None and lng is not None else None


def refuse_duplicate(
    session: Session,
    column: InstrumentedAttribute[str | None],
    value: str | None,
    own_id: int | None,
) -> None:
    """Codes and external ids are unique: say so as a conflict naming the field."""
    if value is None:
        return
    table = column.class_
    other = session.scalar(select(table.id).where(column == value))
    if other is not None and other != own_id:
        raise Conflict(f"{column.key}.duplicate", f"{value} 已被使用", field=column.key)
