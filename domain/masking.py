"""Masking of personal data (个人信息脱敏) for callers who do not need it (PIPL art. 6: minimum
necessary). Masked values keep enough to recognise a record, never enough to contact someone."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
    if not phone:
        return phone
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:]


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
