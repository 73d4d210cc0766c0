"""A roster proposal's lifecycle as a table (联户调整方案: 草案 → 已发布)."""

from __future__ import annotations

import pytest

from domain.assignment.model import (
    PROPOSAL_STATUS_LABELS,
    PROPOSAL_TRANSITIONS,
    ProposalStatus,
    may_move,
)


def test_a_draft_may_be_published() -> None:
    assert may_move(ProposalStatus.DRAFT, ProposalStatus.PUBLISHED)


@pytest.mark.parametrize("to", list(ProposalStatus))
def test_a_published_proposal_never_moves_again(to: ProposalStatus) -> None:
    assert not may_move(ProposalStatus.PUBLISHED, to)


def test_a_draft_cannot_become_a_draft_again() -> None:
    assert not may_move(ProposalStatus.DRAFT, ProposalStatus.DRAFT)


def test_every_status_has_its_row_in_the_table_and_a_chinese_label() -> None:
    assert set(PROPOSAL_TRANSITIONS) == set(ProposalStatus)
    assert set(PROPOSAL_STATUS_LABELS) == set(ProposalStatus)
