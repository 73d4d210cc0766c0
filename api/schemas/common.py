"""Shared constrained types and the list envelope ``{data, total, limit, offset}``."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Ids are 32-bit on PostgreSQL: a larger number cannot name anything and is refused up front.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


# How far into a list to start; bounded so no number is too large for the database.
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="跳过条数")]


def query_id(description: str) -> Any:
    """A query parameter naming an id, bounded like ``Id``."""
    return Query(ge=1, le=MAX_ID, description=description)


def _printable(value: str) -> str:
    """Refuse control characters (NUL cannot even be stored by PostgreSQL)."""
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in value):
        raise ValueError("不能包含控制字符")
    return value


Text = Annotated[str, AfterValidator(_printable)]
# For query strings, where a pattern is the way to refuse control characters.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

NameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    AfterValidator(_printable),
]
# A category's label: as wide as its column (PostgreSQL refuses longer, SQLite does not).
LabelStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    AfterValidator(_printable),
]
OrgNameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_printable),
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_printable),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9\-]{5,20}$")]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class StrictIn(BaseModel):
    """Inputs refuse unknown fields, so a typo is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Label(BaseModel):
    code: str
    label: str


# A client-generated UUID (offline visits, sync operations, photo uploads): with or without
# hyphens, any case.
UUID_PATTERN = r"^[0-9a-fA-F-]{32,36}$"


def canonical_uuid(value: str) -> str | None:
    """A UUID in its one spelling, lower case with hyphens, or None when ``value`` is no UUID.
    A client's uuid makes a record unique: sent again in capitals or without its hyphens it
    must find the same record, not make a second."""
    if not re.match(UUID_PATTERN, value):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:  # the pattern lets through hyphens in place of digits
        return None


def _uuid(value: str) -> str:
    canonical = canonical_uuid(value)
    if canonical is None:
        raise ValueError("应为 UUID（32 位十六进制数字，可带连字符）")
    return canonical


# A client-generated UUID as taken in: any case, with or without hyphens; kept and compared in
# its canonical spelling.
ClientUuid = Annotated[str, StringConstraints(pattern=UUID_PATTERN), AfterValidator(_uuid)]
