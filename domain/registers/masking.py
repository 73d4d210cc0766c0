"""Masking of personal data (个人信息脱敏) for callers who do not need it (PIPL art. 6: minimum
necessary). Masked values keep enough to recognise a record, never enough to contact someone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from domain.registers.household import SENSITIVE_CATEGORIES

# A masked number shows at most its last four digits and never more than half of them (an
# 11-digit mobile ``*******5678``, a 7-digit landline ``****234``), whatever its length.
SHOWN_PHONE_DIGITS: Final = 4


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``*******5678``, ``0571-87654321`` → ``****-****4321``: every digit
    hidden but the last ones — at most four, at most half of the digits — and the separators
    (``+``, ``-``, spaces) left where they are."""
    if not phone:
        return phone
    digits = sum(1 for c in phone if c.isdigit())
    shown = min(SHOWN_PHONE_DIGITS, digits // 2)
    out: list[str] = []
    seen = 0
    for c in phone:
        if c.isdigit():
            seen += 1
            out.append(c if seen > digits - shown else "*")
        else:
            out.append(c)
    return "".join(out)


def mask_address(address: str | None) -> str | None:
    """Keep the first six characters (village, road) and hide house numbers."""
    if not address:
        return address
    keep = min(6, max(1, len(address) // 2))
    return address[:keep] + "****"


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``欧阳明月`` → ``欧**月``: for public views such as the village board."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# What a snapshot of a record (the audit log's before and after) carries, by field name, and how
# a caller without personal:read reads it: as the registers' own reads show it.
_HIDDEN_FIELDS: Final = frozenset({"location", "lat", "lng", "birth_date"})


def mask_snapshot(value: Any) -> Any:
    """A JSON snapshot of records (households, members, visits, residents …) as a caller without
    ``personal:read`` may read it: phones and addresses masked, locations and birth dates left
    out, the sensitive categories removed — at any depth, whatever the record."""
    if isinstance(value, Mapping):
        return {str(k): _mask_field(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_snapshot(v) for v in value]
    return value


def _mask_field(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _HIDDEN_FIELDS:
        return None
    if name == "phone":
        return mask_phone(str(value))
    if name == "address":
        return mask_address(str(value))
    if name == "categories" and isinstance(value, list | tuple):
        return [c for c in value if c not in SENSITIVE_CATEGORIES]
    return mask_snapshot(value)
