"""Shared constrained types and the list envelope ``{data, total, limit, offset}``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Annotated, Any, get_args

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError

from domain.kernel.errors import Invalid
from domain.registers.member import Location, location_of

# Ids are 32-bit on PostgreSQL: a larger number cannot name anything and is refused up front.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


# How far into a list to start; bounded so no number is too large for the database.
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="跳过条数")]


def query_id(description: str) -> Any:
    """A query parameter naming an id, bounded like ``Id``."""
    return Query(ge=1, le=MAX_ID, description=description)


# Control characters other than tab, line feed and carriage return are refused in every text
# (NUL cannot even be stored by PostgreSQL). For query strings the pattern itself refuses them;
# in bodies ``_printable`` does, with its own message, and the schema carries the same pattern.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
# The same, for a text that is trimmed and must not be empty then: at least one character that
# is neither a control character nor white space (a name of "\r" alone is no name).
_ALLOWED = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
NOT_BLANK = rf"^{_ALLOWED}*[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\s]{_ALLOWED}*$"


def _printable(value: str) -> str:
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in value):
        raise ValueError("不能包含控制字符")
    return value


class _NoControlInSchema:
    """Says in the schema (``pattern``) what ``_printable`` refuses, so that a generated client
    and a fuzzer know it."""

    def __init__(self, pattern: str = NO_CONTROL) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.setdefault("pattern", self.pattern)
        return schema


Printable = (AfterValidator(_printable), _NoControlInSchema())
# Trimmed, then at least one character: the schema says that blank is not enough.
NotBlank = (AfterValidator(_printable), _NoControlInSchema(NOT_BLANK))

Text = Annotated[str, *Printable]

NameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    *NotBlank,
]
# A category's label: as wide as its column (PostgreSQL refuses longer, SQLite does not).
LabelStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    *NotBlank,
]
OrgNameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    *NotBlank,
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    *NotBlank,
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


def _both_if_one(given: str, other: str) -> dict[str, Any]:
    return {
        "if": {"required": [given], "properties": {given: {"type": "number"}}},
        "then": {"required": [other], "properties": {other: {"type": "number"}}},
    }


# ``check_whole_location`` as the schema says it: a form with one coordinate has the other too.
WHOLE_LOCATION_SCHEMA: dict[str, Any] = {
    "allOf": [_both_if_one("lat", "lng"), _both_if_one("lng", "lat")]
}


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
        # A rule of the record as stored, which no schema of the body can say: its own code.
        raise Invalid("location.incomplete", message, field=missing)
    return location_of(new_lat, new_lng)


def _admits_bool(annotation: Any) -> bool:
    """Whether a field's type takes true/false anywhere (a nested model answers for itself)."""
    if annotation is bool or annotation is Any:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_admits_bool(arg) for arg in get_args(annotation))


def _holds_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, list | tuple) and any(_holds_bool(v) for v in value)


class StrictIn(BaseModel):
    """Inputs refuse unknown fields, so a typo is an error rather than silently ignored; and a
    number is a number: pydantic would read ``true`` as 1 and ``false`` as 0.0 (a household
    moved to latitude 0), which the schema's ``integer``/``number`` does not allow."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        field = info.field_name
        if field and _holds_bool(value) and not _admits_bool(cls.model_fields[field].annotation):
            raise ValueError("应为数字或文字，不能是 true/false")
        return value


class Label(BaseModel):
    code: str
    label: str


# A client-generated UUID (offline visits, sync operations, photo uploads): with or without
# hyphens, any case.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


def canonical_uuid(value: str) -> str | None:
    """A UUID in its one spelling, lower case with hyphens, or None when ``value`` is no UUID.
    A client's uuid makes a record unique: sent again in capitals or without its hyphens it
    must find the same record, not make a second."""
    if not re.match(UUID_PATTERN, value):
        return None
    return str(uuid.UUID(value))  # 32 hex digits, hyphens only between the groups


def _uuid(value: str) -> str:
    canonical = canonical_uuid(value)
    if canonical is None:
        raise ValueError("应为 UUID（32 位十六进制数字，可带连字符）")
    return canonical


# A client-generated UUID as taken in: any case, with or without hyphens; kept and compared in
# its canonical spelling.
ClientUuid = Annotated[str, StringConstraints(pattern=UUID_PATTERN), AfterValidator(_uuid)]


# Dates, times and booleans as the schema says them, nothing else. Pydantic would also read a
# number as a Unix time (``?until=0.5``, ``?on=0``) and ``0``, ``"no"`` or ``"off"`` as false;
# the schema says ``format: date``/``date-time`` and ``boolean``, so those are refused (422 naming
# the field), in a query string as in a body.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("应为日期，格式 YYYY-MM-DD，如 2026-05-01")
    if not isinstance(value, str | date) or isinstance(value, datetime):
        raise ValueError("应为日期，格式 YYYY-MM-DD，如 2026-05-01")
    return value


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATETIME.match(value):
        raise ValueError("应为日期时间（ISO 8601），如 2026-05-01T08:00:00+08:00")
    if not isinstance(value, str | datetime):
        raise ValueError("应为日期时间（ISO 8601），如 2026-05-01T08:00:00+08:00")
    return value


def _bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("应为 true 或 false")
    return value


def _bool_word(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("应为 true 或 false")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
IsoAwareDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_datetime)]
# A boolean in a body: JSON true or false.
Bool = Annotated[bool, BeforeValidator(_bool)]
# A boolean in a query string: the words true or false.
QueryBool = Annotated[bool, BeforeValidator(_bool_word)]
