"""Enum codes with their Chinese labels, for clients building forms and badges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.schemas.common import Label
from domain.access import ROLE_LABELS
from domain.household import BUILTIN_CATEGORY_LABELS
from domain.member import EXEMPTION_LABELS, MEMBER_ROLE_LABELS
from domain.org import LEVEL_LABELS

router = APIRouter(prefix="/meta", tags=["meta"])


class EnumsOut(BaseModel):
    org_levels: list[Label]
    member_roles: list[Label]
    account_roles: list[Label]
    exemption_reasons: list[Label]
    categories: list[Label]


def _labels(mapping: Mapping[Any, str]) -> list[Label]:
    return [Label(code=str(k), label=v) for k, v in mapping.items()]


@router.get("/enums", response_model=EnumsOut, summary="枚举代码与中文名称")
def enums() -> EnumsOut:
    return EnumsOut(
        org_levels=_labels(dict(LEVEL_LABELS)),
        member_roles=_labels(dict(MEMBER_ROLE_LABELS)),
        account_roles=_labels(dict(ROLE_LABELS)),
        exemption_reasons=_labels(dict(EXEMPTION_LABELS)),
        categories=_labels(dict(BUILTIN_CATEGORY_LABELS)),
    )
