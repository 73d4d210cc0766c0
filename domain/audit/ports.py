"""Where audit entries (操作日志) are appended."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.audit.model import AuditEntry


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    def add_many(self, entries: Sequence[AuditEntry]) -> None: ...
