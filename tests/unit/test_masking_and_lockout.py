from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.accounts import LOCK_DURATION, MAX_FAILED_LOGINS, LoginState
from domain.masking import mask_address, mask_name, mask_phone

T0 = datetime(2026, 11, 25, tzinfo=UTC)


def test_a_masked_phone_keeps_only_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "*******5678"
    assert mask_phone(None) is None


def test_a_masked_address_hides_the_house_number() -> None:
    masked = mask_address("李家村3组12号")
    assert masked is not None and "12号" not in masked and masked.endswith("****")


def test_public_names_keep_first_and_last_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧**月"


def test_the_fifth_failed_login_locks_the_account_for_a_while() -> None:
    state = LoginState()
    for _ in range(MAX_FAILED_LOGINS - 1):
        state = state.after_failure(T0)
        assert not state.locked_at(T0)
    state = state.after_failure(T0)
    assert state.locked_at(T0)
    assert state.locked_at(T0 + LOCK_DURATION - timedelta(seconds=1))
    assert not state.locked_at(T0 + LOCK_DURATION)


def test_a_successful_login_clears_the_failures() -> None:
    state = LoginState().after_failure(T0).after_failure(T0).after_success()
    assert state.failed_logins == 0
