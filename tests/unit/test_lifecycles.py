"""The household's and the policy delivery's lifecycles as tables (issue 14: lifecycles as
enums with an allowed-transitions table), holding the behaviour they had before the tables."""

from __future__ import annotations

import itertools

import pytest

from domain.kernel.errors import Conflict
from domain.policies.model import DELIVERY_LABELS, DELIVERY_TRANSITIONS, DeliveryStatus
from domain.registers.household import (
    HOUSEHOLD_STATUS_LABELS,
    HOUSEHOLD_TRANSITIONS,
    HouseholdStatus,
    check_status_move,
)


def test_every_status_has_its_row_and_a_chinese_label() -> None:
    assert set(HOUSEHOLD_TRANSITIONS) == set(HOUSEHOLD_STATUS_LABELS) == set(HouseholdStatus)
    assert set(DELIVERY_TRANSITIONS) == set(DELIVERY_LABELS) == set(DeliveryStatus)


@pytest.mark.parametrize(("current", "to"), list(itertools.product(HouseholdStatus, repeat=2)))
def test_a_household_may_move_out_be_archived_and_come_back(
    current: HouseholdStatus, to: HouseholdStatus
) -> None:
    """迁出, 归档 and their corrections (迁回, 恢复): as PATCH allowed before the table."""
    check_status_move(current, to)


def test_a_move_the_table_does_not_hold_is_refused_naming_what_is_allowed() -> None:
    narrower = {**HOUSEHOLD_TRANSITIONS, HouseholdStatus.ARCHIVED: frozenset()}
    with pytest.raises(Conflict) as refused:
        check_status_move(HouseholdStatus.ARCHIVED, HouseholdStatus.ACTIVE, narrower)
    assert refused.value.code == "household.status_move" and refused.value.field == "status"
    check_status_move(HouseholdStatus.ARCHIVED, HouseholdStatus.ARCHIVED, narrower)  # no move


@pytest.mark.parametrize(("current", "to"), list(itertools.product(DeliveryStatus, repeat=2)))
def test_a_delivery_moves_forward_or_stays_and_never_back(
    current: DeliveryStatus, to: DeliveryStatus
) -> None:
    order = list(DeliveryStatus)  # 已宣讲 → 已申请 → 已享受
    assert (to in DELIVERY_TRANSITIONS[current]) == (order.index(to) >= order.index(current))
