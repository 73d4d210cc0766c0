"""Rosters and their proposals (联户名单与调整方案)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from domain.assignment.area import AreaRoster
from domain.assignment.model import Pair, Preferences, ProposalStatus
from domain.kernel.access import Scope


class ProposalRecord(Protocol):
    @property
    def org_path(self) -> str: ...
    @property
    def status(self) -> ProposalStatus: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def report(self) -> dict[str, Any]: ...


class AssignmentStore(Protocol):
    """The assignment engine's storage: rosters, proposals, publishing."""

    def grid_ids(self, area_path: str) -> set[int]: ...
    def roster(self, area_path: str) -> AreaRoster: ...
    def preferences(self, area_path: str) -> Preferences: ...
    def add_proposal(
        self,
        *,
        org_id: int,
        scheme: str,
        mode: str,
        fingerprint: str,
        report: dict[str, Any],
        pairs: Sequence[Pair],
        created_by: str,
        at: datetime,
    ) -> int: ...
    def proposal(self, proposal_id: int, scope: Scope) -> ProposalRecord: ...
    def pairs(
        self, proposal_id: int, *, household_ids: Iterable[int] | None = None
    ) -> list[Pair]: ...
    def loads(self, proposal_id: int, member_ids: Iterable[int]) -> dict[int, int]: ...
    def names(
        self, member_ids: Iterable[int], household_ids: Iterable[int]
    ) -> tuple[dict[int, str], dict[int, str]]: ...
    def set_pairs(self, proposal_id: int, pairs: Iterable[Pair]) -> None: ...
    def set_report(self, proposal_id: int, report: dict[str, Any]) -> None: ...
    def lock_publishing(self) -> None: ...
    def mark(
        self, proposal_id: int, *, status: ProposalStatus, by: str, at: datetime
    ) -> ProposalStatus: ...
    def publish(
        self,
        proposal_id: int,
        *,
        on: date,
        at: datetime,
        elderly: Sequence[tuple[int, int]],
        contacts: Iterable[int],
    ) -> tuple[int, int]: ...
