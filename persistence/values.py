"""What every store uses: a unique code or external id refused as a conflict naming the field."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.kernel.errors import Conflict


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
