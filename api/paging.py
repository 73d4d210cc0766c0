"""The list window shared by every list endpoint: limit, offset, sort and free-text ``q``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from api.common import NO_CONTROL, Offset
from persistence.paging import Window


def window(
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数")] = 50,
    offset: Offset = 0,
    sort: Annotated[
        str | None,
        Query(max_length=40, pattern=NO_CONTROL, description="排序字段，前加 - 为降序，如 -name"),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=50, pattern=NO_CONTROL, description="按名称模糊搜索（支持中文）"),
    ] = None,
) -> Window:
    return Window(limit=limit, offset=offset, sort=sort, q=q)


WindowDep = Annotated[Window, Depends(window)]
