from __future__ import annotations

from domain.registers.masking import mask_address, mask_name, mask_phone


def test_a_masked_phone_keeps_only_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "*******5678"
    assert mask_phone(None) is None


def test_a_masked_address_hides_the_house_number() -> None:
    masked = mask_address("李家村3组12号")
    assert masked is not None and "12号" not in masked and masked.endswith("****")


def test_public_names_keep_first_and_last_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧**月"
