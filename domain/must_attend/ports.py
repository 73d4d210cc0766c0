"""Must-attend events (必到事项)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.kernel.access import Scope
from domain.must_attend.model import MustAttendEvent


class EventStore(Protocol):
    """Must-attend events (五必到)."""

    def add(self, event: MustAttendEvent) -> MustAttendEvent: ...
    def get(self, event_id: int, scope: Scope) -> MustAttendEvent: ...
    # False: another attendance was linked first, and nothing changed.
    def attend(self, event_id: int, *, visit_id: int, at: datetime) -> bool: ...
    # False: it was attended or cancelled meanwhile, and nothing changed.
    def cancel(self, event_id: int, *, by: str, reason: str, at: datetime) -> bool: ...
    def of_household(self, household_id: int) -> list[MustAttendEvent]: ...
    # Until the transaction ends, no other card report on the household is counted or made.
    def lock_card_reports(self, household_id: int) -> None: ...
