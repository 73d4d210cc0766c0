"""Shared constrained types and the list envelope ``{data, total, limit, offset}``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping
from typing import Annotated, Any

from fastapi import Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from domain.registers.member import Location

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


def _half_location(
    lat: float | None, lng: float | None, sent: Collection[str]
) -> tuple[str, str] | None:
    """(the coordinate missing, why) when a position would have one coordinate only; None when
    it has both or neither. ``sent``: the coordinates the request gave."""
    if (lat is None) == (lng is None):
        return None
    missing, given = ("lng", "lat") if lng is None else ("lat", "lng")
    # A lone null against a stored coordinate (a PATCH clearing one): the answer says to clear
    # both, not to give both.
    verb = "清除" if missing in sent and given not in sent else "给出"
    return missing, f"须与 {given} 同时{verb}（位置要有经纬度两项）"


def check_whole_location(model: str, lat: float | None, lng: float | None) -> None:
    """For a form's model validator (a visit, a household, a member): a position takes both
    coordinates; one alone is refused, naming the other, rather than dropped without a word."""
    half = _half_location(lat, lng, ("lat", "lng"))
    if half is not None:
        missing, message = half
        # Raised as a validation error of the missing field, so the answer names it.
        raise ValidationError.from_exception_data(
            model,
            [
                InitErrorDetails(
                    type=PydanticCustomError("location_incomplete", message),
                    loc=(missing,),
                    input=None,
                )
            ],
        )


def location_of(lat: float | None, lng: float | None) -> Location | None:
    """The position of a form checked whole (``check_whole_location``): both or none."""
    return Location(lat, lng) if lat is not None and lng is not None else None


def merged_location(
    sent: Mapping[str, Any], lat: float | None, lng: float | None, current: Location | None
) -> Location | None:
    """A PATCH's location: the coordinates sent, the stored one for a coordinate not sent (one
    may be moved alone). A position left with one coordinate (one sent to a record without a
    location, one cleared) is refused as a form's is, 422 naming the one missing: checked here,
    against the record as stored, so outside the body's own validation."""
    new_lat = lat if "lat" in sent else (current.lat if current else None)
    new_lng = lng if "lng" in sent else (current.lng if current else None)
    half = _half_location(new_lat, new_lng, sent.keys())
    if half is not None:
        missing, message = half
        raise RequestValidationError(
            [{"type": "location_incomplete", "loc": ("body", missing), "msg": message}]
        )
    return location_of(new_lat, new_lng)


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
