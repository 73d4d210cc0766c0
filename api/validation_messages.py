"""Request validation errors in Chinese: the message under a form field is shown to the user
as it comes (field app, admin console, a county platform's own forms), so it must read as
Chinese, not as pydantic's English. The error ``code`` (pydantic's type) stays as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_TEMPLATES: Mapping[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不认识的字段",
    "string_type": "应为文字",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不对",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "union_tag_invalid": "应为以下之一：{expected_tags}",
    "union_tag_not_found": "必填",
    "date_type": "应为日期，如 2026-11-25",
    "date_parsing": "应为日期，如 2026-11-25",
    "date_from_datetime_parsing": "应为日期，如 2026-11-25",
    "date_from_datetime_inexact": "应为日期（不含时间），如 2026-11-25",
    "datetime_type": "应为日期时间，如 2026-11-25T09:30:00+08:00",
    "datetime_parsing": "应为日期时间，如 2026-11-25T09:30:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，如 2026-11-25T09:30:00+08:00",
    "timezone_aware": "时间须带时区，如 +08:00",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "url_parsing": "应为网址",
    "bytes_too_long": "内容太大",
}
# Our own validators raise ValueError with a Chinese message; pydantic prefixes it.
_PREFIXES = ("Value error, ", "Assertion failed, ")


def zh_message(error: Mapping[str, Any]) -> str:
    """The Chinese message of one pydantic error (its English one when none is known)."""
    kind = str(error.get("type", ""))
    message = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error"):
        for prefix in _PREFIXES:
            if message.startswith(prefix):
                return message[len(prefix) :]
        return message
    template = _TEMPLATES.get(kind)
    if template is None:
        return message
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        context["expected"] = (
            str(context["expected"]).replace(" or ", "、").replace(", ", "、").replace("'", "")
        )
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split("{", 1)[0].rstrip("：: ") or message
