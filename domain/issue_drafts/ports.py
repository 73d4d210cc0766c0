"""Issue drafts (问题线索) left by a visit."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.issue_drafts.model import IssueDraft
from domain.kernel.access import Scope


class IssueDraftStore(Protocol):
    def by_flag(self, visit_id: int, kind: str) -> IssueDraft | None: ...
    # None: the visit's flag has a draft already (raised meanwhile), and nothing was written.
    def add(self, draft: IssueDraft) -> IssueDraft | None: ...
    def get(self, draft_id: int, scope: Scope) -> IssueDraft: ...
    # Writes the draft's status (its version one more); the draft as stored now.
    def save_status(self, draft: IssueDraft, *, at: datetime) -> None: ...
