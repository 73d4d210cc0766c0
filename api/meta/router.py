"""Enum codes with their Chinese labels, for clients building forms and badges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter

from api.common import Label
from api.meta.schemas import EnumsOut
from domain.assignment.model import REASON_LABELS
from domain.audit.model import AUDIT_ACTION_LABELS
from domain.kernel.access import PERMISSION_LABELS, ROLE_LABELS
from domain.kernel.org import LEVEL_LABELS
from domain.must_attend.model import EVENT_STATUS_LABELS
from domain.policies.model import DELIVERY_LABELS
from domain.registers.household import (
    BUILTIN_CATEGORY_LABELS,
    HOUSEHOLD_STATUS_LABELS,
    RELATION_LABELS,
)
from domain.registers.member import EXEMPTION_LABELS, MEMBER_ROLE_LABELS
from domain.schemes.model import PRESETS
from domain.visits.model import FLAG_LABELS, VISIT_MODE_LABELS

router = APIRouter(prefix="/meta", tags=["meta"])


def _labels(mapping: Mapping[Any, str]) -> list[Label]:
    return [Label(code=str(k), label=v) for k, v in mapping.items()]


@router.get("/enums", response_model=EnumsOut, summary="枚举代码与中文名称")
def enums() -> EnumsOut:
    return EnumsOut(
        org_levels=_labels(dict(LEVEL_LABELS)),
        member_roles=_labels(dict(MEMBER_ROLE_LABELS)),
        account_roles=_labels(dict(ROLE_LABELS)),
        permissions=_labels(dict(PERMISSION_LABELS)),
        exemption_reasons=_labels(dict(EXEMPTION_LABELS)),
        categories=_labels(dict(BUILTIN_CATEGORY_LABELS)),
        relations=_labels(dict(RELATION_LABELS)),
        household_statuses=_labels(dict(HOUSEHOLD_STATUS_LABELS)),
        visit_modes=_labels(dict(VISIT_MODE_LABELS)),
        visit_flags=_labels(dict(FLAG_LABELS)),
        event_statuses=_labels(dict(EVENT_STATUS_LABELS)),
        delivery_statuses=_labels(dict(DELIVERY_LABELS)),
        assignment_reasons=_labels(dict(REASON_LABELS)),
        schemes=_labels({code: s.name for code, s in PRESETS.items()}),
        audit_actions=_labels(dict(AUDIT_ACTION_LABELS)),
    )
